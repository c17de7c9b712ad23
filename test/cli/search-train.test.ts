// The training path end to end on a tiny MNIST-layout data set written here: a search whose
// trials proxy-train, `export` of the best genotype with its weights, and `retrain` at a larger
// stack from the study and from the exported file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { openStorage } from '../../src/study/index.js';
import { genotypeDocument } from '../../src/cli/genotype-doc.js';
import { writeIdx } from './idx-fixture.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

/** `v` is a percentage of `n` examples: in [0, 100] and k·100/n for a whole k (a fraction k/n would not be). */
function assertPercentOf(v: number, n: number): void {
  assert.ok(v >= 0 && v <= 100, `${v} in [0, 100]`);
  assert.ok(Math.abs((v * n) / 100 - Math.round((v * n) / 100)) < 1e-6, `${v} is a percentage of ${n} examples`);
}

function run(dir: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NASFORGE_THREADS: '1' }, timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('search with proxy training, export with weights, retrain at a larger stack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-train-search-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  writeIdx(data, 'train', 240, 1);
  writeIdx(data, 't10k', 80, 2);
  const config = join(dir, 'tiny.yaml');
  writeFileSync(
    config,
    [
      'study: tiny',
      'dataset: {name: mnist, root: data, valFraction: 0.25}',
      'space: nas-bench-201',
      'stack: {channels: 4, cellsPerStage: 1}',
      'strategy: {name: evolution, population: 2, sample: 2}',
      'evaluator: {kind: train, epochs: 1, batchSize: 30}',
      'budget: {trials: 3}',
      '',
    ].join('\n'),
  );

  const s = run(dir, 'search', '--config', config, '--json');
  assert.equal(s.code, 0, s.err);
  assert.match(s.err, /each trial trains 1 epoch on all mnist training examples \(25% of them held out for validation\)/);
  const result = JSON.parse(s.out) as {
    storage: string;
    counts: Record<string, number>;
    best: { number: number; metrics: Record<string, number>; artifacts: Record<string, string> };
  };
  assert.equal(result.storage, `sqlite:${join(dir, 'nasforge.db')}`, 'the default storage is nasforge.db in the current folder');
  assert.equal(result.counts.complete, 3);
  for (const k of ['valAccuracy', 'valLoss', 'params', 'macs', 'trainSeconds']) assert.ok(Number.isFinite(result.best.metrics[k]), k);
  assert.ok(existsSync(result.best.artifacts.weights!), 'the trained weights are kept as an artifact');

  const e = run(dir, 'export', '--out', 'best');
  assert.equal(e.code, 0, e.err);
  assert.ok(existsSync(join(dir, 'best', 'genotype.json')));
  assert.ok(existsSync(join(dir, 'best', 'weights.safetensors')));

  const r = run(dir, 'retrain', '--epochs', '1', '--json');
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out) as {
    testAccuracy: number;
    testTop5Accuracy: number;
    stack: Record<string, unknown>;
    params: number;
    from: string;
    key: string;
  };
  assertPercentOf(out.testAccuracy, 80);
  assertPercentOf(out.testTop5Accuracy, 80);
  assert.ok(out.testTop5Accuracy >= out.testAccuracy);
  assert.equal(out.from, `study 'tiny' trial ${result.best.number}`);
  assert.deepEqual(out.stack, { channels: 8, cellsPerStage: 1, classes: 10 }, 'twice the searched channels by default');
  assert.ok(out.params > result.best.metrics.params!);

  // the documents `best --json` and `search --json` print are genotype documents of the study
  const b = run(dir, 'best', '--json');
  assert.equal(b.code, 0, b.err);
  for (const [text, what] of [
    [b.out, 'best --json'],
    [s.out, 'search --json'],
  ] as const) {
    const doc = genotypeDocument(JSON.parse(text), what);
    assert.deepEqual(
      [doc.kind, doc.space, doc.stack, doc.dataset],
      ['study', 'nas-bench-201', { channels: 4, cellsPerStage: 1 }, { name: 'mnist', root: data }],
      what,
    );
  }
  writeFileSync(join(dir, 'best.json'), b.out);
  // no --dataset: the document names the study's data set and folder; the stack grows as `retrain --study` grows it
  const fromBest = run(dir, 'retrain', '--genotype', 'best.json', '--epochs', '1', '--json');
  assert.equal(fromBest.code, 0, fromBest.err);
  const viaBest = JSON.parse(fromBest.out) as typeof out;
  assert.deepEqual([viaBest.key, viaBest.stack, viaBest.params, viaBest.from], [out.key, out.stack, out.params, 'best.json']);

  const f = run(
    dir,
    'retrain',
    '--genotype',
    join(dir, 'best', 'genotype.json'),
    '--dataset',
    'mnist',
    '--data-root',
    data,
    '--epochs',
    '1',
    '--cells',
    '2',
    '--channels',
    '6',
    '--json',
  );
  assert.equal(f.code, 0, f.err);
  assert.deepEqual((JSON.parse(f.out) as { stack: object }).stack, { channels: 6, cellsPerStage: 2, classes: 10 });

  const bad = run(dir, 'retrain', '--genotype', join(dir, 'best', 'genotype.json'), '--dataset', 'mnist', '--data-root', join(dir, 'nowhere'), '--epochs', '1');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /dataset mnist: .*not found in .*nowhere/);
});

