// Deterministic weights shared with test/fixtures/make_spaces_fixtures.py: the parameters in
// sorted name order, element j of the k-th set to 0.2·sin(0.37·j + 1.3·k).
import { type Module } from '../../src/nn/index.js';
import { type Tensor, noGrad, tensor } from '../../src/torch/index.js';

export function fillParams(net: Module): void {
  const params = new Map(net.namedParameters());
  [...params.keys()].sort().forEach((name, k) => {
    const p = params.get(name)!;
    const v = new Float32Array(p.numel);
    for (let j = 0; j < v.length; j++) v[j] = 0.2 * Math.sin(0.37 * j + 1.3 * k);
    const src = tensor(v, p.shape);
    noGrad(() => p.copy_(src));
    src.dispose();
  });
}

/** sin(0.1·i) over a (batch, 3, 32, 32) input. */
export function sinInput(batch: number): Tensor {
  const v = new Float32Array(batch * 3 * 32 * 32);
  for (let i = 0; i < v.length; i++) v[i] = Math.sin(0.1 * i);
  return tensor(v, [batch, 3, 32, 32]);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}
