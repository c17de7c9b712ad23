// PPO (Schulman et al., 2017) on the LSTM controller, as NASNet trained its controller: for a
// batch of results, `epochs` passes of the clipped surrogate
//   loss = −mean_i min(ρ_i·A_i, clip(ρ_i, 1−ε, 1+ε)·A_i) − β·mean_i H_i,
// ρ_i = π(a_i)/π_old(a_i), π_old the policy that sampled a_i (its log-probability is stored
// with the proposal), A_i = R_i − b with b the rewards' moving average. Once the ratio leaves
// [1−ε, 1+ε] in the direction the advantage favours, the sample stops pulling the policy.
import { type AnySearchSpace } from '../spaces/index.js';
import { type Tensor, noGrad, tensor, tidy } from '../torch/index.js';
import {
  CONTROLLER_DEFAULTS,
  ControllerStrategy,
  type ControllerRun,
  type ControllerStrategyOptions,
  type Sample,
  controllerFactory,
} from './policy-gradient.js';
import { checkInteger } from './options.js';
import { StrategyError } from './errors.js';
import { type StrategyFactory } from './strategy.js';

const KIND = 'ppo';
/** NASNet's PPO: clip 0.2; the epochs over each batch are ours (the paper does not give them). */
const DEFAULTS = { ...CONTROLLER_DEFAULTS, clip: 0.2, epochs: 4 };
type PPOOptions = ControllerStrategyOptions & { clip: number; epochs: number };

/**
 * The clipped surrogate objective per sample, min(ρ·A, clip(ρ, 1−ε, 1+ε)·A), from log π and
 * log π_old (tensors of one shape): what PPO maximises.
 */
export function clippedSurrogate(logProb: Tensor, oldLogProb: Tensor, advantage: Tensor, clip: number): Tensor {
  return tidy(() => {
    const ratio = logProb.sub(oldLogProb).exp();
    return ratio.mul(advantage).minimum(ratio.clamp(1 - clip, 1 + clip).mul(advantage));
  });
}

export class PPO extends ControllerStrategy<PPOOptions> {
  readonly kind = KIND;

  constructor(space: AnySearchSpace, options: PPOOptions, run: ControllerRun) {
    super(space, options, run);
  }

  protected update(batch: readonly Sample[], advantages: readonly number[]): void {
    const decisions = batch.map((s) => s.decisions);
    // results the strategy did not propose count as sampled by the current policy
    const current = batch.some((s) => s.logProb === null) ? noGrad(() => tidy(() => this.controller.evaluate(decisions).logProb.toArray())) : [];
    const old = batch.map((s, i) => s.logProb ?? current[i]!);
    for (let e = 0; e < this.options.epochs; e++) {
      this.step(() =>
        tidy(() => {
          const { logProb, entropy } = this.controller.evaluate(decisions);
          const surrogate = clippedSurrogate(logProb, tensor(old, [old.length]), tensor(advantages, [advantages.length]), this.options.clip);
          return surrogate.mean().add(entropy.mean().mul(this.options.entropyWeight)).neg();
        }),
      );
    }
  }
}

export const ppoStrategy: StrategyFactory = controllerFactory(
  KIND,
  'LSTM controller trained by PPO with the clipped objective (Schulman et al., 2017), as in NASNet (Zoph et al., 2018)',
  DEFAULTS,
  (space, options, run) => new PPO(space, options, run),
  (o) => {
    checkInteger(KIND, 'epochs', o.epochs, 1);
    if (!(o.clip > 0 && o.clip < 1)) throw new StrategyError(`${KIND}: option 'clip' must be in (0, 1), got ${o.clip}`, 'invalid-option');
  },
);
