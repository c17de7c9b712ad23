// fit(): train a classifier with a recipe, resumable from checkpoints at any step; a diverged
// loss (divergence.ts) stops it with TrainError('diverged').
import { type Dataset, DataLoader, type Transform, compose, cutout, randomCrop, randomHorizontalFlip } from '../data/index.js';
import { type Module } from '../nn/index.js';
import { Scheduler, clipGradNorm } from '../optim/index.js';
import { F, type Tensor, dispose, manualSeed, tidy } from '../torch/index.js';
import { makeOptimizer, makeSchedule } from './build.js';
import { type EpochRecord, type TrainerCounters, hasCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { DIVERGENCE_FACTOR, divergence, lossReference } from './divergence.js';
import { TrainError } from './errors.js';
import { type EvalMetrics, evaluate } from './evaluate.js';
import { type ClassifierOutput, auxLogitsOf, hasDropPath, logitsOf, trainingOutput } from './model.js';
import { type ProgressSink, silentProgress } from './progress.js';
import { type Recipe } from './recipe.js';

export type Classifier = Module & { forward(x: Tensor): ClassifierOutput };

export interface FitOptions {
  recipe: Recipe;
  train: Dataset;
  /** evaluated after every epoch when given */
  val?: Dataset;
  /** applied to every batch before augmentation-independent steps (e.g. Normalize) */
  normalize?: Transform;
  /** where checkpoints go; an existing checkpoint there is resumed */
  checkpointDir?: string;
  /** also checkpoint every this many steps (default: only at epoch ends) */
  checkpointEverySteps?: number;
  progress?: ProgressSink;
  /** stop cleanly (with a checkpoint) when aborted, e.g. on SIGINT */
  signal?: AbortSignal;
  onEpoch?: (r: EpochRecord) => void;
}

export interface FitResult {
  history: EpochRecord[];
  steps: number;
  seconds: number;
  /** true when the time budget or the signal ended training before the last epoch */
  stoppedEarly: boolean;
  resumed: boolean;
  val?: EvalMetrics;
}

/** The training-time augmentation a recipe asks for (DARTS' order: crop, flip, normalise, cutout). */
export function trainTransform(recipe: Recipe, sampleShape: readonly number[], normalize?: Transform): Transform | undefined {
  const parts: Transform[] = [];
  const hw = [sampleShape[1] ?? 0, sampleShape[2] ?? 0] as [number, number];
  if (recipe.cropPadding > 0) parts.push(randomCrop(hw, recipe.cropPadding));
  if (recipe.horizontalFlip) parts.push(randomHorizontalFlip());
  if (normalize) parts.push(normalize);
  if (recipe.cutout > 0) parts.push(cutout(recipe.cutout));
  return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : compose(...parts);
}

export function fit(model: Classifier, o: FitOptions): FitResult {
  const r = o.recipe;
  const progress = o.progress ?? silentProgress;
  const loader = new DataLoader(o.train, {
    batchSize: r.batchSize,
    shuffle: true,
    seed: r.seed,
    dropLast: o.train.length > r.batchSize,
    transform: trainTransform(r, o.train.sampleShape, o.normalize),
  });
  const valLoader = o.val ? new DataLoader(o.val, { batchSize: Math.max(r.batchSize, 256), shuffle: false, transform: o.normalize }) : undefined;
  const opt = makeOptimizer(model.parameters(), r.optimizer);
  const scheduler = new Scheduler(opt, makeSchedule(r.schedule, r.epochs));
  const perEpoch = loader.length;
  const total = perEpoch * r.epochs;
  let counters: TrainerCounters & { run?: { loss: number; correct: number; seen: number } } = { step: 0, elapsedSec: 0, history: [] };
  let resumed = false;
  if (o.checkpointDir && hasCheckpoint(o.checkpointDir)) {
    const ck = loadCheckpoint(o.checkpointDir, model, opt);
    loader.loadState(ck.loader);
    counters = ck.counters;
    resumed = true;
  } else {
    manualSeed(r.seed);
  }
  const run = counters.run ?? { loss: 0, correct: 0, seen: 0 };
  const started = Date.now() - counters.elapsedSec * 1000;
  const elapsed = (): number => (Date.now() - started) / 1000;
  const checkpoint = (): void => {
    if (!o.checkpointDir) return;
    counters.elapsedSec = elapsed();
    saveCheckpoint(o.checkpointDir, model, opt, loader.state(), { ...counters, run: { ...run } } as TrainerCounters);
  };
  let stoppedEarly = false;
  model.train();
  try {
    while (loader.epoch < r.epochs && !stoppedEarly) {
      const epoch = loader.epoch;
      const epochStart = Date.now();
      let lr = 0;
      for (const batch of loader) {
        const t = counters.step / perEpoch;
        lr = scheduler.at(t)[0]!;
        if (hasDropPath(model)) model.dropPathProb = (r.dropPath * counters.step) / total; // ScheduledDropPath
        const n = batch.y.shape[0]!;
        const { loss, correct } = trainStep(model, batch.x, batch.y, r, opt);
        dispose(batch);
        counters.lossReference ??= lossReference(loss, o.train.numClasses);
        const why = divergence(loss, counters.lossReference);
        if (why) {
          const at = `at epoch ${epoch + 1}/${r.epochs}, step ${counters.step + 1} (${perEpoch} per epoch)`;
          const what =
            why === 'non-finite'
              ? `the training loss became ${loss} ${at}`
              : `the training loss diverged ${at}: ${loss.toPrecision(3)}, above ${DIVERGENCE_FACTOR} × its reference ${counters.lossReference.toPrecision(3)} (the first step's loss or ln(${o.train.numClasses} classes), whichever is larger)`;
          throw new TrainError(
            `${what}. Lower the learning rate (optimizer.lr: ${r.optimizer.lr}, ${lr.toPrecision(3)} at this step) tenfold or more, clip the gradient norm (gradClip, e.g. 5; now ${r.gradClip || 'off'}), or check the data`,
            'diverged',
          );
        }
        run.loss += loss * n;
        run.correct += correct;
        run.seen += n;
        counters.step++;
        progress.update(
          loader.position === 0 ? perEpoch : loader.position,
          perEpoch,
          `epoch ${epoch + 1}/${r.epochs} loss ${(run.loss / run.seen).toFixed(4)} acc ${((run.correct / run.seen) * 100).toFixed(2)}%`,
        );
        const outOfTime = r.timeBudgetSec > 0 && elapsed() >= r.timeBudgetSec;
        if (outOfTime || o.signal?.aborted) {
          stoppedEarly = true;
          break;
        }
        if (o.checkpointEverySteps && counters.step % o.checkpointEverySteps === 0) checkpoint();
      }
      if (stoppedEarly && loader.epoch === epoch) break; // mid-epoch stop: no epoch record
      const rec: EpochRecord = {
        epoch,
        trainLoss: run.loss / Math.max(run.seen, 1),
        trainTop1: run.correct / Math.max(run.seen, 1),
        lr,
        seconds: (Date.now() - epochStart) / 1000,
      };
      if (valLoader) {
        const v = evaluate(model, valLoader);
        rec.valTop1 = v.top1;
        rec.valLoss = v.loss;
      }
      counters.history.push(rec);
      run.loss = 0;
      run.correct = 0;
      run.seen = 0;
      progress.done(
        `epoch ${epoch + 1}/${r.epochs} loss ${rec.trainLoss.toFixed(4)} train ${(rec.trainTop1 * 100).toFixed(2)}%${rec.valTop1 !== undefined ? ` val ${(rec.valTop1 * 100).toFixed(2)}%` : ''} ${rec.seconds.toFixed(1)}s`,
      );
      o.onEpoch?.(rec);
      checkpoint();
    }
    if (stoppedEarly) checkpoint();
  } finally {
    opt.dispose();
  }
  const result: FitResult = { history: counters.history, steps: counters.step, seconds: elapsed(), stoppedEarly, resumed };
  const lastVal = counters.history[counters.history.length - 1];
  if (lastVal?.valTop1 !== undefined) result.val = { loss: lastVal.valLoss!, top1: lastVal.valTop1, top5: NaN, examples: o.val!.length };
  return result;
}

/** One optimisation step; returns the batch's mean loss and the number of correct top-1 predictions. */
export function trainStep(model: Classifier, x: Tensor, y: Tensor, r: Recipe, opt: ReturnType<typeof makeOptimizer>): { loss: number; correct: number } {
  return tidy(() => {
    const out = trainingOutput(model, x, r.auxiliaryWeight);
    const logits = logitsOf(out);
    let loss = F.crossEntropy(logits, y, { labelSmoothing: r.labelSmoothing });
    const aux = auxLogitsOf(out);
    if (aux && r.auxiliaryWeight > 0) loss = loss.add(F.crossEntropy(aux, y, { labelSmoothing: r.labelSmoothing }).mul(r.auxiliaryWeight));
    opt.zeroGrad();
    loss.backward();
    if (r.gradClip > 0) clipGradNorm(model.parameters(), r.gradClip);
    opt.step();
    const correct = logits.argmax(1).eq(y).sum().item();
    return { loss: loss.item(), correct };
  });
}
