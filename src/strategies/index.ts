// Search strategies behind ask/tell, with JSON state for exact resume.
export {
  type Strategy, type StrategyFactory, type StrategyOptions, type StrategyState, type TrialResult, type Metrics,
} from './strategy.js';
export { StrategyError, type StrategyErrorCode } from './errors.js';
export { type Objective, maximize, minimize } from './objective.js';
export { RandomSearch, randomStrategy } from './random.js';
export { RegularizedEvolution, evolutionStrategy, type Member, type EvolutionOptions } from './evolution.js';
export { STRATEGIES, strategyNames, getStrategy, createStrategy, restoreStrategy } from './registry.js';
