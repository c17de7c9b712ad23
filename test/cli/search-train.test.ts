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

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

/** IDX files of `n` 12x12 grey images whose label (0..3 of MNIST's ten classes) sets which quadrant is bright. */
function writeIdx(dir: string, prefix: string, n: number, seed: number): void {
  const side = 12;
  const images = Buffer.alloc(16 + n * side * side);
  images.writeUInt32BE(0x803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(side, 8);
  images.writeUInt32BE(side, 12);
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x801, 0);
  labels.writeUInt32BE(n, 4);
  let s = seed;
  const next = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 24;
  };
  for (let i = 0; i < n; i++) {
    const label = i % 4;
    labels[8 + i] = label;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const q = (y < side / 2 ? 0 : 2) + (x < side / 2 ? 0 : 1);
        images[16 + i * side * side + y * side + x] = Math.min(255, (q === label ? 140 : 0) + (next() >> 1));
      }
    }
  }
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte`), images);
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte`), labels);
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
  writeFileSync(config, [
    'study: tiny', 'dataset: {name: mnist, root: data, valFraction: 0.25}', 'space: nas-bench-201', 'stack: {channels: 4, cellsPerStage: 1}',
    'strategy: {name: evolution, population: 2, sample: 2}', 'evaluator: {kind: train, epochs: 1, batchSize: 30}', 'budget: {trials: 3}', '',
  ].join('\n'));

  const s = run(dir, 'search', '--config', config, '--json');
  assert.equal(s.code, 0, s.err);
  assert.match(s.err, /each trial trains 1 epoch on all mnist training examples \(25% of them held out for validation\)/);
  const result = JSON.parse(s.out) as { storage: string; counts: Record<string, number>; best: { number: number; metrics: Record<string, number>; artifacts: Record<string, string> } };
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
  const out = JSON.parse(r.out) as { testAccuracy: number; stack: Record<string, unknown>; params: number; from: string };
  assert.ok(out.testAccuracy >= 0 && out.testAccuracy <= 1);
  assert.equal(out.from, `study 'tiny' trial ${result.best.number}`);
  assert.deepEqual(out.stack, { channels: 8, cellsPerStage: 1, classes: 10 }, 'twice the searched channels by default');
  assert.ok(out.params > result.best.metrics.params!);

  const f = run(dir, 'retrain', '--genotype', join(dir, 'best', 'genotype.json'), '--dataset', 'mnist', '--data-root', data,
    '--epochs', '1', '--cells', '2', '--channels', '6', '--json');
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
  writeFileSync(config, [
    'dataset: {name: mnist, root: data, valFraction: 0.25}', 'space: darts', 'stack: {cells: 3, channels: 4}',
    'strategy: {name: darts, epochs: 1, batchSize: 30}', 'evaluator: {kind: train, epochs: 1, batchSize: 30}', '',
  ].join('\n'));
  const s = run(dir, 'search', '--config', config, '--json');
  assert.equal(s.code, 0, s.err);
  assert.match(s.err, /darts derived .*; proxy-training it as the study's trial/);
  const out = JSON.parse(s.out) as { counts: Record<string, number>; best: { key: string; metrics: Record<string, number>; artifacts: Record<string, string> } };
  assert.equal(out.counts.complete, 1);
  assert.ok(Number.isFinite(out.best.metrics.valAccuracy), 'scored like any other trial');
  assert.ok('supernetSearchSeconds' in out.best.metrics, 'with what the supernet search measured');
  assert.ok(existsSync(out.best.artifacts.weights!), 'the derived genotype\'s trained weights are recorded');
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
  writeFileSync(config, [
    'study: sh', 'dataset: {name: mnist, root: data, valFraction: 0.25}', 'space: nas-bench-201', 'stack: {channels: 4, cellsPerStage: 1}',
    'strategy: random', 'evaluator: {kind: train, batchSize: 30}', 'scheduler: {name: halving, minEpochs: 1, maxEpochs: 2, eta: 2, configs: 2, brackets: 1}',
    'budget: {trials: 10}', '',
  ].join('\n'));
  const s = run(dir, 'search', '--config', config, '--json');
  assert.equal(s.code, 0, s.err);
  assert.match(s.err, /halving scheduler over 1-2 epochs/);
  assert.match(s.err, /each trial trains its rung's epochs \(halving, 1 to 2 epochs, η 2; a promotion continues from the rung below\)/);
  assert.match(s.err, /trial 2 complete at fidelity 2 in/);
  const t = run(dir, 'trials', '--json');
  assert.equal(t.code, 0, t.err);
  const trials = JSON.parse(t.out) as { number: number; state: string; key: string; fidelity: number; rung: number; parent: number | null; score: number }[];
  assert.deepEqual(trials.map((x) => [x.state, x.fidelity, x.rung]), [['complete', 1, 0], ['complete', 1, 0], ['complete', 2, 1]], 'two configurations at 1 epoch, the better one at 2');
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
  assert.deepEqual(await reported(2), [2], 'only epoch 2 was trained: epoch 1 came from the parent\'s checkpoint');
  await storage.close();
  const history = JSON.parse(readFileSync(join(`${db}.studies`, 'sh', 'trial-2', 'checkpoint', 'trainer.json'), 'utf8')) as { counters: { history: unknown[] } };
  assert.equal(history.counters.history.length, 2, 'its checkpoint holds both epochs');
});
