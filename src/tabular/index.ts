// Tabular benchmarks as evaluators: NAS-Bench-Macro and NAS-Bench-201 (CIFAR-10).
export { TableError, type TableErrorCode } from './errors.js';
export type { TabularBenchmark, TableQuery } from './table.js';
export { dataCandidates, findDataFile } from './data-path.js';
export { loadNasBenchMacro, simulatedTrainTime, NAS_BENCH_MACRO_FILE } from './nas-bench-macro.js';
export { loadNasBench201, NB201_DEVICES, NAS_BENCH_201_FILE } from './nas-bench-201.js';
export { tableEvaluator, type TableEvaluator, type TableEvaluatorOptions } from './evaluator.js';
export { loadTable, tableNames } from './registry.js';
export {
  runOnTable,
  summarize,
  reportPoints,
  REPORT_AT,
  type BenchmarkRun,
  type RunOptions,
  type Checkpoint,
} from './benchmark.js';
export { summarizeHypervolume, type HypervolumeCheckpoint } from './benchmark.js';
export { paretoSetup, paretoPoint, distinctGenotypes, type ParetoSetup } from './pareto-benchmark.js';
export { summarizeBudget, spread, type BudgetSummary, type Spread } from './budget.js';
