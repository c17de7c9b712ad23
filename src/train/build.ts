// Optimisers and schedules from a recipe.
import {
  Adam,
  AdamW,
  type GroupOptions,
  type Optimizer,
  RMSProp,
  SGD,
  type Schedule,
  constant,
  cosine,
  exponentialDecay,
  stepDecay,
  warmup,
} from '../optim/index.js';
import { type Tensor } from '../torch/index.js';
import { type OptimizerSpec, type ScheduleSpec } from './recipe.js';

export function makeOptimizer(params: Tensor[], o: OptimizerSpec): Optimizer<GroupOptions> {
  const wd = o.weightDecay ?? 0;
  switch (o.name) {
    case 'sgd':
      return new SGD(params, { lr: o.lr, momentum: o.momentum ?? 0, nesterov: o.nesterov ?? false, weightDecay: wd }) as unknown as Optimizer<GroupOptions>;
    case 'rmsprop':
      return new RMSProp(params, {
        lr: o.lr,
        alpha: o.alpha ?? 0.99,
        momentum: o.momentum ?? 0,
        eps: o.eps ?? 1e-8,
        weightDecay: wd,
      }) as unknown as Optimizer<GroupOptions>;
    case 'adam':
      return new Adam(params, { lr: o.lr, betas: o.betas ?? [0.9, 0.999], eps: o.eps ?? 1e-8, weightDecay: wd }) as unknown as Optimizer<GroupOptions>;
    case 'adamw':
      return new AdamW(params, {
        lr: o.lr,
        betas: o.betas ?? [0.9, 0.999],
        eps: o.eps ?? 1e-8,
        weightDecay: o.weightDecay ?? 1e-2,
      }) as unknown as Optimizer<GroupOptions>;
  }
}

/** A schedule over fractional epochs for a run of `epochs`. */
export function makeSchedule(s: ScheduleSpec, epochs: number): Schedule {
  const w = s.warmupEpochs ?? 0;
  let inner: Schedule;
  switch (s.name) {
    case 'cosine':
      inner = cosine({ total: epochs, etaMin: s.etaMin ?? 0, start: w });
      break;
    case 'step':
      inner = stepDecay({ stepSize: s.every ?? 30, gamma: s.gamma ?? 0.1 });
      break;
    case 'exponential':
      inner = exponentialDecay({ gamma: s.gamma ?? 0.97, every: s.every ?? 2.4 });
      break;
    case 'constant':
      inner = constant();
      break;
  }
  return w > 0 ? warmup(inner, { length: w }) : inner;
}
