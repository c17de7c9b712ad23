// Evaluators a study runs on each candidate: proxy training (a short recipe on a small stack,
// scored on a held-out share of the training data, never the test set) and tabular lookup
// (with an optional simulated training time). Both honour the trial's abort signal; proxy
// training checkpoints into the trial's workdir, so an interrupted or killed trial resumes.
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Batch, type Dataset, type Transform, compose, trainValSplit } from '../data/index.js';
import { type Rng } from '../util/index.js';
import { type AnySearchSpace, type Genotype, type Stack } from '../spaces/index.js';
import { type Metrics } from '../strategies/index.js';
import { type TableEvaluatorOptions, type TabularBenchmark, tableEvaluator } from '../tabular/index.js';
import { manualSeed, tidy } from '../torch/index.js';
import { type Classifier, type FitResult, type ProgressSink, type Recipe, fit, resolveRecipe, silentProgress } from '../train/index.js';
import { estimateCost } from './cost.js';

/** What an evaluator is given for one candidate (a study's trial context satisfies it). */
export interface EvalContext {
  readonly genotype: Genotype;
  /** aborted on SIGINT: the evaluator checkpoints and throws (the study re-queues the trial) */
  readonly signal: AbortSignal;
  /** this candidate's own directory, kept across attempts */
  readonly workdir: string;
  report(step: number, metrics: Metrics): Promise<void>;
  artifact(name: string, path: string): Promise<void>;
  /** told the work a checkpoint just saved keeps (optimiser steps): a study tells a killed worker's resumable trial from one that crashes */
  progress?(step: number): Promise<void>;
  /** a multi-fidelity promotion: the workdir of the trial that trained this genotype in the rung below (may not exist here) */
  readonly parentWorkdir?: string | null;
}

export type GenotypeEvaluator = (ctx: EvalContext) => Promise<Metrics>;

/** Thrown when the signal stops an evaluation; the checkpoint to resume from is in the workdir. */
export class EvaluationInterrupted extends Error {
  constructor(message = 'interrupted; resumes from its checkpoint') {
    super(message);
    this.name = 'AbortError';
  }
}

/** Lets timers (heartbeats) and signal handlers run between synchronous stretches of work. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** Repeats a one-channel image batch over `channels` channels (grey data on an RGB stem). */
function repeatChannels(channels: number): Transform {
  return {
    kind: 'repeat-channels',
    apply: (b: Batch, _rng: Rng): Batch => ({ ...b, x: tidy(() => b.x.repeat([1, channels, 1, 1])) }),
  };
}

/**
 * The per-batch transform that feeds `space`'s stem: the data set's normalisation, then a grey
 * channel repeated to the stem's channels (Fashion-MNIST on the RGB stems of the cell spaces).
 */
export function stemTransform(space: AnySearchSpace, sampleShape: readonly number[], normalize?: Transform): Transform | undefined {
  const c = sampleShape[0]!;
  const want = space.defaultInput.channels;
  if (c !== want && c !== 1) {
    throw new Error(`the space '${space.name}' takes ${want}-channel images and the data has ${c} channels; use data with ${want} channels`);
  }
  const toInput = c === want ? undefined : repeatChannels(want);
  return normalize && toInput ? compose(normalize, toInput) : (normalize ?? toInput);
}

/** `stack` with the space's `classes` field (where it has one) set to the data's class count. */
export function withClasses(space: AnySearchSpace, stack: Partial<Stack>, classes: number): Partial<Stack> {
  return 'classes' in space.defaultStack ? { ...stack, classes } : { ...stack };
}

export interface ProxyTrainingOptions {
  readonly space: AnySearchSpace;
  /** the search stack (classes are set from the data) */
  readonly stack: Partial<Stack>;
  /** the training examples to use; `valFraction` of them are held out for validation */
  readonly train: Dataset;
  readonly valFraction: number;
  /** per-batch normalisation of the data set */
  readonly normalize?: Transform;
  /** the short recipe (epochs, batch size, lr, ...) over the trainer's defaults */
  readonly recipe: Partial<Recipe>;
  /** seeds the split, the weight initialisation and the data order (the same for every candidate) */
  readonly seed: number;
  /**
   * Training runs in stretches of about this many seconds (checkpointed), with the event loop
   * free in between so heartbeats and SIGINT get through (default 2).
   */
  readonly sliceSeconds?: number;
  readonly progress?: ProgressSink;
  /**
   * A promoted trial (ctx.parentWorkdir) without a checkpoint of its own starts from its
   * parent's: it trains only the epochs the parent did not, with the weights, optimiser state and
   * data order the parent ended with, and the learning rate where the longer cosine schedule is
   * at that epoch. A parent trained on another machine has no checkpoint here: from scratch.
   */
  readonly warmStart?: boolean;
}

/**
 * Trains each candidate with a short recipe and reports `valAccuracy` (percent), `valLoss`,
 * `params`, `macs` (on one input image) and `trainSeconds`; the per-epoch validation values
 * go to `ctx.report`, the trained weights to `<workdir>/weights.safetensors` (artifact `weights`).
 */
