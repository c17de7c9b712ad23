// TensorFlow-style RMSProp (tfStyle) against its formula, written out here element by element.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Tensor, tensor } from '../../src/torch/index.js';
import { RMSProp } from '../../src/optim/index.js';

interface Cfg {
  lr: number[];
  alpha: number;
  eps: number;
  momentum: number;
  centered: boolean;
  weightDecay: number;
}

/** TF: ms starts at 1; denom = sqrt(ms [- mg²] + eps); mom = momentum·mom + lr·g/denom; p -= mom. */
function reference(p0: number[], grads: number[][], c: Cfg): number[][] {
  const p = [...p0];
  const ms = p.map(() => 1);
  const mg = p.map(() => 0);
  const mom = p.map(() => 0);
  return grads.map((g0, step) => {
    for (let i = 0; i < p.length; i++) {
      const g = g0[i]! + c.weightDecay * p[i]!;
      ms[i] = c.alpha * ms[i]! + (1 - c.alpha) * g * g;
      let v = ms[i]!;
      if (c.centered) {
        mg[i] = c.alpha * mg[i]! + (1 - c.alpha) * g;
        v -= mg[i]! * mg[i]!;
      }
      mom[i] = c.momentum * mom[i]! + (c.lr[step]! * g) / Math.sqrt(v + c.eps);
      p[i] = p[i]! - mom[i]!;
    }
    return [...p];
  });
}

function setGrad(p: Tensor, g: number[]): void {
  const t = tensor(g, undefined, { dtype: 'float64' });
  p.grad = t;
  t.dispose(); // only this handle: the parameter holds its gradient
}

const p0 = [0.5, -1.2, 2.0, 0.0];
const grads = [
  [0.3, -0.8, 1.5, 0.01],
  [0.1, -0.5, 2.5, -0.02],
  [-0.4, 0.2, 1.0, 0.03],
  [0.6, -0.1, -0.7, 0.0],
];
const cases: Record<string, Cfg> = {
  // MnasNet's settings, with an lr that changes between steps (lr sits inside the momentum buffer).
  mnasnet: { lr: [0.016, 0.032, 0.048, 0.04], alpha: 0.9, eps: 1e-3, momentum: 0.9, centered: false, weightDecay: 1e-5 },
  centered: { lr: [0.01, 0.01, 0.02, 0.02], alpha: 0.95, eps: 1e-6, momentum: 0.5, centered: true, weightDecay: 0 },
  'no momentum': { lr: [0.1, 0.05, 0.05, 0.01], alpha: 0.9, eps: 1e-10, momentum: 0, centered: false, weightDecay: 0 },
};

for (const [name, c] of Object.entries(cases)) {
  test(`tfStyle RMSProp (${name}) matches TensorFlow's formula`, () => {
    const p = tensor(p0, undefined, { dtype: 'float64', requiresGrad: true }).keep();
    const opt = new RMSProp([p], {
      lr: c.lr[0]!,
      alpha: c.alpha,
      eps: c.eps,
      momentum: c.momentum,
      centered: c.centered,
      weightDecay: c.weightDecay,
      tfStyle: true,
    });
    const want = reference(p0, grads, c);
    grads.forEach((g, step) => {
      opt.groups[0]!.lr = c.lr[step]!;
      setGrad(p, g);
      opt.step();
      const got = p.toArray();
      got.forEach((x, i) => assert.ok(Math.abs(x - want[step]![i]!) < 1e-12, `step ${step + 1} element ${i}: ${x} vs ${want[step]![i]}`));
    });
    // The accumulator really started at 1: after one step PyTorch's (from 0) would differ.
    assert.ok(
      opt
        .stateOf(p)!
        .buffers.square_avg!.toArray()
        .every((v) => v > 0.5),
    );
    opt.dispose();
    p.dispose();
  });
}

test('tfStyle differs from PyTorch RMSProp on the same gradients', () => {
  const run = (tfStyle: boolean): number[] => {
    const p = tensor(p0, undefined, { dtype: 'float64', requiresGrad: true });
    const opt = new RMSProp([p], { lr: 0.01, alpha: 0.9, eps: 1e-3, momentum: 0.9, tfStyle });
    setGrad(p, grads[0]!);
    opt.step();
    const out = p.toArray();
    opt.dispose();
    p.dispose();
    return out;
  };
  const [tf, pt] = [run(true), run(false)];
  // First step on g = 1.5: PyTorch moves lr·g/(sqrt(0.1·g²) + eps) ≈ 0.0316; TF lr·g/sqrt(0.9 + 0.1·g² + eps) ≈ 0.0141.
  assert.ok(Math.abs(pt[2]! - p0[2]! + 0.0316) < 1e-4, `PyTorch-style step ${pt[2]! - p0[2]!}`);
  assert.ok(Math.abs(tf[2]! - p0[2]! + 0.0141) < 1e-4, `TF-style step ${tf[2]! - p0[2]!}`);
});
