// The ways a layer of a layer-wise supernet combines its candidates (a `Mixer`), one per kind of
// search: a weighted sum of all (FBNet), one path (ProxylessNAS' weight step, single-path
// one-shot) and Bender's path dropout (one-shot).
import { type Tensor } from '../../../torch/index.js';
import { type RandomSource } from '../../../util/index.js';
import { type Mixer } from './supernet.js';

/**
 * Σ_k w[layer][k] · candidate_k(x): every candidate runs and keeps its activations (FBNet's
 * Gumbel-softmax mixture, DARTS' softmax mixture). `weights[layer]` is a (K) tensor.
 */
export function weightedMixer(weights: readonly Tensor[]): Mixer {
  return (layer, cell, x) => {
    const w = weights[layer]!;
    let acc: Tensor | null = null;
    cell.candidates.forEach((c, k) => {
      const o = c.forward(x);
      const wk = w.select(0, k);
      const term = o.mul(wk);
      wk.dispose();
      if (o !== x) o.dispose();
      if (acc === null) {
        acc = term;
      } else {
        const s: Tensor = acc.add(term);
        acc.dispose();
        term.dispose();
        acc = s;
      }
    });
    return acc!;
  };
}

/** Layer l runs only candidate path[l] (ProxylessNAS' binarized weight step). */
export function pathMixer(path: readonly number[]): Mixer {
  return (l, cell, x) => cell.run(path[l]!, x);
}

/** Bender's path dropout at rate r: candidate kept with probability 1 − r^(1/K); kept outputs averaged. */
export function pathDropoutMixer(rate: number, rng: RandomSource): Mixer {
  return (_l, cell, x) => {
    const k = cell.candidates.length;
    const drop = rate > 0 ? rate ** (1 / k) : 0;
    let kept = cell.candidates.map((_, i) => i).filter(() => rng.next() >= drop);
    if (kept.length === 0) kept = [rng.int(k)];
    let acc: Tensor | null = null;
    for (const i of kept) {
      const o = cell.run(i, x);
      acc = acc === null ? (o === x ? o.mul(1) : o) : acc.add(o);
    }
    return kept.length === 1 ? acc! : acc!.div(kept.length);
  };
}
