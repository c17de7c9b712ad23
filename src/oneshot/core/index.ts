// What every weight-sharing method shares: the method contract, the epoch loop and its
// checkpoints, the data helpers, architecture-parameter helpers, errors and option checks.
export type { OneShotMethod, OneShotContext, OneShotResult } from './method.js';
export { OneShotError, type OneShotErrorCode } from './errors.js';
export { PASSED_OPTIONS, optionFailure, readMethodOptions, checkIntOption, checkRangeOption } from './options.js';
export { runEpochs, type LoopState, type LoopResult, type LoopSpec } from './loop.js';
export { type SearchCheckpoint, hasSearchCheckpoint, saveSearchCheckpoint, loadSearchCheckpoint } from './checkpoint.js';
export {
  searchStack,
  checkImages,
  stemInput,
  searchLoader,
  batchFor,
  type ChildForward,
  recalibrateChildBatchNorm,
  childAccuracy,
} from './data.js';
export {
  type SearchableLayers,
  archParameters,
  archRecord,
  archProbabilities,
  softmax,
  archArgmax,
  disposeAll,
} from './arch.js';
