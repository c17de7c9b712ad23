// A worker process for the multi-process tests: joins a study from the storage URL in
// $NASFORGE_STUDY_CHILD (JSON), evaluates with a sleep, appends "start <trial> <key> <pid>" to a
// log file at the start of every evaluation, and prints its summary as JSON. A "hang" worker
// never finishes its first trial (the test kills it). Does nothing without that variable (the
// test runner also loads this file).
import { appendFileSync, existsSync } from 'node:fs';

interface ChildSpec {
  url: string;
  study: string;
  trials: number;
  heartbeatSeconds: number;
  sleepMs: number;
  hang: boolean;
  log: string;
  workdirRoot: string;
  /** start working only once this file exists (the process loads while the test sets up) */
  go?: string;
}

async function main(spec: ChildSpec): Promise<void> {
  const { openStorage, runWorker } = await import('../../src/study/index.js');
  const { definition, pseudoAccuracy, sleep } = await import('./helpers.js');
  const storage = await openStorage(spec.url);
  while (spec.go && !existsSync(spec.go)) await sleep(20);
  const def = definition(spec.study, spec.trials, 'evolution', {
    strategy: { name: 'evolution', options: { populationSize: 10, sampleSize: 3 } },
    heartbeatSeconds: spec.heartbeatSeconds,
  });
  const summary = await runWorker(
    storage,
    def,
    async (ctx) => {
      appendFileSync(spec.log, `start ${ctx.trial.number} ${ctx.trial.key} ${process.pid}\n`);
      await sleep(spec.hang ? 600_000 : spec.sleepMs);
      return { valAccuracy: pseudoAccuracy(ctx.trial.key) };
    },
    { worker: `w${process.pid}`, workdirRoot: spec.workdirRoot },
  );
  await storage.close();
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

const spec = process.env.NASFORGE_STUDY_CHILD;
if (spec) {
  main(JSON.parse(spec) as ChildSpec).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
