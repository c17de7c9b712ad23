// Architecture parameters of a layer-wise supernet: one logit vector per searchable layer
// (FBNet's θ, ProxylessNAS's α), kept out of scopes, with their softmax and argmax as numbers.
import { type Tensor, keep, noGrad, randn, tidy, zeros } from '../../torch/index.js';

/** What the parameters are sized by: a layer-wise supernet's searchable layers (structurally, so core needs no supernet). */
export interface SearchableLayers {
  readonly searchable: readonly { readonly candidates: readonly unknown[] }[];
}

/** One (K) leaf tensor per layer that requires grad: zeros, or N(0, std²) when `std` > 0. */
export function archParameters(net: SearchableLayers, std = 0): Tensor[] {
  return net.searchable.map((cell) => {
    const k = cell.candidates.length;
    const t = keep(std > 0 ? noGrad(() => tidy(() => randn([k]).mul(std))) : zeros([k]));
    t.requiresGrad = true;
    return t;
  });
}

/** The parameters by name, for checkpoints. */
export function archRecord(prefix: string, params: readonly Tensor[]): Record<string, Tensor> {
  return Object.fromEntries(params.map((t, i) => [`${prefix}${i}`, t]));
}

/** softmax of each layer's logits, as plain numbers. */
export function archProbabilities(params: readonly Tensor[]): number[][] {
  return params.map((t) => softmax(t.toArray()));
}

export function softmax(v: readonly number[]): number[] {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** The most likely candidate of each layer (the first among equals). */
export function archArgmax(params: readonly Tensor[]): number[] {
  return params.map((t) => {
    const v = t.toArray();
    return v.indexOf(Math.max(...v));
  });
}

export function disposeAll(ts: readonly Tensor[]): void {
  for (const t of ts) t.dispose();
}
