// ProxylessNAS's path-level binary gates (Cai, Zhu and Han, ICLR 2019, §3.2). A layer's output
// is Σ_j g_j·o_j(x) with binary gates g (one 1, the rest 0) drawn from p = softmax(α), so only
// the active path runs. The gradient in α is estimated through the gates:
//   ∂L/∂α_i ≈ Σ_j ∂L/∂g_j · p_j (δ_ij − p_i),   ∂L/∂g_j = <∂L/∂output, o_j(x)>.
// To keep memory at two paths, the released code ('two' mode) samples two distinct paths from
// p, renormalises their probabilities p' = softmax(α_a, α_b), makes one of them active by p',
// applies the estimator to the pair only, and after the update shifts the pair's α by a common
// offset so that exp(α_a) + exp(α_b) is unchanged: the paths not sampled keep their probability.
import { type RandomSource } from '../util/index.js';
import { softmax } from './oneshot-arch.js';

/** One index drawn from the probabilities `p`. */
export function sampleOne(p: readonly number[], rng: RandomSource): number {
  let u = rng.next();
  for (let i = 0; i < p.length; i++) {
    u -= p[i]!;
    if (u < 0) return i;
  }
  return p.length - 1;
}

/** Two distinct indices drawn from `p` without replacement (the first, then one of the rest). */
export function sampleTwo(p: readonly number[], rng: RandomSource): [number, number] {
  if (p.length < 2) throw new RangeError(`sampleTwo needs at least two candidates, got ${p.length}`);
  const a = sampleOne(p, rng);
  const rest = p.map((x, i) => (i === a ? 0 : x));
  const s = rest.reduce((x, y) => x + y, 0);
  const b = s > 0 ? sampleOne(rest.map((x) => x / s), rng) : (a + 1 + rng.int(p.length - 1)) % p.length;
  return [a, b];
}

/** The estimator over all paths: ∂L/∂α_i = Σ_j gateGrads_j · p_j (δ_ij − p_i), p = softmax(alpha). */
export function gateAlphaGrad(alpha: readonly number[], gateGrads: readonly number[]): number[] {
  const p = softmax(alpha);
  return p.map((pi, i) => gateGrads.reduce((acc, gj, j) => acc + gj * p[j]! * ((i === j ? 1 : 0) - pi), 0));
}

/**
 * The two-path estimate: the gradient of α at `pair` (other entries get none), from the gates'
 * gradients of the pair's two paths and p' = softmax(α_pair).
 */
export function pairAlphaGrad(alpha: readonly number[], pair: readonly [number, number], gateGrads: readonly [number, number]): number[] {
  const g = gateAlphaGrad([alpha[pair[0]]!, alpha[pair[1]]!], gateGrads);
  const out = alpha.map(() => 0);
  out[pair[0]] = g[0]!;
  out[pair[1]] = g[1]!;
  return out;
}

/** The offset subtracted from the pair's updated α so that Σ exp over the pair is what it was. */
export function pairRescaleOffset(before: readonly [number, number], after: readonly [number, number]): number {
  const lse = (v: readonly number[]): number => {
    const m = Math.max(...v);
    return m + Math.log(v.reduce((s, x) => s + Math.exp(x - m), 0));
  };
  return lse(after) - lse(before);
}
