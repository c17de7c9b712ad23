// What runs under a simulated-time budget ended with: how many queries the budget bought, and
// the best-found architecture's accuracies, as the NAS-Bench-201 paper reports its searches
// (mean ± standard deviation over runs; we add the standard error).
import { type BenchmarkRun } from './benchmark.js';

export interface Spread {
  readonly mean: number;
  /** sample standard deviation over runs (the ± of the NAS-Bench-201 paper's tables) */
  readonly sd: number;
  /** standard error of the mean (sd / sqrt(runs)) */
  readonly stderr: number;
}

export interface BudgetSummary {
  /** queries made within the budget */
  readonly queries: Spread & { readonly min: number; readonly max: number };
  /** training time those queries took (s) */
  readonly trainTime: Spread;
  /** the best-found architecture's reported accuracy when the budget ran out */
  readonly reported: Spread;
  /** its valAccuracy, what the strategy selected it by */
  readonly valAccuracy: Spread;
}

export function spread(v: readonly number[]): Spread {
  const n = v.length;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, stderr: sd / Math.sqrt(n) };
}

/** The end state of budgeted `runs` (of one strategy); undefined when they had no budget. */
export function summarizeBudget(runs: readonly BenchmarkRun[]): BudgetSummary | undefined {
  if (runs.length === 0 || runs.some((r) => r.budget === undefined)) return undefined;
  const q = runs.map((r) => r.budget!.queries);
  return {
    queries: { ...spread(q), min: Math.min(...q), max: Math.max(...q) },
    trainTime: spread(runs.map((r) => r.budget!.trainTime)),
    reported: spread(runs.map((r) => r.best[r.best.length - 1]!)),
    valAccuracy: spread(runs.map((r) => r.bestValAccuracy)),
  };
}
