// GDAS' differentiable sampling (Dong and Yang, CVPR 2019; get_gumbel_prob in AutoDL-Projects'
// search_model_gdas_nasnet.py): per edge, one op drawn by Gumbel-max from softmax(α) at
// temperature τ, weighted by the straight-through "hard" sample (value one-hot, gradient of the
// Gumbel-softmax), so only the drawn op runs forward and α still receives a gradient.
import { F, type Tensor } from '../torch/index.js';
import { type EdgeWeights } from './supernet.js';

export interface GumbelSample {
  weights: EdgeWeights;
  /** the op drawn on each edge */
  index: number[];
}

/**
 * One hard Gumbel-softmax sample per row of α, from libtorch's generator (seeded). The
 * released code adds the noise to log_softmax(α); softmax is shift-invariant per row, so
 * adding it to α gives the same sample and gradient.
 */
export function gumbelEdgeWeights(alpha: Tensor, tau: number): GumbelSample {
  const { soft, sample, index } = F.gumbelSoftmax(alpha, tau, true, -1);
  const idx = index.toArray();
  const weights = idx.map((k, e) => {
    const row = sample.select(0, e);
    const w = row.select(0, k);
    row.dispose();
    return [{ op: k, weight: w }];
  });
  for (const t of [soft, sample, index]) t.dispose();
  return { weights, index: idx };
}

/** τ of epoch `e` of `epochs`: linear from tauMax (first epoch) to tauMin (last), as the released search script. */
export function gdasTau(e: number, epochs: number, tauMax: number, tauMin: number): number {
  return epochs > 1 ? tauMax - ((tauMax - tauMin) * e) / (epochs - 1) : tauMax;
}
