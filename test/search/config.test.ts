// The search config: names alone, defaults, flags over the file, and every mistake reported with
// the field, what was wrong and what is allowed (exit code 2 from the command).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ConfigError, loadSearchConfig, resolveConfig } from '../../src/search/index.js';
import { ONESHOT_METHODS } from '../../src/oneshot/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'nasforge-search-config-'));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function rejects(raw: unknown, pattern: RegExp): Promise<void> {
  await assert.rejects(resolveConfig(raw, { file: 'c.yaml', defaultStudy: 's' }), (e: unknown) => {
    assert.ok(e instanceof ConfigError, `a ConfigError, got ${String(e)}`);
    assert.equal(e.code, 'invalid-config');
    assert.match(e.message, pattern);
    return true;
  });
}

test("the issue's config form resolves with every default filled in, and resolves to itself", async () => {
  const c = await loadSearchConfig(
    file(
      'fmnist.yaml',
      `
study: fmnist-evolution
dataset: {name: fashion-mnist, limit: 5000}   # limit: use the first N training examples
space: darts
stack: {cells: 5, channels: 8}
strategy: {name: evolution, population: 20, sample: 5}
evaluator: {kind: train, epochs: 1}
objective: accuracy
budget: {trials: 40, minutes: 10}
seed: 0
`,
    ),
  );
  assert.equal(c.study, 'fmnist-evolution');
  assert.deepEqual(c.dataset, { name: 'fashion-mnist', limit: 5000, valFraction: 0.2 });
  assert.equal(c.space, 'darts');
  assert.equal(c.stack.cells, 5);
  assert.equal(c.stack.channels, 8);
  assert.deepEqual(c.strategy, { name: 'evolution', populationSize: 20, sampleSize: 5 });
  assert.deepEqual(c.evaluator, { kind: 'train', epochs: 1, batchSize: 64, lr: 0.05, weightDecay: 3e-4, gradClip: 5 });
  assert.deepEqual(c.budget, { trials: 40, minutes: 10 });
  const again = await resolveConfig(JSON.parse(JSON.stringify(c)), { file: 'stored' });
  assert.deepEqual(again, c, 'a stored config rebuilds the same definition');
});

test('a name alone means that thing with its defaults; the study defaults to the file name', async () => {
  const c = await loadSearchConfig(file('table-run.json', JSON.stringify({ evaluator: 'nas-bench-macro', strategy: 'random' })));
  assert.equal(c.study, 'table-run');
  assert.equal(c.space, 'nas-bench-macro', 'a table evaluator brings its own space');
  assert.deepEqual(c.evaluator, { kind: 'table', name: 'nas-bench-macro', simulatedSeconds: 0 });
  assert.deepEqual(c.strategy, { name: 'random' });
  assert.equal(c.objective, 'accuracy');
  assert.equal(c.budget.trials, 40);
  const d = await resolveConfig({}, { defaultStudy: 'x' });
  assert.equal(d.space, 'nas-bench-201', 'the small cell space by default');
  assert.equal(d.evaluator.kind, 'train');
  assert.deepEqual(d.stack, { channels: 4, cellsPerStage: 1 }, "with no stack, the space's smallest skeleton");
});

test('command-line flags override the file', async () => {
  const p = file('o.yaml', 'study: a\nbudget: {trials: 5, minutes: 2}\nseed: 3\nevaluator: nas-bench-macro\n');
  const c = await loadSearchConfig(p, { study: 'b', trials: 9, seed: 4 });
  assert.equal(c.study, 'b');
  assert.deepEqual(c.budget, { trials: 9, minutes: 2 });
  assert.equal(c.seed, 4);
});

test('each mistake names the field, what was wrong and what is allowed', async () => {
  await rejects({ space: 'dartz' }, /space is "dartz".*Did you mean 'darts'\?.*Known spaces:/);
  await rejects(
    { strategy: 'evolutoin' },
    /strategy\.name .*unknown strategy 'evolutoin'; did you mean 'evolution'\?.*Known strategies: .*weight-sharing methods/,
  );
  await rejects(
    { strategy: { name: 'evolution', populaton: 3 } },
    /strategy\.populaton is not an option of evolution\..* Its options: seed, populationSize, sampleSize/,
  );
  await rejects({ budget: { trials: 'ten' } }, /c\.yaml: budget\.trials is "ten"; it must be a number/);
  await rejects({ budget: { trials: 0 } }, /budget\.trials is 0; it must be at least 1/);
  await rejects({ seed: 1.5 }, /seed is 1\.5; it must be an integer/);
  await rejects({ dataset: { name: 'fashion-mnist', limit: 'all' } }, /dataset\.limit is "all"; it must be a number/);
  await rejects({ dataset: 'fashon-mnist' }, /dataset\.name is "fashon-mnist", not a known data set\. Did you mean 'fashion-mnist'\? Allowed: fashion-mnist/);
  await rejects({ strategyy: 'random' }, /strategyy is not a field of the config\. Did you mean 'strategy'\? Its fields: study, dataset/);
  await rejects({ budget: { trails: 3 } }, /budget\.trails is not a field of 'budget'\. Did you mean 'trials'\?/);
  await rejects({ space: 'darts', stack: { cellz: 5 } }, /stack\.cellz is not a stack field of the space 'darts'\. Did you mean 'cells'\?/);
  await rejects({ space: 'darts', stack: { cells: true } }, /stack\.cells is true; it must be a number/);
  await rejects({ evaluator: 'nas-bench-makro' }, /evaluator names the table "nas-bench-makro", which does not exist\. Did you mean 'nas-bench-macro'\?/);
  await rejects({ evaluator: { kind: 'train', epoch: 2 } }, /evaluator\.epoch is not a field of 'evaluator'\. Did you mean 'epochs'\?/);
  await rejects({ evaluator: { kind: 'lookup' } }, /evaluator\.kind is "lookup"; allowed: train/);
  await rejects(
    { evaluator: 'nas-bench-macro', space: 'darts' },
    /space is 'darts', but the table 'nas-bench-macro' holds architectures of the space 'nas-bench-macro'/,
  );
  await rejects({ objective: 'accurracy,' }, /objective/);
  await rejects({ study: 'has space' }, /study is "has space"/);
});