export function proxyTrainingEvaluator(o: ProxyTrainingOptions): GenotypeEvaluator {
  const { space } = o;
  const recipe = resolveRecipe({ ...o.recipe, seed: o.seed });
  const split = trainValSplit(o.train, { valFraction: o.valFraction, seed: o.seed });
  const [, h, w] = o.train.sampleShape as [number, number, number];
  const want = space.defaultInput.channels;
  const normalize = stemTransform(space, o.train.sampleShape, o.normalize);
  const stack = withClasses(space, o.stack, o.train.numClasses);
  const input = { size: Math.max(h, w), channels: want };
  const slice = o.sliceSeconds ?? 2;

  return async (ctx) => {
    if (ctx.signal.aborted) throw new EvaluationInterrupted();
    const g = space.validate(ctx.genotype);
    manualSeed(o.seed);
    const model = space.build(g, stack) as unknown as Classifier;
    try {
      const checkpointDir = join(ctx.workdir, 'checkpoint');
      if (o.warmStart && ctx.parentWorkdir) startFromParent(checkpointDir, join(ctx.parentWorkdir, 'checkpoint'));
      let result: FitResult;
      let trained = 0;
      // the epochs to report: those of the checkpoint's history this trial trained itself (a
      // warm start's inherited epochs are its parent's), again after a kill, which may have come
      // between an epoch's checkpoint and its report
      let reported = inheritedEpochs(checkpointDir);
      for (;;) {
        result = fit(model, {
          recipe: { ...recipe, timeBudgetSec: trained + slice },
          train: split.train,
          val: split.val,
          normalize,
          checkpointDir,
          progress: o.progress ?? silentProgress,
        });
        trained = result.seconds;
        for (const r of result.history.slice(reported)) {
          await ctx.report(r.epoch + 1, {
            valAccuracy: 100 * (r.valTop1 ?? NaN),
            valLoss: r.valLoss ?? NaN,
            trainLoss: r.trainLoss,
            trainAccuracy: 100 * r.trainTop1,
          });
        }
        reported = result.history.length;
        await ctx.progress?.(result.steps);
        if (!result.stoppedEarly) break;
        await yieldToEventLoop();
        if (ctx.signal.aborted) throw new EvaluationInterrupted();
      }
      const weights = join(ctx.workdir, 'weights.safetensors');
      model.save(weights, { space: space.name, key: space.key(g) });
      await ctx.artifact('weights', weights);
      const val = result.val;
      if (!val) throw new Error('training ended without a validation result');
      const cost = estimateCost(space, g, { stack, input });
      return { valAccuracy: 100 * val.top1, valLoss: val.loss, params: cost.params, macs: cost.macs, trainSeconds: result.seconds };
    } finally {
      model.dispose();
    }
  };
}

const INHERITED = 'inherited.json';

/** Copies the parent's checkpoint unless this trial has one, recording how many epochs it holds. */
function startFromParent(own: string, parent: string): void {
  if (existsSync(join(own, 'trainer.json')) || !existsSync(join(parent, 'trainer.json'))) return;
  cpSync(parent, own, { recursive: true });
  const epochs = (JSON.parse(readFileSync(join(own, 'trainer.json'), 'utf8')) as { counters: { history: unknown[] } }).counters.history.length;
  writeFileSync(join(own, INHERITED), JSON.stringify({ epochs }));
}

function inheritedEpochs(checkpointDir: string): number {
  try {
    return (JSON.parse(readFileSync(join(checkpointDir, INHERITED), 'utf8')) as { epochs: number }).epochs;
  } catch {
    return 0;
  }
}

export interface TabularEvaluatorOptions extends TableEvaluatorOptions {
  /** each lookup waits this many seconds first, standing in for training (benchmarks, tests) */
  readonly simulatedSeconds?: number;
}

/** Looks each candidate up in `table` (see tableEvaluator), after the simulated training time. */
export function tabularEvaluator(table: TabularBenchmark, o: TabularEvaluatorOptions = {}): GenotypeEvaluator {
  const look = tableEvaluator(table, o);
  const wait = (o.simulatedSeconds ?? 0) * 1000;
  return async (ctx) => {
    if (ctx.signal.aborted) throw new EvaluationInterrupted('interrupted before its lookup');
    if (wait > 0) {
      await new Promise<void>((done, fail) => {
        const timer = setTimeout(() => {
          ctx.signal.removeEventListener('abort', stop);
          done();
        }, wait);
        const stop = (): void => {
          clearTimeout(timer);
          fail(new EvaluationInterrupted('interrupted before its lookup'));
        };
        ctx.signal.addEventListener('abort', stop, { once: true });
      });
    }
    if (ctx.signal.aborted) throw new EvaluationInterrupted('interrupted before its lookup');
    return look(ctx.genotype);
  };
}
