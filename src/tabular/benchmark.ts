// Running search strategies on a tabular benchmark: many seeded runs per strategy, each
// querying the table one candidate at a time, recording after every query the reported
// (test/mean) accuracy of the best-found architecture (best by the strategy's own score).
import { type Genotype } from '../spaces/index.js';
import { type StrategyOptions, createStrategy, maximize } from '../strategies/index.js';
import { tableEvaluator } from './evaluator.js';
import { type TabularBenchmark } from './table.js';

export const REPORT_AT: readonly number[] = [25, 50, 100, 200, 300];

export interface BenchmarkRun {
  readonly strategy: string;
  readonly seed: number;
  /** the best-found architecture's reported accuracy after query 1, 2, ..., queries */
  readonly best: number[];
  /** the best-found architecture's key after the last query */
  readonly bestKey: string;
  /** distinct keys queried */
  readonly distinct: number;
  readonly ms: number;
}

export interface RunOptions {
  readonly queries: number;
  readonly seed: number;
  readonly options?: StrategyOptions;
  /** what the strategy selects by: one recorded run ('run') or the mean (default: the table's) */
  readonly metric?: 'run' | 'mean';
}

/** One seeded run of `strategy` on `table`, one query at a time. */
export function runOnTable(table: TabularBenchmark, strategy: string, o: RunOptions): BenchmarkRun {
  const t0 = performance.now();
  const s = createStrategy(strategy, table.space, { ...o.options, seed: o.seed });
  const evaluate = tableEvaluator(table, { seed: o.seed, ...(o.metric ? { metric: o.metric } : {}) });
  const objective = maximize('valAccuracy');
  const best: number[] = [];
  const keys = new Set<string>();
  let bestScore = -Infinity;
  let bestG: Genotype | undefined;
  let bestKey = '';
  let bestReported = NaN;
  for (let q = 0; q < o.queries; q++) {
    const [g] = s.ask(1);
    const key = table.space.key(g!);
    const metrics = evaluate(g!);
    const score = objective.score(metrics);
    s.tell([{ genotype: g!, key, metrics, score }]);
    keys.add(key);
    if (score > bestScore) {
      [bestScore, bestG, bestKey] = [score, g, key];
      bestReported = table.reportedAccuracy(bestG!);
    }
    best.push(bestReported);
  }
  return { strategy, seed: o.seed, best, bestKey, distinct: keys.size, ms: performance.now() - t0 };
}

export interface Checkpoint {
  readonly queries: number;
  /** mean over runs of the best-found architecture's reported accuracy */
  readonly mean: number;
  /** its standard error (sample standard deviation / sqrt(runs)) */
  readonly stderr: number;
  /** mean rank of the best-found architecture among the table's distinct architectures (1 = best) */
  readonly meanRank: number;
  /** fraction of runs whose best-found architecture is the global optimum */
  readonly optimumRate: number;
}

/** The statistics of `runs` (of one strategy) after each of `at` queries. */
export function summarize(table: TabularBenchmark, runs: readonly BenchmarkRun[], at: readonly number[]): Checkpoint[] {
  return at.map((q) => {
    const v = runs.map((r) => r.best[q - 1]!);
    const n = v.length;
    const mean = v.reduce((a, b) => a + b, 0) / n;
    const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
    const ranks = v.map((a) => table.rank(a));
    return {
      queries: q,
      mean,
      stderr: sd / Math.sqrt(n),
      meanRank: ranks.reduce((a, b) => a + b, 0) / n,
      optimumRate: ranks.filter((r) => r === 1).length / n,
    };
  });
}

/** The report points up to `queries` (and `queries` itself when it is not one of them). */
export function reportPoints(queries: number): number[] {
  const at = REPORT_AT.filter((q) => q <= queries);
  return at.includes(queries) ? at : [...at, queries];
}