test('a weight-sharing method as the strategy: its space and options are checked', async () => {
  const method = ONESHOT_METHODS.find((m) => m.name === 'darts')!;
  assert.ok(method, 'darts is registered');
  const ok = await resolveConfig({ strategy: { name: 'darts', epochs: 1 }, space: 'darts' }, { defaultStudy: 's' });
  assert.deepEqual(ok.strategy, { name: 'darts', epochs: 1 });
  await rejects({ strategy: { name: 'darts', epochz: 1 }, space: 'darts' }, /strategy\.epochz is not an option of darts\. Did you mean 'epochs'\?/);
  await rejects({ strategy: { name: 'darts', epochs: 'one' }, space: 'darts' }, /strategy\.epochs is "one"; it must be a finite number/);
  await rejects({ strategy: 'darts', space: 'nas-bench-macro' }, /strategy 'darts' builds supernets of the spaces .*darts.*, not 'nas-bench-macro'/);
});

test('a scheduler: a name alone means Hyperband over 1..9 epochs; it needs training and a black-box strategy', async () => {
  const c = await resolveConfig({ scheduler: 'hyperband' }, { defaultStudy: 's' });
  assert.deepEqual(c.scheduler, { name: 'hyperband', minEpochs: 1, maxEpochs: 9, eta: 3, brackets: 0, maxActive: 1, warmStart: true });
  assert.deepEqual(await resolveConfig(JSON.parse(JSON.stringify(c)), { file: 'stored' }), c, 'resolves to itself');
  const plain = await resolveConfig({}, { defaultStudy: 's' });
  assert.equal('scheduler' in plain, false, 'absent unless asked for (stored configs of older studies stay equal)');
  await rejects({ scheduler: 'hyperbnd' }, /scheduler\.name is "hyperbnd"; allowed: hyperband, halving/);
  await rejects({ scheduler: { name: 'halving', maxEpoch: 3 } }, /scheduler\.maxEpoch is not a field of 'scheduler'\. Did you mean 'maxEpochs'\?/);
  await rejects({ scheduler: { name: 'halving', minEpochs: 4, maxEpochs: 2 } }, /scheduler\.maxEpochs is 2; it must be at least minEpochs \(4\)/);
  await rejects({ scheduler: { name: 'halving', eta: 1 } }, /scheduler\.eta is 1; it must be more than 1/);
  await rejects({ scheduler: 'hyperband', evaluator: 'nas-bench-macro' }, /scheduler needs evaluator: train/);
  await rejects(
    { scheduler: 'hyperband', space: 'darts', strategy: 'darts' },
    /scheduler schedules the trials of a black-box strategy; 'darts' trains one supernet/,
  );
});

test('a missing data path is refused before anything runs', async () => {
  await rejects({ dataset: { name: 'fashion-mnist', root: 'no/such/folder' } }, /dataset\.root is ".*no\/such\/folder", which does not exist/);
  await rejects({ evaluator: { kind: 'table', name: 'nas-bench-macro', file: 'missing.json' } }, /evaluator\.file is ".*missing\.json", which does not exist/);
});

test('the search command exits with code 2 and a clear message on a bad config', () => {
  const cases: [string, RegExp][] = [
    ['study: a\nspace: [darts\n', /bad\.yaml:3:1: is not valid YAML or JSON/],
    ['space: dartz\n', /space is "dartz".*Did you mean 'darts'/],
    ['strategy: {name: evolutoin}\n', /did you mean 'evolution'/],
    ['budget: {trials: many}\n', /budget\.trials is "many"; it must be a number/],
    ['dataset: {root: /no/such/dir}\n', /dataset\.root is "\/no\/such\/dir", which does not exist/],
  ];
  for (const [text, pattern] of cases) {
    const p = file('bad.yaml', text);
    const r = spawnSync(process.execPath, [CLI, 'search', '--config', p, '--storage', `sqlite:${join(dir, 'db.sqlite')}`], { encoding: 'utf8' });
    assert.equal(r.status, 2, `${text}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
  }
  const missing = spawnSync(process.execPath, [CLI, 'search', '--config', join(dir, 'nope.yaml')], { encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope\.yaml: not found; pass --config/);
});
