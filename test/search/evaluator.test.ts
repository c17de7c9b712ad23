// The evaluators behind `nasforge search`: proxy training reports per-epoch values, checkpoints
// in the workdir and resumes an interrupted candidate to exactly the uninterrupted result;
// tabular lookup waits its simulated time and stops on the signal.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TensorDataset } from '../../src/data/index.js';
import { type EvalContext, EvaluationInterrupted, proxyTrainingEvaluator, tabularEvaluator } from '../../src/estimate/index.js';
import { Rng } from '../../src/util/index.js';
import { getSpace } from '../../src/spaces/index.js';
import { type Metrics } from '../../src/strategies/index.js';
import { loadTable } from '../../src/tabular/index.js';
import { manualSeed, rand, randint, setNumThreads } from '../../src/torch/index.js';

setNumThreads(1);

/** 160 grey 8x8 images of 4 classes, as Fashion-MNIST would be shaped, only smaller. */
function toyData(): TensorDataset {
  manualSeed(7);
  return new TensorDataset(rand([160, 1, 8, 8]).keep(), randint(0, 4, [160]).keep(), { numClasses: 4 });
}

function context(genotype: object, workdir: string, signal: AbortSignal, reports: [number, Metrics][]): EvalContext {
  return {
    genotype,
    signal,
    workdir,
    report: async (step, m) => {
      reports.push([step, m]);
    },
    artifact: async () => undefined,
  };
}

test('proxy training: per-epoch reports, the metrics the study records, and an exact resume after an interruption', async () => {
  const space = getSpace('nas-bench-201');
  const g = space.sample(new Rng(3));
  const stack: object = { channels: 4, cellsPerStage: 1 };
  const options = {
    space,
    stack,
    train: toyData(),
    valFraction: 0.25,
    seed: 0,
    recipe: { epochs: 2, batchSize: 16, optimizer: { name: 'sgd' as const, lr: 0.05, momentum: 0.9 } },
  };
  const whole: [number, Metrics][] = [];
  const full = await proxyTrainingEvaluator(options)(context(g, mkdtempSync(join(tmpdir(), 'nf-eval-')), new AbortController().signal, whole));
  assert.deepEqual(
    whole.map(([s]) => s),
    [1, 2],
    'one report per epoch',
  );
  for (const k of ['valAccuracy', 'valLoss', 'params', 'macs', 'trainSeconds']) assert.ok(Number.isFinite(full[k]), `${k} = ${full[k]}`);
  assert.ok(full.valAccuracy! >= 0 && full.valAccuracy! <= 100, 'accuracy in percent');
  assert.equal(full.valAccuracy, whole[1]![1].valAccuracy);
  assert.equal(full.params, space.cost(g, { channels: 4, cellsPerStage: 1, classes: 4 } as object, { size: 8, channels: 3 }).params);

  // stopped after its first stretch of training (the signal fires between stretches), then resumed
  const dir = mkdtempSync(join(tmpdir(), 'nf-eval-'));
  const stop = new AbortController();
  const interrupted = proxyTrainingEvaluator({ ...options, sliceSeconds: 1e-6 });
  const first: [number, Metrics][] = [];
  const ctx = context(g, dir, stop.signal, first);
  setImmediate(() => stop.abort());
  await assert.rejects(interrupted(ctx), (e: unknown) => e instanceof EvaluationInterrupted);
  assert.ok(existsSync(join(dir, 'checkpoint', 'trainer.json')), 'a checkpoint to resume from');
  const rest: [number, Metrics][] = [];
  const resumed = await proxyTrainingEvaluator(options)(context(g, dir, new AbortController().signal, rest));
  assert.equal(resumed.valAccuracy, full.valAccuracy, 'the resumed candidate ends where the uninterrupted one did');
  assert.equal(resumed.valLoss, full.valLoss);
  assert.ok(existsSync(join(dir, 'weights.safetensors')));
});

test('proxy training refuses a genotype of another space as the trial failure it is', async () => {
  const space = getSpace('nas-bench-201');
  const run = proxyTrainingEvaluator({
    space,
    stack: { channels: 4, cellsPerStage: 1 } as object,
    train: toyData(),
    valFraction: 0.25,
    seed: 0,
    recipe: { epochs: 1 },
  });
  await assert.rejects(run(context({ arch: '22212220' }, mkdtempSync(join(tmpdir(), 'nf-eval-')), new AbortController().signal, [])), /nas-bench-201/);
});

test('tabular evaluator: the table row after the simulated time; the signal stops the wait', async (t) => {
  let table: ReturnType<typeof loadTable>;
  try {
    table = loadTable('nas-bench-macro');
  } catch {
    t.skip('the NAS-Bench-Macro table is not in ../shared/data');
    return;
  }
  const g = { arch: '22212220' };
  const started = Date.now();
  const m = await tabularEvaluator(table, { simulatedSeconds: 0.2 })(context(g, tmpdir(), new AbortController().signal, []));
  assert.ok(Date.now() - started >= 190, 'it waited the simulated time');
  assert.equal(m.params, 1985514);
  const stop = new AbortController();
  const pending = tabularEvaluator(table, { simulatedSeconds: 30 })(context(g, tmpdir(), stop.signal, []));
  setTimeout(() => stop.abort(), 20);
  const t0 = Date.now();
  await assert.rejects(pending, (e: unknown) => e instanceof EvaluationInterrupted);
  assert.ok(Date.now() - t0 < 5000);
});
