// DARTS: the architecture gradients against finite differences (first and second order, in
// float64 on a tiny supernet), the optimiser moving α against the gradient, the derivation,
// and a second-order search stopped after one epoch that resumes to the same end as an
// uninterrupted one (first order: methods.test.ts, with every method).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Adam } from '../../src/optim/index.js';
import { type CellSupernet, dartsMethod } from '../../src/oneshot/index.js';
import { deriveCell, deriveGenotype } from '../../src/oneshot/supernets/cell/index.js';
import { firstOrderArchGrad, secondOrderArchGrad, supernetLoss } from '../../src/oneshot/methods/darts.js';
import { DARTS_PRIMITIVES } from '../../src/nn/index.js';
import { dartsSpace } from '../../src/spaces/darts/index.js';
import { type Tensor, dispose, grad, noGrad, randn, tensor, tidy, undisposedTensors } from '../../src/torch/index.js';
import { tinyContext, tinyImages, tinySupernet } from './darts-tiny.js';

function batch(seed: number): { x: Tensor; y: Tensor } {
  const ds = tinyImages(16, seed);
  const b = ds.getBatch(Array.from({ length: 16 }, (_, i) => i));
  ds.dispose();
  return b;
}

const loss = (m: CellSupernet, x: Tensor, y: Tensor): number => tidy(() => noGrad(() => supernetLoss(m, x, y, false).loss.item()));

/** Central difference of f in α entry `i` of `alpha`. */
function fd(alpha: Tensor, i: number, f: () => number, h = 1e-5): number {
  const hot = new Float64Array(alpha.numel);
  hot[i] = 1;
  const d = tensor(hot, alpha.shape, { dtype: 'float64' });
  noGrad(() => alpha.add_(d, h));
  const up = f();
  noGrad(() => alpha.add_(d, -2 * h));
  const down = f();
  noGrad(() => alpha.add_(d, h));
  d.dispose();
  return (up - down) / (2 * h);
}

const ENTRIES = [0, 9, 30, 57, 101]; // spread over edges and ops of a 14 × 8 α

test('first-order DARTS: ∇α L_val matches finite differences and Adam moves α against it', () => {
  const m = tinySupernet(3, { dtype: 'float64' });
  const { x, y } = batch(5);
  const before = undisposedTensors();
  const { grads } = firstOrderArchGrad(m, x, y);
  assert.equal(undisposedTensors(), before + 2, 'only the two gradients survive');
  m.alphas().forEach((alpha, a) => {
    const g = grads[a]!.toArray();
    for (const i of ENTRIES) {
      const want = fd(alpha, i, () => loss(m, x, y));
      assert.ok(Math.abs(g[i]! - want) <= 1e-7 + 1e-4 * Math.abs(want), `α${a}[${i}]: autograd ${g[i]} vs finite difference ${want}`);
    }
  });
  const old = m.alphas().map((t) => t.toArray());
  const opt = new Adam(m.alphas(), { lr: 3e-4, betas: [0.5, 0.999], weightDecay: 1e-3 });
  m.alphas().forEach((alpha, a) => {
    alpha.grad = grads[a]!;
  });
  opt.step();
  let dot = 0;
  m.alphas().forEach((alpha, a) => {
    const now = alpha.toArray();
    const g = grads[a]!.toArray();
    now.forEach((v, i) => {
      dot += (v - old[a]![i]!) * g[i]!;
    });
  });
  assert.ok(dot < 0, `the step must go down the gradient (Δα·∇α = ${dot})`);
  opt.dispose();
  dispose([grads, x, y]);
  m.dispose();
});

test('second-order DARTS: the unrolled gradient matches finite differences of L_val(w − ξ∇w L_train(w, α), α)', () => {
  const m = tinySupernet(4, { dtype: 'float64' });
  const t = batch(6);
  const v = batch(7);
  const xi = 0.1;
  const wd = 3e-4;
  const W = m.weights();
  // the unrolled objective, differentiated through w'(α)
  const unrolled = (): number =>
    tidy(() => {
      const g = grad(supernetLoss(m, t.x, t.y, false).loss, W, { allowUnused: true });
      const saved = noGrad(() => W.map((p) => p.clone()));
      noGrad(() =>
        W.forEach((p, i) => {
          p.sub_(p.mul(wd).add(g[i] ?? p.mul(0)), xi);
        }),
      );
      const l = loss(m, v.x, v.y);
      noGrad(() => W.forEach((p, i) => p.copy_(saved[i]!)));
      return l;
    });
  // DARTS' own ε = 0.01/‖v‖ moves the weights far enough to flip ReLUs and max-pool choices, so
  // its Hessian-vector product is a rough estimate on a ReLU network; a small ε in float64
  // checks the formula itself (the product, its sign and the unrolled step)
  const second = secondOrderArchGrad(m, t.x, t.y, v.x, v.y, null, { lr: xi, momentum: 0.9, weightDecay: wd, r: 1e-7 });
  const first = firstOrderArchGrad(m, v.x, v.y);
  let separated = 0;
  m.alphas().forEach((alpha, a) => {
    const g2 = second.grads[a]!.toArray();
    const g1 = first.grads[a]!.toArray();
    for (const i of ENTRIES) {
      const want = fd(alpha, i, unrolled);
      const tol = 1e-7 + 1e-4 * Math.abs(want);
      assert.ok(Math.abs(g2[i]! - want) <= tol, `α${a}[${i}]: second order ${g2[i]} vs finite difference ${want}`);
      separated = Math.max(separated, Math.abs(g1[i]! - want) / tol);
    }
  });
  assert.ok(separated > 10, `the check must tell first from second order (largest first-order miss ${separated.toFixed(1)} tolerances)`);
  dispose([second.grads, first.grads, t, v]);
  m.dispose();
});

