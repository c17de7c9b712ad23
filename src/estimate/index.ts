// Performance estimation: the cost model (params, MACs, measured latency); evaluators and
// predictors build on it.
export { estimateCost, type CostOptions, type CostReport } from './cost.js';
export { measureLatency, type Latency, type LatencyOptions } from './latency.js';
export { countMacs, traceMacs, withoutInit } from '../nn/index.js';
