// DARTS (Liu, Simonyan and Yang, ICLR 2019) as its released code runs it (cnn/train_search.py,
// cnn/architect.py): per training batch, first an architecture step on a validation batch
// (Adam, lr 3e-4, betas (0.5, 0.999), weight decay 1e-3; first order, or second order through
// one unrolled weight step), then a weight step on the training batch (SGD momentum 0.9, weight
// decay 3e-4, gradients clipped to norm 5, lr cosine-annealed per epoch from 0.025 to 0.001).
// The derived cell keeps each node's two strongest non-'none' inputs (supernet-derive.ts).
import { Adam, SGD, cosine } from '../optim/index.js';
import { Rng } from '../util/index.js';
import { type Metrics } from '../strategies/index.js';
import { dispose } from '../torch/index.js';
import { type OneShotContext, type OneShotMethod, type OneShotResult } from './method.js';
import { searchLoader, batchFor } from './oneshot-data.js';
import { OneShotError } from './oneshot-errors.js';
import { runEpochs } from './oneshot-loop.js';
import { checkIntOption, checkRangeOption, resolveMethodOptions } from './oneshot-options.js';
import { softmaxWeights } from './supernet.js';
import { CELL_SPACES, cellSearchResult, createCellSupernet, evaluateCellSupernet } from './supernet-search.js';
import { applyArchGrads, firstOrderArchGrad, secondOrderArchGrad, weightStep } from './darts-architect.js';

export const DARTS_DEFAULTS = {
  epochs: 50,
  batchSize: 64,
  /** 1: first order (∇α L_val at w); 2: through one unrolled weight step (`--unrolled`) */
  order: 1,
  lr: 0.025,
  lrMin: 0.001,
  momentum: 0.9,
  weightDecay: 3e-4,
  gradClip: 5,
  archLr: 3e-4,
  archWeightDecay: 1e-3,
  /** validation batches the per-epoch report evaluates (0: the whole validation split) */
  evalBatches: 0,
};

export type DartsOptions = typeof DARTS_DEFAULTS;

function options(ctx: OneShotContext): DartsOptions {
  const o = resolveMethodOptions('darts', DARTS_DEFAULTS, ctx.options);
  checkIntOption('darts', 'epochs', o.epochs, 1);
  checkIntOption('darts', 'batchSize', o.batchSize, 1);
  if (o.order !== 1 && o.order !== 2) throw new OneShotError(`darts: option 'order' must be 1 (first order) or 2 (second order, through an unrolled step), got ${o.order}`, 'invalid-option');
  for (const k of ['lr', 'lrMin', 'weightDecay', 'gradClip', 'archLr', 'archWeightDecay'] as const) checkRangeOption('darts', k, o[k], 0);
  checkRangeOption('darts', 'momentum', o.momentum, 0, 1, true);
  checkIntOption('darts', 'evalBatches', o.evalBatches, 0);
  return o;
}

async function run(ctx: OneShotContext): Promise<OneShotResult> {
  const o = options(ctx);
  const model = createCellSupernet('darts', ctx, { poolBN: true, lastAct: false });
  const wOpt = new SGD(model.weights(), { lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay });
  const aOpt = new Adam(model.alphas(), { lr: o.archLr, betas: [0.5, 0.999], weightDecay: o.archWeightDecay });
  const lrAt = cosine({ total: o.epochs, etaMin: o.lrMin });
  const train = searchLoader(ctx.train, o.batchSize, ctx.seed);
  const val = searchLoader(ctx.val, o.batchSize, ctx.seed + 1);
  const inC = model.config.inputChannels;
  const p = model.config.primitives;
  try {
    const loop = runEpochs({
      method: 'darts', ctx, epochs: o.epochs, rng: new Rng(ctx.seed), extra: null,
      ck: { model, arch: { alphas_normal: model.alphasNormal, alphas_reduce: model.alphasReduce }, optimizers: { weights: wOpt, arch: aOpt } },
      epoch: (e): Metrics | null => {
        const lr = lrAt(e, o.lr);
        wOpt.groups[0]!.lr = lr;
        const sum = { loss: 0, correct: 0, n: 0, archLoss: 0, archCorrect: 0 };
        const started = Date.now();
        for (let b = 0; b < train.length; b++) {
          const t = batchFor(train, e, b, inC);
          // a validation batch per step, marching through the validation split across epochs
          const v = batchFor(val, 0, e * train.length + b, inC);
          try {
            const arch = o.order === 2
              ? secondOrderArchGrad(model, t.x, t.y, v.x, v.y, wOpt, { lr, momentum: o.momentum, weightDecay: o.weightDecay })
              : firstOrderArchGrad(model, v.x, v.y);
            applyArchGrads(model, arch.grads, () => aOpt.step());
            dispose(arch.grads);
            const st = weightStep(model, t.x, t.y, wOpt, o.gradClip);
            if (!Number.isFinite(st.loss)) throw new OneShotError(`darts: the training loss became ${st.loss} at epoch ${e}, step ${b}; lower lr or check the data`, 'nonfinite-loss');
            sum.loss += st.loss * st.n;
            sum.correct += st.correct;
            sum.n += st.n;
            sum.archLoss += arch.stats.loss * arch.stats.n;
            sum.archCorrect += arch.stats.correct;
          } finally {
            dispose([t, v]);
          }
          if (ctx.signal?.aborted) return null;
        }
        const seconds = (Date.now() - started) / 1000;
        const ev = evaluateCellSupernet(model, val, o.evalBatches, () => ({ normal: softmaxWeights(model.alphasNormal, p, false), reduce: softmaxWeights(model.alphasReduce, p, false) }));
        return {
          // accuracies in percent, as the study's
          trainLoss: sum.loss / sum.n, trainAccuracy: (100 * sum.correct) / sum.n, archLoss: sum.archLoss / sum.n, archAccuracy: (100 * sum.archCorrect) / sum.n,
          valLoss: ev.loss, valAccuracy: 100 * ev.top1, lr, epochSeconds: seconds, stepMs: (seconds * 1000) / train.length,
        };
      },
    });
    return cellSearchResult(ctx, model, loop);
  } finally {
    wOpt.dispose();
    aOpt.dispose();
    model.dispose();
  }
}

export const dartsMethod: OneShotMethod = {
  name: 'darts',
  description: 'DARTS (Liu et al., ICLR 2019): softmax-relaxed cell supernet, bilevel first- or second-order optimisation, top-2 derivation',
  defaults: DARTS_DEFAULTS,
  spaces: CELL_SPACES,
  run,
};
