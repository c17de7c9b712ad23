// One benchmark worker process: joins a study on NAS-Bench-Macro (aging evolution) whose
// evaluator looks the architecture up and sleeps its simulated training time × a scale. Loads,
// waits for the "go" file, runs, and prints {start, end, completed} (ms since the epoch).
import { existsSync } from 'node:fs';
import { getSpace } from '../../src/spaces/index.js';
import { maximize } from '../../src/strategies/index.js';
import { openStorage, runWorker, type StudyDefinition } from '../../src/study/index.js';
import { loadNasBenchMacro, tableEvaluator } from '../../src/tabular/index.js';

export interface BenchSpec {
  url: string;
  study: string;
  trials: number;
  /** seconds of real sleep per second of simulated training time */
  scale: number;
  go: string;
  workdirRoot: string;
}

export function benchDefinition(spec: BenchSpec): StudyDefinition {
  return {
    name: spec.study,
    config: { space: 'nas-bench-macro', strategy: 'evolution', trials: spec.trials },
    space: getSpace('nas-bench-macro'),
    strategy: { name: 'evolution', options: { populationSize: 20, sampleSize: 5 } },
    objective: maximize('valAccuracy'),
    budget: { trials: spec.trials },
    seed: 0,
  };
}

async function main(spec: BenchSpec): Promise<void> {
  const lookup = tableEvaluator(loadNasBenchMacro(), { seed: 0 });
  const storage = await openStorage(spec.url);
  while (!existsSync(spec.go)) await new Promise((r) => setTimeout(r, 5));
  const start = Date.now();
  const summary = await runWorker(
    storage,
    benchDefinition(spec),
    async (ctx) => {
      const metrics = lookup(ctx.genotype);
      if (spec.scale > 0) await new Promise((r) => setTimeout(r, metrics.trainTime! * spec.scale * 1000));
      return metrics;
    },
    { workdirRoot: spec.workdirRoot },
  );
  const end = Date.now();
  await storage.close();
  process.stdout.write(`${JSON.stringify({ start, end, completed: summary.completed })}\n`);
}

const spec = process.env.NASFORGE_BENCH_CHILD;
if (spec) {
  main(JSON.parse(spec) as BenchSpec).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
