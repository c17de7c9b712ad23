// REINFORCE (Williams, 1992) on the LSTM controller, as NAS-RL and ENAS train it: for a batch
// of results, loss = −mean_i (R_i − b)·log π(a_i) − β·mean_i H(π | a_i), one Adam step, where b
// is an exponential moving average of the rewards and H the policy's entropy along each
// sampled sequence (the entropy bonus keeps the controller from collapsing too early).
import { type AnySearchSpace } from '../spaces/index.js';
import { tensor, tidy } from '../torch/index.js';
import {
  CONTROLLER_DEFAULTS,
  ControllerStrategy,
  type ControllerRun,
  type ControllerStrategyOptions,
  type Sample,
  controllerFactory,
} from './policy-gradient.js';
import { type StrategyFactory } from './strategy.js';

const KIND = 'reinforce';

export class Reinforce extends ControllerStrategy {
  readonly kind = KIND;

  constructor(space: AnySearchSpace, options: ControllerStrategyOptions, run: ControllerRun) {
    super(space, options, run);
  }

  protected update(batch: readonly Sample[], advantages: readonly number[]): void {
    this.step(() =>
      tidy(() => {
        const { logProb, entropy } = this.controller.evaluate(batch.map((s) => s.decisions));
        const adv = tensor(advantages, [advantages.length]);
        return logProb.mul(adv).mean().add(entropy.mean().mul(this.options.entropyWeight)).neg();
      }),
    );
  }
}

export const reinforceStrategy: StrategyFactory = controllerFactory(
  KIND,
  'LSTM controller trained by REINFORCE with a moving-average baseline and entropy bonus (Zoph & Le, 2017; ENAS, Pham et al., 2018)',
  CONTROLLER_DEFAULTS,
  (space, options, run) => new Reinforce(space, options, run),
);
