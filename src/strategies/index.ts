// Search strategies behind ask/tell, with JSON state for exact resume.
export type {
  Strategy,
  StrategyFactory,
  StrategyOptions,
  StrategyState,
  TrialResult,
  Metrics,
  Proposal,
} from './strategy.js';
export { StrategyError, type StrategyErrorCode } from './errors.js';
export { type Objective, maximize, minimize } from './objective.js';
export { RandomSearch, randomStrategy } from './random.js';
export { RegularizedEvolution, evolutionStrategy, type Member, type EvolutionOptions } from './evolution.js';
export { Controller, type ControllerOptions, type ControllerSample } from './controller.js';
export { ControllerStrategy, CONTROLLER_DEFAULTS, type ControllerStrategyOptions } from './policy-gradient.js';
export { Reinforce, reinforceStrategy } from './reinforce.js';
export { PPO, ppoStrategy, clippedSurrogate } from './ppo.js';
export {
  ProgressiveSearch,
  pnasStrategy,
  popnasStrategy,
  growthOf,
  genericGrowth,
  paretoSelect,
  type ProgressiveOptions,
  type Observation,
  type StepScoring,
  type Growth,
} from './pnas/index.js';
export {
  type Surrogate,
  type SurrogateKind,
  type SurrogateOptions,
  SURROGATE_KINDS,
  fitSurrogate,
} from './surrogates/index.js';
export { STRATEGIES, strategyNames, getStrategy, createStrategy, restoreStrategy } from './registry.js';
export {
  readMetric,
  mnasnetReward,
  constrained,
  paretoObjective,
  MNASNET_SOFT,
  MNASNET_HARD,
  CONSTRAINT_FLOOR,
  type MnasNetOptions,
  type ConstraintOptions,
} from './objective.js';
export { objectiveFromSpec, OBJECTIVE_NAMES } from './objective-spec.js';
export {
  type Direction,
  type ParetoMetric,
  parseParetoMetrics,
  formatParetoMetrics,
  orient,
  dominates,
  paretoFront,
  nonDominatedRanks,
  crowdingDistances,
  hypervolume2d,
  hypervolume,
  IncrementalFront,
} from './pareto.js';
export {
  HyperbandScheduler,
  createHalving,
  restoreHalving,
  hyperbandBrackets,
  bracketPlan,
  bracketBudget,
  maxBracket,
  HALVING_DEFAULTS,
  type HalvingOptions,
  type HalvingJob,
  type RungPlan,
} from './halving.js';
