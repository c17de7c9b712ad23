// Performance estimation: the cost model (params, MACs, measured latency); evaluators and
// predictors build on it.
export { estimateCost, type CostOptions, type CostReport } from './cost.js';
export { measureLatency, type Latency, type LatencyOptions } from './latency.js';
export { countMacs, traceMacs, withoutInit } from '../nn/index.js';
export {
  type LatencyTable,
  type LatencyTableParts,
  type LatencyStatistic,
  type LatencyClock,
  type TableOptions,
  timeModule,
  LatencyTableError,
  measureLatencyTable,
  predictLatency,
  tableEntry,
  saveLatencyTable,
  loadLatencyTable,
  cpuDescription,
  spearman,
} from './latency-table.js';
export { type LatencyMethod, pearson } from './latency-table.js';
export { timeInContext, roundRobinPaths, type InContextSamples, type InContextOptions } from './latency-context.js';
export { timeInterleaved, type InterleavedLatency, type InterleavedOptions } from './latency-interleaved.js';
export {
  proxyTrainingEvaluator,
  tabularEvaluator,
  withClasses,
  stemTransform,
  EvaluationInterrupted,
  type EvalContext,
  type GenotypeEvaluator,
  type ProxyTrainingOptions,
  type TabularEvaluatorOptions,
} from './evaluator.js';
