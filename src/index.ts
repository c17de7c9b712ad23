// nasforge's public API: everything a user imports comes from here (`import { ... } from
// 'nasforge'`) or from one of the subpaths the package exports ('nasforge/torch', 'nasforge/nn',
// ...), which are the same folders as the namespaces below. Importing it does not load libtorch:
// the engine loads when the first tensor is made.
//
// The everyday names are at the top level: searching (runSearch, openStudy's ask/tell), spaces,
// strategies and objectives, the study storage, and the tensor basics. Each layer is also a
// namespace with its whole public face.

export * as util from './util/index.js';
export * as torch from './torch/index.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as data from './data/index.js';
export * as train from './train/index.js';
export * as spaces from './spaces/index.js';
export * as strategies from './strategies/index.js';
export * as oneshot from './oneshot/index.js';
export * as estimate from './estimate/index.js';
export * as tabular from './tabular/index.js';
export * as study from './study/index.js';
export * as search from './search/index.js';

// errors and helpers every user meets
export { NasforgeError, isNasforgeError, Rng, canonicalJson, type Json } from './util/index.js';

// searching: a config run as a study, read back as data, and the ask/tell study for your own training code
export {
  runSearch,
  runStudyWorker,
  loadSearchConfig,
  resolveConfig,
  studyStatus,
  studyTrials,
  studyBest,
  exportTrial,
  retrain,
  openStudy,
  type AskTellStudy,
  type AskedTrial,
  type OpenStudyOptions,
  ConfigError,
  SearchError,
  type SearchConfig,
  type SearchEvent,
  type SearchOutcome,
  type RunSearchOptions,
  type StudyStatus,
} from './search/index.js';

// spaces, strategies, objectives
export {
  getSpace,
  spaceNames,
  SPACES,
  findPreset,
  SpaceError,
  type SearchSpace,
  type AnySearchSpace,
  type Genotype,
  type Stack,
} from './spaces/index.js';
export {
  createStrategy,
  restoreStrategy,
  strategyNames,
  objectiveFromSpec,
  maximize,
  minimize,
  mnasnetReward,
  paretoFront,
  StrategyError,
  type Strategy,
  type StrategyState,
  type Metrics,
  type Objective,
  type TrialResult,
} from './strategies/index.js';
export { ONESHOT_METHODS, type OneShotMethod } from './oneshot/index.js';

// studies and their storage
export {
  openStorage,
  StudyError,
  TrialPruned,
  type Storage,
  type Trial,
  type TrialState,
  type StudyRecord,
  type Evaluate,
  type TrialContext,
} from './study/index.js';

// data sets and training
export { loadDataset, datasetNames, DataLoader, DataError, type Dataset } from './data/index.js';
export { fit, evaluate, resolveRecipe, TrainError, type Recipe, type FitResult } from './train/index.js';

// tensors
export {
  Tensor,
  F,
  tidy,
  keep,
  dispose,
  noGrad,
  manualSeed,
  setNumThreads,
  tensor,
  zeros,
  ones,
  randn,
  EngineError,
} from './torch/index.js';
export { Module } from './nn/index.js';
