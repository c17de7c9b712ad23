import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TensorDataset } from '../../src/data/index.js';
import { ResNet } from '../../src/spaces/baselines/index.js';
import { darts } from '../../src/spaces/index.js';
import { manualSeed, randint, randn, tidy } from '../../src/torch/index.js';
import { TrainError, fit, resolveRecipe, type ProgressSink } from '../../src/train/index.js';

function toyData(seed: number, n = 96): TensorDataset {
  manualSeed(seed);
  // two separable classes: the label decides the sign of the mean
  return tidy(() => {
    const y = randint(0, 2, [n]);
    const x = randn([n, 1, 8, 8]).add(y.to('float32').mul(2).sub(1).reshape([n, 1, 1, 1]));
    return new TensorDataset(x.keep(), y.keep(), { numClasses: 2 });
  });
}

const recipe = resolveRecipe({
  epochs: 3,
  batchSize: 16,
  dropPath: 0,
  cropPadding: 1,
  horizontalFlip: true,
  cutout: 2,
  optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4 },
  seed: 3,
});

function weights(m: ResNet): number[] {
  return m.parameters().flatMap((p) => p.toArray());
}

test('fit learns a separable toy problem', () => {
  const data = toyData(1);
  manualSeed(0);
  const model = new ResNet({ inChannels: 1, classes: 2, width: 4 });
  const r = fit(model, { recipe, train: data, val: data });
  assert.equal(r.history.length, 3);
  assert.ok(r.history[2]!.valTop1! > 0.9, `val accuracy ${r.history[2]!.valTop1}`);
  model.dispose();
  data.dispose();
});

test('resuming from a mid-epoch checkpoint gives the same final weights', () => {
  const data = toyData(2);
  const dir = mkdtempSync(join(tmpdir(), 'nf-ckpt-'));
  try {
    manualSeed(0);
    const a = new ResNet({ inChannels: 1, classes: 2, width: 4 });
    fit(a, { recipe, train: data });
    const wa = weights(a);

    manualSeed(0);
    const b = new ResNet({ inChannels: 1, classes: 2, width: 4 });
    const stop = new AbortController();
    let steps = 0;
    const killer: ProgressSink = {
      update() {
        if (++steps === 7) stop.abort();
      },
      done() {},
    };
    const first = fit(b, { recipe, train: data, checkpointDir: dir, signal: stop.signal, progress: killer });
    assert.equal(first.stoppedEarly, true);
    assert.equal(first.steps, 7); // 6 batches per epoch: stopped in the middle of epoch 2
    b.dispose();

    // a fresh process would build a fresh model with another seed: the checkpoint must win
    manualSeed(99);
    const c = new ResNet({ inChannels: 1, classes: 2, width: 4 });
    const second = fit(c, { recipe, train: data, checkpointDir: dir });
    assert.equal(second.resumed, true);
    assert.equal(second.steps, 18);
    assert.deepEqual(weights(c), wa);
    a.dispose();
    c.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    data.dispose();
  }
});

test('a non-finite loss stops training with a typed error', () => {
  const data = toyData(3);
  manualSeed(0);
  const model = new ResNet({ inChannels: 1, classes: 2, width: 4 });
  const bad = resolveRecipe({ ...recipe, optimizer: { name: 'sgd', lr: 1e12, momentum: 0.9 } });
  assert.throws(
    () => fit(model, { recipe: bad, train: data }),
    (e: unknown) => e instanceof TrainError && e.code === 'diverged' && /Lower the learning rate \(optimizer.lr/.test(e.message),
  );
  model.dispose();
  data.dispose();
});

test('recipe errors name the field, the value and the rule', () => {
  assert.throws(() => resolveRecipe({ epochs: 0 }), /recipe.epochs = 0: must be a positive integer/);
  assert.throws(() => resolveRecipe({ labelSmoothing: 1.5 }), /recipe.labelSmoothing = 1.5/);
  assert.throws(() => resolveRecipe({ epoch: 3 } as never), /unknown recipe field 'epoch'/);
});

test('an auxiliary loss weight trains the auxiliary head of a DARTS network; without one the head is untouched', () => {
  const headWeights = (net: { auxiliaryHead: { parameters(): { toArray(): number[] }[] } | null }): number[] =>
    net.auxiliaryHead!.parameters().flatMap((p) => p.toArray());
  manualSeed(1);
  const data = tidy(() => new TensorDataset(randn([8, 3, 32, 32]).keep(), randint(0, 10, [8]).keep(), { numClasses: 10 }));
  const moved = (auxiliaryWeight: number): boolean => {
    manualSeed(2);
    const net = darts.dartsSpace.build(darts.DARTS_V2, { cells: 3, channels: 4, classes: 10, auxiliary: true }) as unknown as Parameters<typeof fit>[0] &
      Parameters<typeof headWeights>[0];
    const before = headWeights(net);
    fit(net, { recipe: resolveRecipe({ epochs: 1, batchSize: 4, auxiliaryWeight, cutout: 0, cropPadding: 0, seed: 0 }), train: data });
    const after = headWeights(net);
    net.dispose();
    return after.some((v, i) => v !== before[i]);
  };
  assert.equal(moved(0.4), true, 'the head learns from its loss');
  assert.equal(moved(0), false, 'no auxiliary loss: the head gets no gradient and is left as it was');
});
