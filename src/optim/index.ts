// Optimisers, learning-rate schedules and gradient clipping (torch.optim's counterpart).
export {
  Optimizer,
  type GroupOptions,
  type ParamGroup,
  type GroupInput,
  type ParamsInput,
  type ParamState,
  type OptimizerMeta,
  type OptimizerStateDict,
  type HyperValue,
} from './optimizer.js';
export { OptimizerError } from './errors.js';
export { SGD, type SGDOptions, type SGDConfig } from './sgd.js';
export { RMSProp, type RMSPropOptions, type RMSPropConfig } from './rmsprop.js';
export { Adam, AdamW, type AdamOptions, type AdamConfig } from './adam.js';
export {
  type Schedule,
  Scheduler,
  constant,
  cosine,
  stepDecay,
  exponentialDecay,
  warmup,
} from './schedules.js';
export { clipGradNorm } from './clip.js';
