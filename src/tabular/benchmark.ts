// Running search strategies on a tabular benchmark: many seeded runs per strategy, each
// querying the table one candidate at a time, recording after every query the reported
// (test/mean) accuracy of the best-found architecture (best by the strategy's own score) and,
// in a multi-objective run, the Pareto front of the distinct architectures evaluated so far
// and its hypervolume. A run may be bounded by simulated training time as well as by queries
// (budgetSeconds, the NAS-Bench-201 paper's protocol).
import { type Genotype } from '../spaces/index.js';
import { type Objective, type StrategyOptions, IncrementalFront, createStrategy, maximize, paretoFront } from '../strategies/index.js';
import { type TableEvaluator, tableEvaluator } from './evaluator.js';
import { type ParetoSetup, paretoPoint } from './pareto-benchmark.js';
import { TableError } from './errors.js';
import { type TabularBenchmark } from './table.js';

export const REPORT_AT: readonly number[] = [25, 50, 100, 200, 300];

export interface BenchmarkRun {
  readonly strategy: string;
  readonly seed: number;
  /**
   * the best-found architecture's reported accuracy after query 1, 2, ..., queries; a run that a
   * time budget ended early repeats its last value up to `queries` (its best stays found)
   */
  readonly best: number[];
  /** the best-found architecture's valAccuracy, as the strategy saw it (what it selected by) */
  readonly bestValAccuracy: number;
  /** the best-found architecture's key after the last query */
  readonly bestKey: string;
  /** distinct keys queried */
  readonly distinct: number;
  readonly ms: number;
  /** runs with a time budget: the queries made within it, and the training time they took (s) */
  readonly budget?: { readonly queries: number; readonly trainTime: number };
  /** multi-objective runs: the front's hypervolume after each query, as a fraction of the table front's */
  readonly hypervolume?: number[];
  /** multi-objective runs: the keys of the front found (of the distinct architectures evaluated), in order of arrival */
  readonly front?: string[];
  /** multi-objective runs: whether the front found equals the front of the evaluated set recomputed from scratch */
  readonly frontVerified?: boolean;
}

export interface RunOptions {
  readonly queries: number;
  readonly seed: number;
  readonly options?: StrategyOptions;
  /** what the strategy selects by: one recorded run ('run') or the mean (default: the table's) */
  readonly metric?: 'run' | 'mean';
  /** what the strategy's score is (default: maximize valAccuracy) */
  readonly objective?: Objective;
  /** a multi-objective run: the metrics, reference point and table front to measure against */
  readonly pareto?: ParetoSetup;
  /** the evaluator to use (default: tableEvaluator(table, {seed, metric})) */
  readonly evaluate?: TableEvaluator;
  /**
   * Simulated search time, in seconds of the table's training time (metric `trainTime`): the run
   * ends before the first query whose training would take the total past it, as NAS-Bench-201's
   * own REA/RS/REINFORCE scripts stop. The first query always counts (a search that trained
   * nothing has no best). `queries` still caps the run.
   */
  readonly budgetSeconds?: number;
}

/** One seeded run of `strategy` on `table`, one query at a time. */
export function runOnTable(table: TabularBenchmark, strategy: string, o: RunOptions): BenchmarkRun {
  const t0 = performance.now();
  const s = createStrategy(strategy, table.space, { ...o.options, seed: o.seed });
  const evaluate = o.evaluate ?? tableEvaluator(table, { seed: o.seed, ...(o.metric ? { metric: o.metric } : {}) });
  const objective = o.objective ?? maximize('valAccuracy');
  const p = o.pareto;
  const front = p ? new IncrementalFront<string>(p.directions) : undefined;
  const hv: number[] = [];
  const evaluated = new Map<string, number[]>();
  const best: number[] = [];
  const keys = new Set<string>();
  let bestScore = -Infinity;
  let bestG: Genotype | undefined;
  let bestKey = '';
  let bestReported = NaN;
  let bestVal = NaN;
  const budget = o.budgetSeconds;
  if (budget !== undefined && !(budget > 0)) throw new TableError(`budgetSeconds must be a positive number of seconds, got ${budget}`, 'invalid-option');
  let spent = 0;
  for (let q = 0; q < o.queries; q++) {
    const [g] = s.ask(1);
    const key = table.space.key(g!);
    const metrics = evaluate(g!);
    if (budget !== undefined) {
      const t = metrics.trainTime;
      if (t === undefined)
        throw new TableError(`${table.name}: a time budget needs the metric 'trainTime'; the table gives ${Object.keys(metrics).join(', ')}`, 'invalid-option');
      if (q > 0 && spent + t > budget) break;
      spent += t;
    }
    const score = objective.score(metrics);
    s.tell([{ genotype: g!, key, metrics, score }]);
    keys.add(key);
    if (p && front) {
      if (!evaluated.has(key)) {
        const point = paretoPoint(metrics, p.metrics);
        evaluated.set(key, point);
        front.add(key, point);
      }
      hv.push(front.hypervolume(p.ref) / p.tableHypervolume);
    }
    if (score > bestScore) {
      [bestScore, bestG, bestKey] = [score, g, key];
      bestReported = table.reportedAccuracy(bestG!);
      bestVal = metrics.valAccuracy ?? NaN;
    }
    best.push(bestReported);
  }
  const ms = performance.now() - t0;
  const used = best.length;
  // a budget that ended the run early: the best found stays the best up to `queries`
  while (best.length < o.queries) best.push(bestReported);
  while (p && hv.length > 0 && hv.length < o.queries) hv.push(hv[hv.length - 1]!);
  const base = {
    strategy,
    seed: o.seed,
    best,
    bestValAccuracy: bestVal,
    bestKey,
    distinct: keys.size,
    ms,
    ...(budget !== undefined ? { budget: { queries: used, trainTime: spent } } : {}),
  };
  if (!p || !front) return base;
  // the acceptance check, on every run: the incremental front is the evaluated set's front
  const all = [...evaluated];
  const brute = new Set(
    paretoFront(
      all.map(([, pt]) => pt),
      p.directions,
    ).map((i) => all[i]![0]),
  );
  const found = front.items;
  const frontVerified = found.length === brute.size && found.every((k) => brute.has(k));
  return { ...base, hypervolume: hv, front: found, frontVerified };
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

export interface HypervolumeCheckpoint {
  readonly queries: number;
  /** mean over runs of the front's hypervolume as a fraction of the table front's */
  readonly mean: number;
  readonly stderr: number;
}

/** Mean ± standard error of the hypervolume fraction of multi-objective `runs` after each of `at` queries. */
export function summarizeHypervolume(runs: readonly BenchmarkRun[], at: readonly number[]): HypervolumeCheckpoint[] {
  return at.map((q) => {
    const v = runs.map((r) => r.hypervolume![q - 1]!);
    const n = v.length;
    const mean = v.reduce((a, b) => a + b, 0) / n;
    const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
    return { queries: q, mean, stderr: sd / Math.sqrt(n) };
  });
}
