// DARTS (Liu, Simonyan and Yang, ICLR 2019) as its released code runs it (cnn/train_search.py,
// cnn/architect.py): per training batch, first an architecture step on a validation batch
// (Adam, lr 3e-4, betas (0.5, 0.999), weight decay 1e-3; first order, or second order through
// one unrolled weight step), then a weight step on the training batch (SGD momentum 0.9, weight
// decay 3e-4, gradients clipped to norm 5, lr cosine-annealed per epoch from 0.025 to 0.001).
// The derived cell keeps each node's two strongest non-'none' inputs (supernets/cell/derive.ts).
import { Adam, SGD, clipGradNorm, cosine } from '../../optim/index.js';
import { Rng } from '../../util/index.js';
import { type Metrics } from '../../strategies/index.js';
import { F, type Tensor, backward, dispose, grad, noGrad, tidy } from '../../torch/index.js';
import {
  type OneShotContext,
  type OneShotMethod,
  type OneShotResult,
  OneShotError,
  batchFor,
  checkIntOption,
  checkRangeOption,
  readMethodOptions,
  runEpochs,
  searchLoader,
} from '../core/index.js';
import { CELL_SPACES, type CellSupernet, cellSearchResult, createCellSupernet, evaluateCellSupernet, softmaxWeights } from '../supernets/index.js';

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
  const o = readMethodOptions('darts', DARTS_DEFAULTS, ctx.options);
  checkIntOption('darts', 'epochs', o.epochs, 1);
  checkIntOption('darts', 'batchSize', o.batchSize, 1);
  if (o.order !== 1 && o.order !== 2)
    throw new OneShotError(`darts: option 'order' must be 1 (first order) or 2 (second order, through an unrolled step), got ${o.order}`, 'invalid-option');
  for (const k of ['lr', 'lrMin', 'weightDecay', 'gradClip', 'archLr', 'archWeightDecay'] as const) checkRangeOption('darts', k, o[k], 0);
  checkRangeOption('darts', 'momentum', o.momentum, 0, 1, true);
  checkIntOption('darts', 'evalBatches', o.evalBatches, 0);
  return o;
}

// The architect.
// DARTS' bilevel steps (cnn/architect.py and train_search.py of the released code): the
// architecture gradient on a validation batch, first order (∇α L_val(w, α)) or second order
// (through one unrolled weight step, with a finite-difference Hessian-vector product), and the
// weight step on a training batch.
//
// Unlike the released code, the unrolled model is not a copy: the weights are moved in place
// and restored (and so are the batch-norm running statistics the unrolled pass touches), and
// gradients are taken only with respect to what each term needs (torch.autograd.grad), so
// no weight gradients are computed for the α terms.

export interface StepStats {
  loss: number;
  correct: number;
  n: number;
}

/** The loss (and correct count) of a batch under softmax(α); `alphaGrad` keeps α in the graph. */
export function supernetLoss(model: CellSupernet, x: Tensor, y: Tensor, alphaGrad: boolean): { loss: Tensor; logits: Tensor } {
  const p = model.config.primitives;
  const logits = model.forward(x, softmaxWeights(model.alphasNormal, p, alphaGrad), softmaxWeights(model.alphasReduce, p, alphaGrad));
  return { loss: F.crossEntropy(logits, y), logits };
}

function stats(loss: Tensor, logits: Tensor, y: Tensor): StepStats {
  return noGrad(() => tidy(() => ({ loss: loss.item(), correct: logits.argmax(1).eq(y).sum().item(), n: y.shape[0]! })));
}

/** ∇α L_val(w, α), first order: [normal, reduce]. */
export function firstOrderArchGrad(model: CellSupernet, xv: Tensor, yv: Tensor): { grads: Tensor[]; stats: StepStats } {
  return tidy(() => {
    const { loss, logits } = supernetLoss(model, xv, yv, true);
    const grads = grad(loss, model.alphas()) as Tensor[];
    return { grads, stats: stats(loss, logits, yv) };
  });
}

export interface UnrollOptions {
  /** η: the weights' current learning rate */
  lr: number;
  /** the weight optimiser's momentum and weight decay (the unrolled step imitates it) */
  momentum: number;
  weightDecay: number;
  /** ε = r / ‖∇w' L_val‖ for the finite-difference Hessian-vector product (DARTS: 0.01) */
  r?: number;
}

/**
 * ∇α L_val(w', α) − η · ∇²α,w L_train(w, α) · ∇w' L_val(w', α), with
 * w' = w − η (momentum·m + ∇w L_train(w, α) + weightDecay·w) and the Hessian-vector product
 * from gradients at w ± ε v, ε = r / ‖v‖ (architect.py's _backward_step_unrolled).
 */
