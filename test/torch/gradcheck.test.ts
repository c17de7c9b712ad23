// Autograd against central finite differences, in float64: a small CNN's gradients for every
// parameter and the input, and a Hessian-vector product through createGraph (DARTS' second order).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F, type Tensor, grad, undisposedTensors, manualSeed, randn, tensor, tidy } from '../../src/torch/index.js';
import { relError, seeded } from './helpers.js';

const f64 = { dtype: 'float64' as const };
const target = tensor(new BigInt64Array([0n, 2n, 1n])).keep();

/** Names and shapes of the CNN's inputs: conv (groups 2) → BN → ReLU → max pool → conv (stride 2) → avg pool → linear. */
const SHAPES: Record<string, number[]> = {
  x: [3, 4, 6, 6],
  w1: [4, 2, 3, 3],
  b1: [4],
  gamma: [4],
  beta: [4],
  w2: [6, 4, 3, 3],
  b2: [6],
  wl: [3, 6],
  bl: [3],
};
const NAMES = Object.keys(SHAPES);

function loss(p: Record<string, Tensor>): Tensor {
  let h = F.conv2d(p.x!, p.w1!, p.b1!, { stride: 1, padding: 1, groups: 2 });
  h = F.batchNorm(h, { weight: p.gamma!, bias: p.beta!, training: true });
  h = F.relu(h);
  h = F.maxPool2d(h, 2); // 6x6 -> 3x3
  h = F.conv2d(h, p.w2!, p.b2!, { stride: 2, padding: 1 }); // 3x3 -> 2x2
  h = F.avgPool2d(h, 2); // 2x2 -> 1x1
  h = F.linear(h.flatten(1), p.wl!, p.bl!);
  return F.crossEntropy(h, target);
}

/** The loss at the given values (fresh tensors, no autograd), as a number. */
function lossAt(values: Record<string, Float64Array>): number {
  return tidy(() => {
    const p: Record<string, Tensor> = {};
    for (const n of NAMES) p[n] = tensor(values[n]!, SHAPES[n], f64);
    return loss(p).item();
  });
}

function initialValues(): Record<string, Float64Array> {
  manualSeed(7);
  return tidy(() => {
    const v: Record<string, Float64Array> = {};
    for (const n of NAMES) {
      const t = randn(SHAPES[n]!, f64);
      v[n] = (n === 'gamma' ? t.mul(0.2).add(1) : t.mul(n.startsWith('w') ? 0.5 : 1)).data() as Float64Array;
    }
    return v;
  });
}

test('CNN gradients equal central finite differences for every parameter and the input', () => {
  const live0 = undisposedTensors();
  const values = initialValues();
  const analytic = tidy(() => {
    const p: Record<string, Tensor> = {};
    for (const n of NAMES) p[n] = tensor(values[n]!, SHAPES[n], { ...f64, requiresGrad: true });
    const grads = grad(
      loss(p),
      NAMES.map((n) => p[n]!),
    );
    return Object.fromEntries(NAMES.map((n, i) => [n, grads[i]!.data() as Float64Array]));
  });
  const rand = seeded(11);
  const eps = 1e-6;
  let checked = 0;
  let worst = 0;
  for (const n of NAMES) {
    const size = values[n]!.length;
    // Check up to 10 elements per tensor (all of the small ones).
    const picks = size <= 10 ? [...Array(size).keys()] : Array.from({ length: 10 }, () => Math.floor(rand() * size));
    for (const i of picks) {
      const v = values[n]!;
      const orig = v[i]!;
      v[i] = orig + eps;
      const up = lossAt(values);
      v[i] = orig - eps;
      const down = lossAt(values);
      v[i] = orig;
      const numeric = (up - down) / (2 * eps);
      const err = relError(analytic[n]![i]!, numeric, 1e-7);
      worst = Math.max(worst, err);
      assert.ok(err < 1e-3, `${n}[${i}]: autograd ${analytic[n]![i]} vs finite difference ${numeric} (rel. error ${err})`);
      checked++;
    }
  }
  assert.ok(checked >= 60, `checked ${checked} elements`);
  assert.ok(worst < 1e-3);
  assert.equal(undisposedTensors(), live0, 'the check leaked tensors');
});

test('grad with createGraph: Hessian-vector product equals a finite difference of gradients', () => {
  const values = initialValues();
  const params = NAMES.filter((n) => n !== 'x');
  const rand = seeded(5);
  const v: Record<string, Float64Array> = Object.fromEntries(params.map((n) => [n, Float64Array.from(values[n]!, () => rand() * 2 - 1)]));

  const gradAt = (vals: Record<string, Float64Array>): Record<string, Float64Array> =>
    tidy(() => {
      const p: Record<string, Tensor> = {};
      for (const n of NAMES) p[n] = tensor(vals[n]!, SHAPES[n], { ...f64, requiresGrad: n !== 'x' });
      const g = grad(
        loss(p),
        params.map((n) => p[n]!),
      );
      return Object.fromEntries(params.map((n, i) => [n, g[i]!.data() as Float64Array]));
    });

  // H·v by double backward: d/dθ (∂L/∂θ · v).
  const hvp = tidy(() => {
    const p: Record<string, Tensor> = {};
    for (const n of NAMES) p[n] = tensor(values[n]!, SHAPES[n], { ...f64, requiresGrad: n !== 'x' });
    const inputs = params.map((n) => p[n]!);
    const g = grad(loss(p), inputs, { createGraph: true });
    let dot: Tensor | null = null;
    params.forEach((n, i) => {
      const term = g[i]!.mul(tensor(v[n]!, SHAPES[n], f64)).sum();
      dot = dot === null ? term : dot.add(term);
    });
    assert.ok(dot !== null && (dot as Tensor).requiresGrad, 'the gradient must carry a graph with createGraph');
    const h = grad(dot!, inputs);
    return Object.fromEntries(params.map((n, i) => [n, h[i]!.data() as Float64Array]));
  });

  const eps = 1e-5;
  const shifted = (sign: number): Record<string, Float64Array> =>
    Object.fromEntries(NAMES.map((n) => [n, n === 'x' ? values.x! : Float64Array.from(values[n]!, (a, i) => a + sign * eps * v[n]![i]!)]));
  const gUp = gradAt(shifted(1));
  const gDown = gradAt(shifted(-1));
  let num2 = 0;
  let diff2 = 0;
  for (const n of params) {
    for (let i = 0; i < hvp[n]!.length; i++) {
      const numeric = (gUp[n]![i]! - gDown[n]![i]!) / (2 * eps);
      num2 += numeric * numeric;
      diff2 += (hvp[n]![i]! - numeric) ** 2;
    }
  }
  assert.ok(num2 > 1e-6, 'the Hessian-vector product should not vanish');
  const rel = Math.sqrt(diff2 / num2);
  assert.ok(rel < 1e-3, `relative error of H·v: ${rel}`);
});

test('grad: allowUnused gives null, and an unused input without it is an error', () => {
  tidy(() => {
    const a = tensor([1, 2], undefined, { requiresGrad: true });
    const b = tensor([3], undefined, { requiresGrad: true });
    const y = a.mul(a).sum();
    const [ga, gb] = grad(y, [a, b], { allowUnused: true, retainGraph: true });
    assert.deepEqual(ga!.toArray(), [2, 4]);
    assert.equal(gb, null);
    assert.throws(
      () => grad(y, [a, b]),
      (e: Error) => e instanceof Error && /not have been used|unused/i.test(e.message),
    );
  });
});