test('derivation keeps the two strongest non-none inputs per node, each with its strongest non-none op', () => {
  const P = DARTS_PRIMITIVES;
  const row = (hot: Record<string, number>): number[] => P.map((p) => hot[p] ?? 0.01);
  const probs = [
    // node 0: inputs 0, 1
    row({ none: 0.9, sep_conv_3x3: 0.05 }),
    row({ max_pool_3x3: 0.3 }),
    // node 1: inputs 0, 1, 2 — input 2's 'none' is ignored, its skip (0.2) ranks it second
    row({ dil_conv_5x5: 0.4 }),
    row({ none: 0.95, avg_pool_3x3: 0.02 }),
    row({ none: 0.7, skip_connect: 0.2 }),
    row({ sep_conv_5x5: 0.1 }),
    row({ sep_conv_3x3: 0.2 }),
    row({ dil_conv_3x3: 0.3 }),
    row({ skip_connect: 0.4 }),
    row({ avg_pool_3x3: 0.5 }),
    row({ max_pool_3x3: 0.6 }),
    row({ sep_conv_3x3: 0.1 }),
    row({ none: 0.99 }),
    row({ skip_connect: 0.15 }),
  ];
  assert.deepEqual(deriveCell(probs, P, 4), [
    ['max_pool_3x3', 1],
    ['sep_conv_3x3', 0],
    ['dil_conv_5x5', 0],
    ['skip_connect', 2],
    ['skip_connect', 3],
    ['dil_conv_3x3', 2],
    ['max_pool_3x3', 1],
    ['avg_pool_3x3', 0],
  ]);
  for (let s = 0; s < 5; s++) {
    const [a, b] = [randn([14, 8]), randn([14, 8])];
    const g = deriveGenotype(a, b, P, 4);
    assert.doesNotThrow(() => dartsSpace.validate(g));
    dispose([a, b]);
  }
});

test('a DARTS search stopped after one epoch resumes and ends as an uninterrupted one', async () => {
  const options = { epochs: 2, batchSize: 16, order: 2 };
  const full = await dartsMethod.run(tinyContext({ options }));
  const ac = new AbortController();
  const reported: number[] = [];
  const ctx = tinyContext({
    options,
    signal: ac.signal,
    report: (e) => {
      reported.push(e);
      ac.abort();
    },
  });
  const cut = await dartsMethod.run(ctx);
  assert.equal(cut.metrics.stoppedEarly, 1);
  assert.deepEqual(reported, [0]);
  const resumed = await dartsMethod.run({ ...ctx, signal: undefined, report: (e) => reported.push(e) });
  assert.deepEqual(reported, [0, 1], 'the resumed run starts at the second epoch');
  assert.equal(resumed.metrics.stoppedEarly, 0);
  assert.deepEqual(resumed.genotype, full.genotype);
  assert.deepEqual(resumed.details, full.details, 'α ends bit-identical');
  assert.equal(resumed.metrics.valLoss, full.metrics.valLoss);
  assert.doesNotThrow(() => dartsSpace.validate(full.genotype));
});

test('darts refuses unknown options and other spaces with a clear error', async () => {
  await assert.rejects(dartsMethod.run(tinyContext({ options: { epoch: 1 } })), /darts: option 'epoch' is not an option of darts\. Did you mean 'epochs'\?/);
  await assert.rejects(dartsMethod.run(tinyContext({ options: { order: 3 } })), /order' must be 1 .* or 2/);
  const other = { ...tinyContext({ options: {} }), space: { ...dartsSpace, name: 'nas-bench-macro' } };
  await assert.rejects(dartsMethod.run(other), /cell supernet of the darts space, not 'nas-bench-macro'/);
});