export function secondOrderArchGrad(
  model: CellSupernet,
  xt: Tensor,
  yt: Tensor,
  xv: Tensor,
  yv: Tensor,
  wOpt: SGD | null,
  o: UnrollOptions,
): { grads: Tensor[]; stats: StepStats } {
  return tidy(() => {
    const W = model.weights();
    const A = model.alphas();
    const eta = o.lr;
    const saved = noGrad(() => W.map((p) => p.clone()));
    const buffers = [...model.namedBuffers()].map(([, b]) => b);
    // 1. the unrolled weights w'
    const gTrain = tidy(() => grad(supernetLoss(model, xt, yt, false).loss, W, { allowUnused: true }));
    const moments = W.map((p) => wOpt?.stateOf(p)?.buffers.momentum_buffer ?? null);
    const useMomentum = moments.every((m) => m !== null); // the released code: all or none
    noGrad(() =>
      W.forEach((p, i) =>
        tidy(() => {
          let d = p.mul(o.weightDecay);
          const g = gTrain[i];
          if (g) d = d.add(g);
          if (useMomentum) d = d.add(moments[i]!, o.momentum);
          p.sub_(d, eta);
        }),
      ),
    );
    for (const g of gTrain) g?.dispose();
    // 2. ∇α and ∇w' of the validation loss at w' (the unrolled model's BN statistics are its own)
    const statsBefore = noGrad(() => buffers.map((b) => b.clone()));
    const val = supernetLoss(model, xv, yv, true);
    const all = grad(val.loss, [...A, ...W], { allowUnused: true });
    const st = stats(val.loss, val.logits, yv);
    noGrad(() => buffers.forEach((b, i) => b.copy_(statsBefore[i]!)));
    const dAlpha = all.slice(0, A.length) as Tensor[];
    const v = all.slice(A.length).map((g, i) => g ?? noGrad(() => W[i]!.mul(0)));
    // 3. the Hessian-vector product by central differences at w ± ε v
    const norm = noGrad(() =>
      F.stack(v.map((t) => t.norm()))
        .norm()
        .item(),
    );
    const eps = (o.r ?? 0.01) / norm;
    const alphaGradAt = (sign: number): Tensor[] => {
      noGrad(() => W.forEach((p, i) => p.copy_(saved[i]!).add_(v[i]!, sign * eps)));
      return tidy(() => grad(supernetLoss(model, xt, yt, true).loss, A) as Tensor[]);
    };
    const gPlus = alphaGradAt(1);
    const gMinus = alphaGradAt(-1);
    noGrad(() => W.forEach((p, i) => p.copy_(saved[i]!)));
    const grads = noGrad(() => dAlpha.map((g, i) => g.sub(gPlus[i]!.sub(gMinus[i]!), eta / (2 * eps))));
    return { grads, stats: st };
  });
}

/** Set α's gradients and take one step of the architecture optimiser. */
export function applyArchGrads(model: CellSupernet, grads: readonly Tensor[], step: () => void): void {
  model.alphas().forEach((a, i) => {
    a.grad = grads[i]!;
  });
  step();
  for (const a of model.alphas()) a.grad = null;
}

/** One weight step on a training batch: SGD on ∇w L_train(w, α) (α fixed), gradients clipped. */
export function weightStep(model: CellSupernet, x: Tensor, y: Tensor, wOpt: SGD, gradClip: number): StepStats {
  return tidy(() => {
    const W = model.weights();
    wOpt.zeroGrad();
    const { loss, logits } = supernetLoss(model, x, y, false);
    backward([loss], undefined, { inputs: W });
    const st = stats(loss, logits, y);
    if (gradClip > 0) clipGradNorm(W, gradClip);
    wOpt.step();
    return st;
  });
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
      method: 'darts',
      ctx,
      epochs: o.epochs,
      rng: new Rng(ctx.seed),
      extra: null,
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
            const arch =
              o.order === 2
                ? secondOrderArchGrad(model, t.x, t.y, v.x, v.y, wOpt, { lr, momentum: o.momentum, weightDecay: o.weightDecay })
                : firstOrderArchGrad(model, v.x, v.y);
            applyArchGrads(model, arch.grads, () => aOpt.step());
            dispose(arch.grads);
            const st = weightStep(model, t.x, t.y, wOpt, o.gradClip);
            if (!Number.isFinite(st.loss))
              throw new OneShotError(`darts: the training loss became ${st.loss} at epoch ${e}, step ${b}; lower lr or check the data`, 'nonfinite-loss');
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
        const ev = evaluateCellSupernet(model, val, o.evalBatches, () => ({
          normal: softmaxWeights(model.alphasNormal, p, false),
          reduce: softmaxWeights(model.alphasReduce, p, false),
        }));
        return {
          // accuracies in percent, as the study's
          trainLoss: sum.loss / sum.n,
          trainAccuracy: (100 * sum.correct) / sum.n,
          archLoss: sum.archLoss / sum.n,
          archAccuracy: (100 * sum.archCorrect) / sum.n,
          valLoss: ev.loss,
          valAccuracy: 100 * ev.top1,
          lr,
          epochSeconds: seconds,
          stepMs: (seconds * 1000) / train.length,
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
