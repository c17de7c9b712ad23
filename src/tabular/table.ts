// A tabular benchmark: every architecture of a space with its recorded results, so a search
// strategy can be run in seconds by looking results up instead of training.
import { type AnySearchSpace, type Genotype } from '../spaces/index.js';
import { type Metrics } from '../strategies/index.js';

export interface TableQuery {
  /**
   * Which recorded run gives `valAccuracy` (the accuracy a strategy selects by): a run index,
   * or 'mean' for the mean over runs. Tables with averaged results only accept 'mean'.
   */
  readonly run: number | 'mean';
}

export interface TabularBenchmark {
  /** the table's fixed name, e.g. 'nas-bench-macro' */
  readonly name: string;
  readonly space: AnySearchSpace;
  /** the file it was read from */
  readonly file: string;
  /** entries in the file */
  readonly size: number;
  /** recorded training runs per entry (1 when the file holds averages only) */
  readonly runs: number;
  /** the best reported accuracy in the table (the global optimum) */
  readonly optimum: number;
  /** whether the table holds `g` */
  has(g: Genotype): boolean;
  /** the recorded metrics of `g`; throws TableError('not-in-table') for a genotype it lacks */
  query(g: Genotype, q: TableQuery): Metrics;
  /** the accuracy a benchmark reports for `g` (mean test accuracy): never what a strategy selects by */
  reportedAccuracy(g: Genotype): number;
  /** 1 + the number of distinct architectures (by key) with a higher reported accuracy */
  rank(reportedAccuracy: number): number;
}

/** 1 + how many of `sortedDesc` (descending) exceed `acc`, by binary search. */
export function rankIn(sortedDesc: Float64Array, acc: number): number {
  let lo = 0;
  let hi = sortedDesc.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortedDesc[mid]! > acc) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

/** The distinct keys' accuracies, descending (for ranks). */
export function descendingByKey(entries: Iterable<[string, number]>): Float64Array {
  const byKey = new Map<string, number>();
  for (const [k, a] of entries) byKey.set(k, a);
  return Float64Array.from([...byKey.values()].sort((a, b) => b - a));
}
