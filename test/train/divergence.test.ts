// The divergence rule (src/train/divergence.ts) and fit stopping on it.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TensorDataset } from '../../src/data/index.js';
import { ResNet } from '../../src/spaces/baselines/index.js';
import { manualSeed, randint, randn, setNumThreads, tidy } from '../../src/torch/index.js';
import { DIVERGENCE_FACTOR, TrainError, divergence, fit, lossReference, resolveRecipe } from '../../src/train/index.js';

setNumThreads(1);

test("the reference is the larger of ln(classes) and the first step's loss", () => {
  assert.equal(lossReference(0.5, 10), Math.log(10), 'a first loss below uniform: ln(classes)');
  assert.equal(lossReference(7.5, 10), 7.5, 'a badly initialised start: its own loss');
  assert.equal(lossReference(NaN, 10), Math.log(10));
  assert.equal(lossReference(0.3, 1), 0.3, 'one class: ln 1 = 0, so the first loss');
});

test('diverged: non-finite, or above 100 × the reference; a legitimately bad loss is not', () => {
  const ref = Math.log(10);
  assert.equal(DIVERGENCE_FACTOR, 100);
  assert.equal(divergence(NaN, ref), 'non-finite');
  assert.equal(divergence(Infinity, ref), 'non-finite');
  assert.equal(divergence(9.7e17, ref), 'exploded', 'the finite 1e17 loss of `train --lr 1e6` (issue 13)');
  assert.equal(divergence(100 * ref * 1.001, ref), 'exploded');
  assert.equal(divergence(100 * ref, ref), null, 'the bound itself is not past it');
  assert.equal(divergence(57.3, ref), null, 'lr 10 on Fashion-MNIST peaks at 57 (25x) and recovers');
  assert.equal(divergence(0, ref), null);
});

function toyData(seed: number, n = 96): TensorDataset {
  manualSeed(seed);
  return tidy(() => {
    const y = randint(0, 2, [n]);
    const x = randn([n, 1, 8, 8]).add(y.to('float32').mul(2).sub(1).reshape([n, 1, 1, 1]));
    return new TensorDataset(x.keep(), y.keep(), { numClasses: 2 });
  });
}

test('fit stops on a finite exploding loss with TrainError(diverged) saying where, how far and what to do', () => {
  const data = toyData(3);
  manualSeed(0);
  const model = new ResNet({ inChannels: 1, classes: 2, width: 4 });
  // lr 1e6: the loss is finite (1e10) at the second step, NaN only later
  const recipe = resolveRecipe({ epochs: 3, batchSize: 16, optimizer: { name: 'sgd', lr: 1e6, momentum: 0.9 }, seed: 3 });
  let steps = 0;
  assert.throws(
    () =>
      fit(model, {
        recipe,
        train: data,
        progress: {
          update() {
            steps++;
          },
          done() {},
        },
      }),
    (e: unknown) => {
      assert.ok(e instanceof TrainError, String(e));
      assert.equal(e.code, 'diverged');
      assert.match(e.message, /diverged at epoch 1\/3, step 2 \(6 per epoch\): [\d.]+e\+\d+, above 100 × its reference [\d.]+/);
      assert.match(e.message, /Lower the learning rate \(optimizer\.lr: 1000000, .*clip the gradient norm \(gradClip/);
      return true;
    },
  );
  assert.equal(steps, 1, 'stopped at the step that exploded, before counting it');
  model.dispose();
  data.dispose();
});

test('the reference is kept in the checkpoint, so a resumed run judges as the first did', () => {
  const data = toyData(2);
  const dir = mkdtempSync(join(tmpdir(), 'nf-div-'));
  try {
    manualSeed(0);
    const model = new ResNet({ inChannels: 1, classes: 2, width: 4 });
    fit(model, { recipe: resolveRecipe({ epochs: 1, batchSize: 16, seed: 1 }), train: data, checkpointDir: dir });
    const ref = (JSON.parse(readFileSync(join(dir, 'trainer.json'), 'utf8')) as { counters: { lossReference?: number } }).counters.lossReference;
    assert.ok(ref !== undefined && ref >= Math.log(2) && Number.isFinite(ref), String(ref));
    model.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    data.dispose();
  }
});
