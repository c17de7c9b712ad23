// The multi-objective part of `nasforge benchmark-strategies`: the table's front per seed (the
// evaluator's accuracy can depend on the seed), hypervolume statistics, each strategy's fronts,
// and the hypervolume-vs-queries plot.
import { type Genotype } from '../spaces/index.js';
import { type ParetoMetric, formatParetoMetrics } from '../strategies/index.js';
import {
  type BenchmarkRun,
  type HypervolumeCheckpoint,
  type ParetoSetup,
  type TabularBenchmark,
  distinctGenotypes,
  paretoPoint,
  paretoSetup,
  summarizeHypervolume,
  tableEvaluator,
} from '../tabular/index.js';
import { linePlotSvg } from './svg-plot.js';

interface StrategyRuns {
  readonly name: string;
  readonly runs: readonly BenchmarkRun[];
}

export interface ParetoReport {
  readonly table: TabularBenchmark;
  readonly metrics: readonly ParetoMetric[];
  /** whether the table front differs by seed (one recorded run per architecture) */
  readonly perSeed: boolean;
  setup(seed: number): ParetoSetup;
  summarize(runs: readonly BenchmarkRun[], at: readonly number[]): HypervolumeCheckpoint[];
  json(runs: readonly StrategyRuns[]): Record<string, unknown>;
  svg(runs: readonly StrategyRuns[], seeds: number): string;
}

export function paretoReport(table: TabularBenchmark, metrics: readonly ParetoMetric[], metric?: 'run' | 'mean'): ParetoReport {
  const resolved = metric ?? (table.runs > 1 ? 'run' : 'mean');
  const perSeed = resolved === 'run';
  let genotypes: Genotype[] | undefined;
  const setups = new Map<number, ParetoSetup>();
  const setup = (seed: number): ParetoSetup => {
    const id = perSeed ? seed : 0;
    let s = setups.get(id);
    if (!s) {
      genotypes ??= distinctGenotypes(table.space);
      s = paretoSetup(table, genotypes, tableEvaluator(table, { seed: id, metric: resolved }), metrics);
      setups.set(id, s);
    }
    return s;
  };
  const byKey = new Map<string, Genotype>();
  const genotypeOf = (key: string): Genotype => {
    if (byKey.size === 0) for (const g of genotypes ?? distinctGenotypes(table.space)) byKey.set(table.space.key(g), g);
    return byKey.get(key)!;
  };
  const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);

  return {
    table,
    metrics,
    perSeed,
    setup,
    summarize: summarizeHypervolume,
    json(runs) {
      const s0 = setup(0);
      const evaluate0 = tableEvaluator(table, { seed: 0, metric: resolved });
      return {
        metrics: formatParetoMetrics(metrics),
        reference: s0.ref,
        referenceRule: "the table's worst value of each metric (its nadir); hypervolumes are fractions of the table front's",
        perSeed,
        tableHypervolume: s0.tableHypervolume,
        tableFrontSize: s0.tableFront.length,
        tableFront: s0.tableFront,
        fronts: Object.fromEntries(
          runs.map((r) => [
            r.name,
            {
              meanSize: mean(r.runs.map((x) => x.front!.length)),
              verifiedRuns: r.runs.filter((x) => x.frontVerified).length,
              runs: r.runs.length,
              onTableFront: mean(
                r.runs.map((x) => {
                  const tf = new Set(setup(x.seed).tableFront);
                  return x.front!.filter((k) => tf.has(k)).length / x.front!.length;
                }),
              ),
              // seed 0's front, best first by the first metric
              seed0: (r.runs.find((x) => x.seed === 0)?.front ?? [])
                .map((key) => {
                  const p = paretoPoint(evaluate0(genotypeOf(key)), metrics);
                  return { key, ...Object.fromEntries(metrics.map((m, i) => [m.name, Number(p[i]!.toFixed(4))])) } as Record<string, string | number>;
                })
                .sort((a, b) => (metrics[0]!.direction === 'maximize' ? -1 : 1) * ((a[metrics[0]!.name] as number) - (b[metrics[0]!.name] as number))),
            },
          ]),
        ),
      };
    },
    svg(runs, seeds) {
      const series = runs.map((r) => {
        const n = r.runs[0]?.hypervolume?.length ?? 0;
        const curve = summarizeHypervolume(
          r.runs,
          Array.from({ length: n }, (_, q) => q + 1),
        );
        return { name: r.name, y: curve.map((c) => c.mean), err: curve.map((c) => c.stderr) };
      });
      return linePlotSvg(
        `${table.name}: hypervolume of the front found (${formatParetoMetrics(metrics)}), ${seeds} seeds (±1 s.e.)`,
        'queries',
        "hypervolume / table front's",
        series,
      );
    },
  };
}

/** The text form: hypervolume per report point, then each strategy's front of seed 0. */
export function printParetoReport(p: ParetoReport, runs: readonly StrategyRuns[], at: readonly number[]): void {
  const j = p.json(runs) as {
    tableFrontSize: number;
    reference: number[];
    fronts: Record<string, { meanSize: number; verifiedRuns: number; runs: number; onTableFront: number; seed0: Record<string, number | string>[] }>;
  };
  console.log('');
  console.log(
    `Pareto front over ${formatParetoMetrics(p.metrics)}: hypervolume as a fraction of the table front's (${j.tableFrontSize} architectures${p.perSeed ? ', seed 0' : ''}), reference [${j.reference.join(', ')}]`,
  );
  console.log(['queries'.padEnd(8), ...runs.map((r) => r.name.padEnd(20))].join(''));
  const hv = runs.map((r) => p.summarize(r.runs, at));
  at.forEach((q, i) => console.log([String(q).padEnd(8), ...hv.map((h) => `${h[i]!.mean.toFixed(4)} ± ${h[i]!.stderr.toFixed(4)}`.padEnd(20))].join('')));
  for (const r of runs) {
    const f = j.fronts[r.name]!;
    console.log(
      `${r.name}: mean front size ${f.meanSize.toFixed(1)}, ${(100 * f.onTableFront).toFixed(0)}% of its points on the table's front; ` +
        `front = evaluated set's front in ${f.verifiedRuns}/${f.runs} runs. Seed 0's front:`,
    );
    for (const pt of f.seed0) console.log(`  ${p.metrics.map((m) => `${m.name} ${pt[m.name]}`).join('  ')}  (${pt.key})`);
  }
}
