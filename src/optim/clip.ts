// Gradient clipping by the global norm (torch.nn.utils.clip_grad_norm_), vectorised: one
// multi-tensor norm, one reduction, one multi-tensor scale.
import { F, type Tensor, foreach, noGrad, tidy } from '../torch/index.js';
import { OptimizerError, checkRange } from './errors.js';

/**
 * Scale the gradients of `params` in place so that their total `normType`-norm (over all
 * gradients together) is at most `maxNorm`: when it is larger, each gradient is multiplied
 * by maxNorm / (total + 1e-6). Parameters without a gradient are skipped. Returns the total
 * norm before clipping (NaN or Infinity when a gradient is not finite: check it to skip a step).
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number, normType = 2): number {
  checkRange('clipGradNorm: maxNorm', maxNorm, 0);
  if (!(normType > 0)) throw new OptimizerError(`clipGradNorm: normType must be > 0 (2 for the Euclidean norm, Infinity for the max), got ${normType}`);
  return noGrad(() =>
    tidy(() => {
      const grads = params.map((p) => p.grad).filter((g): g is Tensor => g !== null);
      if (grads.length === 0) return 0;
      const total = F.stack(foreach.norm(grads, normType)).norm(normType).item();
      const coef = maxNorm / (total + 1e-6);
      if (coef < 1) foreach.mul_(grads, coef);
      return total;
    }),
  );
}
