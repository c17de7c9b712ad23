// What a multi-objective run on a table is measured against: the table's own Pareto front
// over the same metrics, as the evaluator gives them (so, on NAS-Bench-Macro with one recorded
// run per architecture, per seed), and the reference point for hypervolumes.
//
// Reference point rule: the worst value of each metric over the whole table (its nadir): the
// smallest accuracy, the largest FLOPs or latency. Hypervolumes are reported as a fraction of
// the table front's hypervolume above that point, so 1 means the true front was found.
import { type AnySearchSpace, type Genotype } from '../spaces/index.js';
import { type Direction, type ParetoMetric, hypervolume, paretoFront, readMetric } from '../strategies/index.js';
import { type TableEvaluator } from './evaluator.js';
import { type TabularBenchmark } from './table.js';

export interface ParetoSetup {
  readonly metrics: readonly ParetoMetric[];
  readonly directions: readonly Direction[];
  /** the hypervolume reference point, in the metrics' units */
  readonly ref: readonly number[];
  /** the hypervolume of the table's front above `ref` */
  readonly tableHypervolume: number;
  /** the keys of the table's front (over distinct keys) */
  readonly tableFront: readonly string[];
}

/** Every genotype of `space` (the product of its decisions), one per canonical key. */
export function distinctGenotypes(space: AnySearchSpace): Genotype[] {
  const sizes = space.decisions().map((d) => d.choices.length);
  const total = sizes.reduce((a, b) => a * b, 1);
  const seen = new Set<string>();
  const out: Genotype[] = [];
  const v = new Array<number>(sizes.length).fill(0);
  for (let n = 0; n < total; n++) {
    const g = space.fromDecisions(v);
    const key = space.key(g);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(g);
    }
    for (let i = sizes.length - 1; i >= 0; i--) {
      if (++v[i]! < sizes[i]!) break;
      v[i] = 0;
    }
  }
  return out;
}

/** The point of one candidate's metrics. */
export function paretoPoint(metrics: Readonly<Record<string, number>>, ms: readonly ParetoMetric[]): number[] {
  return ms.map((m) => readMetric(m.name, metrics));
}

/** The table's front and reference point for `metrics` under `evaluate`. */
export function paretoSetup(table: TabularBenchmark, genotypes: readonly Genotype[], evaluate: TableEvaluator, metrics: readonly ParetoMetric[]): ParetoSetup {
  const inTable = genotypes.filter((g) => table.has(g));
  const points = inTable.map((g) => paretoPoint(evaluate(g), metrics));
  const directions = metrics.map((m) => m.direction);
  const ref = metrics.map((m, i) => {
    const col = points.map((p) => p[i]!);
    return m.direction === 'maximize' ? Math.min(...col) : Math.max(...col);
  });
  const front = paretoFront(points, directions);
  return {
    metrics,
    directions,
    ref,
    tableHypervolume: hypervolume(
      front.map((i) => points[i]!),
      directions,
      ref,
    ),
    tableFront: front.map((i) => table.space.key(inTable[i]!)),
  };
}
