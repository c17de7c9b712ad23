// A worker process for the fault-injection tests: runs one study from $NASFORGE_FAULT_CHILD
// (JSON) with one of these evaluators, then prints one JSON line (its summary, or the error
// that ended it) and exits 0 or 1. Does nothing without that variable (the test runner also
// loads this file).
// - 'proxy': a tiny proxy training on NAS-Bench-201 cells (21 optimiser steps, a checkpoint and
//   a progress report after every step). With `hold`, once trial `hold.trial`'s progress
//   reached `hold.step` it waits for ever, right after its checkpoint and its progress are
//   stored: the test kills it there (its kill moment read from the database, never a clock).
// - 'crash': a counter checkpointed in the workdir; trial `crashTrial` kills its own process
//   with SIGKILL when it reaches `crashAt`, every time (the same crash at the same point).
// - 'cheap': a pseudo-accuracy after `sleepMs`.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FaultSpec {
  readonly url: string;
  readonly study: string;
  readonly trials: number;
  readonly evaluator: 'proxy' | 'crash' | 'cheap';
  readonly workdirRoot: string;
  readonly heartbeatSeconds?: number;
  readonly maxAttempts?: number;
  /** lines "progress <trial> <step> <pid>" and "start <trial> <key> <pid>" */
  readonly log?: string;
  readonly hold?: { readonly trial: number; readonly step: number };
  readonly crashTrial?: number;
  readonly crashAt?: number;
  readonly sleepMs?: number;
}

/** The proxy-training study's recipe: what the uninterrupted run and the killed one share. */
export const PROXY = { epochs: 3, batchSize: 16, examples: 160, valFraction: 0.25 };
/** optimiser steps of one proxy trial: 120 training examples in batches of 16 (the last one dropped), 3 epochs */
export const PROXY_STEPS = 3 * 7;

async function main(spec: FaultSpec): Promise<void> {
  const { openStorage, runWorker } = await import('../../src/study/index.js');
  const { definition, pseudoAccuracy, sleep } = await import('./helpers.js');
  const log = (line: string): void => {
    if (spec.log) appendFileSync(spec.log, `${line}\n`);
  };
  const storage = await openStorage(spec.url);
  let def = definition(spec.study, spec.trials, 'random', { heartbeatSeconds: spec.heartbeatSeconds ?? 1, maxAttempts: spec.maxAttempts ?? 3 });
  let evaluate: Parameters<typeof runWorker>[2];
  if (spec.evaluator === 'proxy') {
    const { TensorDataset } = await import('../../src/data/index.js');
    const { proxyTrainingEvaluator } = await import('../../src/estimate/index.js');
    const { getSpace } = await import('../../src/spaces/index.js');
    const { manualSeed, rand, randint, setNumThreads } = await import('../../src/torch/index.js');
    setNumThreads(1);
    manualSeed(7);
    const train = new TensorDataset(rand([PROXY.examples, 1, 8, 8]).keep(), randint(0, 4, [PROXY.examples]).keep(), { numClasses: 4 });
    const space = getSpace('nas-bench-201');
    def = { ...def, space, config: { space: space.name, strategy: 'random', trials: spec.trials, evaluator: 'proxy' } };
    const proxy = proxyTrainingEvaluator({
      space,
      stack: { channels: 4, cellsPerStage: 1 } as object,
      train,
      valFraction: PROXY.valFraction,
      seed: 0,
      sliceSeconds: 1e-9,
      recipe: { epochs: PROXY.epochs, batchSize: PROXY.batchSize, optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 } },
    });
    evaluate = (ctx) =>
      proxy({
        ...ctx,
        progress: async (step) => {
          await ctx.progress(step);
          log(`progress ${ctx.trial.number} ${step} ${process.pid}`);
          if (spec.hold && ctx.trial.number === spec.hold.trial && step >= spec.hold.step) await new Promise(() => undefined);
        },
      });
  } else if (spec.evaluator === 'crash') {
    evaluate = async (ctx) => {
      const file = join(ctx.workdir, 'count.json');
      let step = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { step: number }).step : 0;
      log(`start ${ctx.trial.number} ${ctx.trial.key} ${process.pid}`);
      for (; step < 5; step++) {
        if (ctx.trial.number === spec.crashTrial && step === spec.crashAt) process.kill(process.pid, 'SIGKILL');
        writeFileSync(file, JSON.stringify({ step: step + 1 }));
        await ctx.progress(step + 1);
      }
      return { valAccuracy: pseudoAccuracy(ctx.trial.key) };
    };
  } else {
    evaluate = async (ctx) => {
      log(`start ${ctx.trial.number} ${ctx.trial.key} ${process.pid}`);
      await sleep(spec.sleepMs ?? 0);
      await ctx.report(0, { valAccuracy: 1 });
      return { valAccuracy: pseudoAccuracy(ctx.trial.key) };
    };
  }
  try {
    const summary = await runWorker(storage, def, evaluate, { worker: `w${process.pid}`, workdirRoot: spec.workdirRoot });
    process.stdout.write(`${JSON.stringify({ summary })}\n`);
  } finally {
    await storage.close().catch(() => undefined);
  }
}

const spec = process.env.NASFORGE_FAULT_CHILD;
if (spec) {
  main(JSON.parse(spec) as FaultSpec).catch((e: unknown) => {
    const err = e as { name?: string; code?: string; message?: string; stack?: string };
    process.stdout.write(`${JSON.stringify({ error: { name: err.name, code: err.code, message: err.message } })}\n`);
    process.stderr.write(`${err.stack ?? String(e)}\n`);
    process.exit(1);
  });
}
