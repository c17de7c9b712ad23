// A table as an evaluator: a candidate's metrics are looked up, not trained. For a table with
// several recorded runs, which run answers is drawn from (seed, key), so a study sees one
// training's noise per architecture, reproducibly, and a repeated query sees the same run.
import { type Genotype } from '../spaces/index.js';
import { type Metrics } from '../strategies/index.js';
import { TableError } from './errors.js';
import { type TabularBenchmark } from './table.js';

export interface TableEvaluatorOptions {
  /** picks the recorded run per architecture (default 0) */
  readonly seed?: number;
  /**
   * What `valAccuracy` holds: 'run' (one recorded run, drawn from seed and key) or 'mean'.
   * Default: 'run' where the table has several runs, else 'mean'.
   */
  readonly metric?: 'run' | 'mean';
}

export type TableEvaluator = (g: Genotype) => Metrics;

/** FNV-1a over a string, mixed with a seed: a stable 32-bit hash. */
function hash(seed: number, s: string): number {
  let h = (0x811c9dc5 ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d) >>> 0;
  return (h ^ (h >>> 12)) >>> 0;
}

export function tableEvaluator(table: TabularBenchmark, options: TableEvaluatorOptions = {}): TableEvaluator {
  const seed = options.seed ?? 0;
  const metric = options.metric ?? (table.runs > 1 ? 'run' : 'mean');
  if (metric !== 'run' && metric !== 'mean') throw new TableError(`metric must be 'run' or 'mean', got ${JSON.stringify(metric)}`, 'invalid-option');
  if (metric === 'run' && table.runs < 2) {
    throw new TableError(`${table.name} records averaged results only, so there is no single run to draw; use metric 'mean'`, 'invalid-option');
  }
  return (g) => table.query(g, { run: metric === 'mean' ? 'mean' : hash(seed, table.space.key(g)) % table.runs });
}