test('a weight-sharing strategy runs as the study: one supernet search, its derived genotype recorded as a complete trial', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-oneshot-search-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  writeIdx(data, 'train', 120, 3);
  writeIdx(data, 't10k', 20, 4);
  const config = join(dir, 'ws.yaml');
  writeFileSync(
    config,
    [
      'dataset: {name: mnist, root: data, valFraction: 0.25}',
      'space: darts',
      'stack: {cells: 3, channels: 4}',
      'strategy: {name: darts, epochs: 1, batchSize: 30}',
      'evaluator: {kind: train, epochs: 1, batchSize: 30}',
      '',
    ].join('\n'),
  );
  const s = run(dir, 'search', '--config', config, '--json');
  assert.equal(s.code, 0, s.err);
  assert.match(s.err, /darts derived .*; proxy-training it as the study's trial/);
  const out = JSON.parse(s.out) as {
    counts: Record<string, number>;
    best: { key: string; metrics: Record<string, number>; artifacts: Record<string, string> };
  };
  assert.equal(out.counts.complete, 1);
  assert.ok(Number.isFinite(out.best.metrics.valAccuracy), 'scored like any other trial');
  assert.ok('supernetSearchSeconds' in out.best.metrics, 'with what the supernet search measured');
  const supernetVal = out.best.metrics.supernetValAccuracy!;
  assert.ok(supernetVal >= 0 && supernetVal <= 100, `the supernet's validation accuracy in percent: ${supernetVal}`);
  assert.ok(Math.abs(supernetVal * 0.3 - Math.round(supernetVal * 0.3)) < 1e-6, 'a share of the 30 validation images, in percent');
  assert.deepEqual(
    Object.keys(out.best.metrics).filter((k) => /top1/i.test(k)),
    [],
    'no fractions under *Top1 names',
  );
  assert.ok(existsSync(out.best.artifacts.weights!), "the derived genotype's trained weights are recorded");
  const e = run(dir, 'export', '--out', 'best');
  assert.equal(e.code, 0, e.err);
  assert.ok(existsSync(join(dir, 'best', 'weights.safetensors')), 'export copies them');
  const again = run(dir, 'search', '--config', config, '--json');
  assert.equal(again.code, 0, again.err);
  assert.equal((JSON.parse(again.out) as { counts: Record<string, number> }).counts.complete, 1, 'a finished weight-sharing study is not searched again');
});

test('a search with a successive-halving scheduler: each rung trains its epochs, the promotion continues its parent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-halving-search-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  writeIdx(data, 'train', 120, 5);
  writeIdx(data, 't10k', 20, 6);
  const config = join(dir, 'sh.yaml');
  writeFileSync(
    config,
    [
      'study: sh',
      'dataset: {name: mnist, root: data, valFraction: 0.25}',
      'space: nas-bench-201',
      'stack: {channels: 4, cellsPerStage: 1}',
      'strategy: random',
      'evaluator: {kind: train, batchSize: 30}',
      'scheduler: {name: halving, minEpochs: 1, maxEpochs: 2, eta: 2, configs: 2, brackets: 1}',
      'budget: {trials: 10}',
      '',
    ].join('\n'),
  );
  const s = run(dir, 'search', '--config', config, '--json');
  assert.equal(s.code, 0, s.err);
  assert.match(s.err, /halving scheduler over 1-2 epochs/);
  assert.match(s.err, /each trial trains its rung's epochs \(halving, 1 to 2 epochs, η 2; a promotion continues from the rung below\)/);
  assert.match(s.err, /trial 2 complete at fidelity 2 in/);
  const t = run(dir, 'trials', '--json');
  assert.equal(t.code, 0, t.err);
  const trials = JSON.parse(t.out) as { number: number; state: string; key: string; fidelity: number; rung: number; parent: number | null; score: number }[];
  assert.deepEqual(
    trials.map((x) => [x.state, x.fidelity, x.rung]),
    [
      ['complete', 1, 0],
      ['complete', 1, 0],
      ['complete', 2, 1],
    ],
    'two configurations at 1 epoch, the better one at 2',
  );
  const better = trials[0]!.score >= trials[1]!.score ? trials[0]! : trials[1]!;
  assert.equal(trials[2]!.key, better.key);
  assert.equal(trials[2]!.parent, better.number);
  assert.equal((JSON.parse(s.out) as { best: { number: number } }).best.number, 2, 'the best is the fully trained one, whatever the 1-epoch scores');
  // warm start: the promoted trial trained only its second epoch, from its parent's checkpoint
  const db = join(dir, 'nasforge.db');
  const steps = run(dir, 'trials', '--storage', `sqlite:${db}`);
  assert.match(steps.out, /^trial\s+state\s+score\s+valAccuracy\s+attempts\s+fidelity\s+from\s+key/m);
  const storage = await openStorage(`sqlite:${db}`);
  const reported = async (n: number): Promise<number[]> => (await storage.intermediates('sh', n)).map((i) => i.step);
  assert.deepEqual(await reported(better.number), [1]);
  assert.deepEqual(await reported(2), [2], "only epoch 2 was trained: epoch 1 came from the parent's checkpoint");
  await storage.close();
  const history = JSON.parse(readFileSync(join(`${db}.studies`, 'sh', 'trial-2', 'checkpoint', 'trainer.json'), 'utf8')) as {
    counters: { history: unknown[] };
  };
  assert.equal(history.counters.history.length, 2, 'its checkpoint holds both epochs');
});
