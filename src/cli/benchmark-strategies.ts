// `nasforge benchmark-strategies`: every named strategy for many seeds on a tabular benchmark,
// reporting at 25/50/100/200/300 queries the mean ± standard error of the best-found
// architecture's reported accuracy, its rank in the table and how often it is the optimum.
// With a Pareto objective (--pareto valAccuracy,-flops) it also reports each run's front and
// its hypervolume vs. queries, as a fraction of the table front's (pareto-report.ts). With
// --budget-seconds each run also stops when the table's training time of its queries would pass
// the budget (the NAS-Bench-201 paper's protocol), and the report adds what each budget bought.
import { type Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from './errors.js';
import { intFlag, numFlag } from './flags.js';
import { linePlotSvg } from './svg-plot.js';
import { paretoReport, printParetoReport } from './pareto-report.js';

interface Flags {
  table: string;
  strategies: string;
  seeds: string;
  queries: string;
  population: string;
  sampleSize: string;
  aging: boolean;
  metric?: string;
  data?: string;
  json?: boolean;
  out?: string;
  objective?: string;
  pareto?: string;
  paretoSelection: boolean;
  budgetSeconds?: string;
}

export function registerBenchmarkStrategies(program: Command): void {
  program
    .command('benchmark-strategies')
    .description('run search strategies for many seeds on a tabular benchmark and compare their best-found accuracy')
    .requiredOption('--table <name>', 'nas-bench-macro or nas-bench-201')
    .option('--strategies <list>', 'comma-separated strategy names', 'random,evolution')
    .option('--seeds <n>', 'runs per strategy (seeds 0..n-1)', '100')
    .option('--queries <n>', 'table queries per run', '300')
    .option('--population <n>', 'evolution: population size P', '50')
    .option('--sample-size <n>', 'evolution: tournament sample size S', '10')
    .option('--no-aging', 'evolution: remove the worst member instead of the oldest')
    .option('--metric <run|mean>', "what strategies select by: one recorded run (seeded) or the mean (default: 'run' where the table has several runs)")
    .option(
      '--objective <spec>',
      'what strategies score by: \'accuracy\', a metric (\'-flops\' minimizes), a Pareto list, or a JSON spec, e.g. \'{"name":"mnasnet","metric":"flops","target":100}\'',
    )
    .option('--pareto <metrics>', "a multi-objective run over these metrics, e.g. valAccuracy,-flops (same as --objective 'valAccuracy,-flops')")
    .option('--no-pareto-selection', 'multi-objective runs: evolution selects by the scalar score (the first metric) instead of Pareto rank')
    .option(
      '--budget-seconds <s>',
      "also stop each run before the query whose training would take the total of the table's training time (metric trainTime) past s seconds",
    )
    .option('--data <file>', 'the table file (default: $NASFORGE_DATA or ../shared/data beside the repository)')
    .option('--out <dir>', 'write runs.json and best-found.svg there')
    .option('--json', 'print one JSON object')
    .action(async (o: Flags) => {
      const { loadTable, runOnTable, summarize, summarizeBudget, reportPoints, TableError } = await import('../tabular/index.js');
      const { getStrategy, StrategyError, objectiveFromSpec, formatParetoMetrics } = await import('../strategies/index.js');
      const seeds = intFlag('seeds', o.seeds, 1);
      const queries = intFlag('queries', o.queries, 1);
      const evolution = { populationSize: intFlag('population', o.population, 1), sampleSize: intFlag('sample-size', o.sampleSize, 1), aging: o.aging };
      if (o.metric !== undefined && o.metric !== 'run' && o.metric !== 'mean') throw new UserError(`--metric expects 'run' or 'mean', got '${o.metric}'`);
      const metric = o.metric as 'run' | 'mean' | undefined;
      const budgetSeconds = o.budgetSeconds === undefined ? undefined : numFlag('budget-seconds', o.budgetSeconds);
      if (budgetSeconds !== undefined && !(budgetSeconds > 0))
        throw new UserError(`--budget-seconds expects a positive number of seconds, got '${o.budgetSeconds}'`);
      const names = o.strategies
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      if (names.length === 0) throw new UserError('--strategies names no strategy (e.g. --strategies random,evolution)');
      if (o.objective !== undefined && o.pareto !== undefined) throw new UserError('give --objective or --pareto, not both (--pareto A,B is --objective A,B)');
      try {
        for (const n of names) getStrategy(n);
        const objective = objectiveFromSpec(o.pareto ?? o.objective ?? 'accuracy');
        const table = loadTable(o.table, o.data);
        const at = reportPoints(queries);
        const pareto = objective.pareto ? paretoReport(table, objective.pareto, metric) : undefined;
        // evolution selects parents by Pareto rank in a multi-objective run
        const paretoOption = objective.pareto && o.paretoSelection ? { pareto: formatParetoMetrics(objective.pareto) } : {};
        const options = (name: string) => (name === 'evolution' ? { ...evolution, ...paretoOption } : {});
        const runs = names.map((name) => {
          const rs = Array.from({ length: seeds }, (_, seed) =>
            runOnTable(table, name, {
              queries,
              seed,
              options: options(name),
              objective,
              ...(metric ? { metric } : {}),
              ...(pareto ? { pareto: pareto.setup(seed) } : {}),
              ...(budgetSeconds !== undefined ? { budgetSeconds } : {}),
            }),
          );
          const ms = rs.reduce((a, r) => a + r.ms, 0);
          process.stderr.write(`${name}: ${seeds} runs of ${queries} queries in ${(ms / 1000).toFixed(2)} s (${(ms / seeds).toFixed(1)} ms per run)\n`);
          return { name, runs: rs, summary: summarize(table, rs, at), msPerRun: ms / seeds, budget: summarizeBudget(rs) };
        });
        const report = {
          table: table.name,
          file: table.file,
          seeds,
          queries,
          metric: metric ?? (table.runs > 1 ? 'run' : 'mean'),
          optimum: table.optimum,
          evolution: { ...evolution, ...paretoOption },
          objective: objective.spec ?? null,
          results: Object.fromEntries(
            runs.map((r) => {
              const hv = pareto?.summarize(r.runs, at);
              return [
                r.name,
                Object.fromEntries(
                  r.summary.map((c, i) => [
                    String(c.queries),
                    {
                      mean: c.mean,
                      stderr: c.stderr,
                      meanRank: c.meanRank,
                      optimumRate: c.optimumRate,
                      ...(hv ? { hypervolume: { mean: hv[i]!.mean, stderr: hv[i]!.stderr } } : {}),
                    },
                  ]),
                ),
              ];
            }),
          ),
          msPerRun: Object.fromEntries(runs.map((r) => [r.name, r.msPerRun])),
          ...(pareto ? { pareto: pareto.json(runs) } : {}),
          ...(budgetSeconds !== undefined
            ? { budget: { seconds: budgetSeconds, metric: 'trainTime', results: Object.fromEntries(runs.map((r) => [r.name, r.budget!])) } }
            : {}),
        };
        if (o.out) {
          mkdirSync(o.out, { recursive: true });
          writeFileSync(join(o.out, 'runs.json'), `${JSON.stringify({ ...report, runs: runs.flatMap((r) => r.runs) })}\n`);
          const series = runs.map((r) => {
            const curve = Array.from({ length: queries }, (_, q) => summarize(table, r.runs, [q + 1])[0]!);
            return { name: r.name, y: curve.map((c) => c.mean), err: curve.map((c) => c.stderr) };
          });
          // the axis starts at random search's mean after 5% of the queries: a strategy that starts
          // below a random draw (PNAS' partial networks) would otherwise flatten every other curve
          const random = series.find((s) => s.name === 'random');
          const floorAt = Math.max(1, Math.round(queries / 20));
          const yFloor = random && queries >= 20 ? random.y[floorAt - 1] : undefined;
          writeFileSync(
            join(o.out, 'best-found.svg'),
            linePlotSvg(
              `${table.name}: best-found architecture, ${seeds} seeds (±1 s.e.)${yFloor !== undefined ? `; axis from random's mean at query ${floorAt}` : ''}`,
              'queries',
              'reported accuracy of best found (%)',
              series,
              yFloor !== undefined ? { yFloor } : {},
            ),
          );
          if (pareto) writeFileSync(join(o.out, 'hypervolume.svg'), pareto.svg(runs, seeds));
        }
        if (o.json) {
          console.log(JSON.stringify(report));
          return;
        }
        console.log(
          `${table.name}: ${seeds} seeds × ${queries} queries; selected by ${report.metric === 'run' ? 'one recorded run' : 'validation accuracy'}, reported: ${table.runs > 1 ? 'mean' : 'test'} accuracy (optimum ${table.optimum.toFixed(2)})`,
        );
        console.log(['queries'.padEnd(8), ...names.map((n) => n.padEnd(36))].join(''));
        at.forEach((q, i) => {
          const cells = runs.map((r) => {
            const c = r.summary[i]!;
            return `${c.mean.toFixed(2)} ± ${c.stderr.toFixed(2)}  rank ${c.meanRank.toFixed(1)}  opt ${(100 * c.optimumRate).toFixed(0)}%`.padEnd(36);
          });
          console.log([String(q).padEnd(8), ...cells].join(''));
        });
        if (pareto) printParetoReport(pareto, runs, at);
        if (budgetSeconds !== undefined) {
          console.log(`time budget ${budgetSeconds} s of training (the table's trainTime); mean ± s.d. over seeds at the end of the budget:`);
          for (const r of runs) {
            const b = r.budget!;
            console.log(
              `${r.name.padEnd(12)}queries ${b.queries.mean.toFixed(1)} ± ${b.queries.sd.toFixed(1)} (${b.queries.min}-${b.queries.max})  ` +
                `valAccuracy ${b.valAccuracy.mean.toFixed(2)} ± ${b.valAccuracy.sd.toFixed(2)}  reported ${b.reported.mean.toFixed(2)} ± ${b.reported.sd.toFixed(2)}`,
            );
          }
        }
      } catch (e) {
        if (e instanceof TableError || e instanceof StrategyError) throw new UserError(e.message);
        throw e;
      }
    });
}
