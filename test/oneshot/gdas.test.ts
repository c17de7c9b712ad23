// GDAS: seeded hard Gumbel sampling (one op per edge, value one-hot, gradient of the soft
// sample), the temperature schedule, an architecture step that moves α, and a seeded search
// with a valid derived genotype (its resume after a stop: methods.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Adam, SGD } from '../../src/optim/index.js';
import { gdasMethod } from '../../src/oneshot/index.js';
import { gdasStep, gdasTau, gumbelEdgeWeights } from '../../src/oneshot/methods/gdas.js';
import { dartsSpace } from '../../src/spaces/darts/index.js';
import { type Tensor, dispose, grad, manualSeed, randn, tidy, undisposedTensors } from '../../src/torch/index.js';
import { tinyContext, tinyImages, tinySupernet } from './darts-tiny.js';

test('hard Gumbel sampling: one op per edge, seeded, one-hot in value with the soft gradient', () => {
  const alpha = randn([14, 8]).mul_(0.1).keep().requiresGrad_();
  const draw = (seed: number): number[] => {
    manualSeed(seed);
    return tidy(() => gumbelEdgeWeights(alpha, 1).index);
  };
  assert.deepEqual(draw(3), draw(3), 'the same seed draws the same ops');
  assert.notDeepEqual(draw(3), draw(4), 'another seed draws other ops');
  const before = undisposedTensors();
  tidy(() => {
    manualSeed(5);
    const s = gumbelEdgeWeights(alpha, 0.5);
    assert.equal(s.weights.length, 14);
    for (const [e, edge] of s.weights.entries()) {
      assert.equal(edge.length, 1, 'a single op runs on each edge');
      assert.equal(edge[0]!.op, s.index[e]);
      assert.ok(Math.abs(edge[0]!.weight.item() - 1) < 1e-6, 'the hard sample weighs the drawn op 1');
    }
    const g = grad(s.weights[0]![0]!.weight, [alpha])[0]!;
    const row = g.toArray().slice(0, 8);
    assert.ok(
      row.some((v) => Math.abs(v) > 1e-6),
      "straight-through: α receives the soft sample's gradient",
    );
    assert.ok(
      g
        .toArray()
        .slice(8)
        .every((v) => v === 0),
      "only the drawn edge's row moves",
    );
  });
  assert.equal(undisposedTensors(), before);
  // a strongly preferred op at a low temperature is drawn nearly always
  const biased = tidy(() => randn([14, 8]).mul(0).add(0).keep());
  tidy(() => biased.select(1, 4).fill_(6));
  manualSeed(9);
  const hits = tidy(() => gumbelEdgeWeights(biased, 0.1).index.filter((k) => k === 4).length);
  assert.ok(hits >= 13, `op 4 drawn on ${hits} of 14 edges`);
  dispose([alpha, biased]);
});

test('τ falls linearly from tauMax to tauMin over the epochs', () => {
  assert.equal(gdasTau(0, 250, 10, 0.1), 10);
  assert.ok(Math.abs(gdasTau(249, 250, 10, 0.1) - 0.1) < 1e-12);
  assert.ok(Math.abs(gdasTau(1, 3, 10, 0.1) - 5.05) < 1e-12);
  assert.equal(gdasTau(0, 1, 10, 0.1), 10);
});

test('a GDAS step trains the weights on the training batch and α on the validation batch', () => {
  const m = tinySupernet(11, { gdas: true });
  const ds = tinyImages(32, 3);
  const { x, y } = ds.getBatch(Array.from({ length: 32 }, (_, i) => i));
  const [xt, xv] = [x.narrow(0, 0, 16), x.narrow(0, 16, 16)];
  const [yt, yv] = [y.narrow(0, 0, 16), y.narrow(0, 16, 16)];
  const wOpt = new SGD(m.weights(), { lr: 0.025, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  const aOpt = new Adam(m.alphas(), { lr: 3e-4, betas: [0.5, 0.999], weightDecay: 1e-3 });
  const alphas0 = m.alphas().map((a) => a.toArray());
  const w0 = m.classifier.weight.toArray();
  manualSeed(1);
  const st = gdasStep(m, xt, yt, xv, yv, 10, wOpt, aOpt, 5);
  assert.ok(Number.isFinite(st.weights.loss) && Number.isFinite(st.arch.loss));
  assert.equal(st.weights.n, 16);
  assert.notDeepEqual(m.classifier.weight.toArray(), w0, 'the weights moved');
  const moved = m.alphas().map((a, i) => a.toArray().filter((v, j) => v !== alphas0[i]![j]).length);
  assert.ok(moved[0]! > 0 && moved[1]! > 0, `α of both cells moved (${moved})`);
  for (const a of m.alphas()) assert.equal(a.grad, null, 'no stale α gradient is left');
  dispose([x, y, xt, xv, yt, yv] as Tensor[]);
  ds.dispose();
  wOpt.dispose();
  aOpt.dispose();
  m.dispose();
});

test('a GDAS search is seeded, ends at tauMin, and derives a valid genotype', async () => {
  const options = { epochs: 2, batchSize: 16 };
  const full = await gdasMethod.run(tinyContext({ options }));
  assert.doesNotThrow(() => dartsSpace.validate(full.genotype));
  assert.ok(Math.abs(full.metrics.tau! - 0.1) < 1e-9, 'the last epoch runs at tauMin');
  const again = await gdasMethod.run(tinyContext({ options }));
  assert.deepEqual(again.details, full.details, 'the same seed gives the same search');
});
