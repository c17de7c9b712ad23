// GDAS (Dong and Yang, "Searching for a Robust Neural Architecture in Four GPU Hours", CVPR
// 2019), following its authors' released NASNet-space search (AutoDL-Projects:
// exps/NAS-Bench-201-algos/GDAS.py with configs/search-opts/GDAS-NASNet-CIFAR.config and
// models/cell_searchs/search_model_gdas_nasnet.py). Per step: a weight step on a training batch
// and an architecture step on a validation batch, each with its own hard Gumbel-softmax sample
// (one op per edge, only that op computed); τ falls linearly from 10 to 0.1 over the epochs.
// Weights: SGD Nesterov momentum 0.9, weight decay 5e-4, lr cosine from 0.025 to 0.001
// (per step), gradients clipped to norm 5; α: Adam lr 3e-4, betas (0.5, 0.999), decay 1e-3.
//
// As that code: both cells are searched (the paper's GDAS-FRC variant with a fixed reduction
// cell is not built), the ops are DARTS' 8 with affine-free batch norms and no BN after pools,
// and BN+ReLU precede the global pooling. Differences: its convs before affine-free BNs carry
// a bias, which batch-statistics normalisation cancels exactly, so ours have none; its
// clipping norm also counts α's stale gradients, ours only the weights'; the genotype is
// derived by DARTS' rule (two distinct inputs per node, as the `darts` space requires) rather
// than the two strongest (op, input) pairs; its macro layout is 3N cells with reductions after
// N and 2N, which equals ours (reductions at cells/3 and 2·cells/3) whenever cells = 3N.
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
import { CELL_SPACES, type CellSupernet, type EdgeWeights, cellSearchResult, createCellSupernet, evaluateCellSupernet } from '../supernets/index.js';

export const GDAS_DEFAULTS = {
  epochs: 250,
  batchSize: 64,
  lr: 0.025,
  lrMin: 0.001,
  momentum: 0.9,
  nesterov: true,
  weightDecay: 5e-4,
  gradClip: 5,
  archLr: 3e-4,
  archWeightDecay: 1e-3,
  tauMax: 10,
  tauMin: 0.1,
  /** validation batches the per-epoch report evaluates (0: the whole validation split) */
  evalBatches: 0,
};

export type GdasOptions = typeof GDAS_DEFAULTS;

function options(ctx: OneShotContext): GdasOptions {
  const o = readMethodOptions('gdas', GDAS_DEFAULTS, ctx.options);
  checkIntOption('gdas', 'epochs', o.epochs, 1);
  checkIntOption('gdas', 'batchSize', o.batchSize, 1);
  for (const k of ['lr', 'lrMin', 'weightDecay', 'gradClip', 'archLr', 'archWeightDecay'] as const) checkRangeOption('gdas', k, o[k], 0);
  checkRangeOption('gdas', 'momentum', o.momentum, 0, 1, true);
  checkRangeOption('gdas', 'tauMin', o.tauMin, Number.MIN_VALUE);
  checkRangeOption('gdas', 'tauMax', o.tauMax, o.tauMin);
  checkIntOption('gdas', 'evalBatches', o.evalBatches, 0);
  return o;
}

// The sampling.
// GDAS' differentiable sampling (Dong and Yang, CVPR 2019; get_gumbel_prob in AutoDL-Projects'
// search_model_gdas_nasnet.py): per edge, one op drawn by Gumbel-max from softmax(α) at
// temperature τ, weighted by the straight-through "hard" sample (value one-hot, gradient of the
// Gumbel-softmax), so only the drawn op runs forward and α still receives a gradient.

export interface GumbelSample {
  weights: EdgeWeights;
  /** the op drawn on each edge */
  index: number[];
}

/**
 * One hard Gumbel-softmax sample per row of α, from libtorch's generator (seeded). The
 * released code adds the noise to log_softmax(α); softmax is shift-invariant per row, so
 * adding it to α gives the same sample and gradient.
 */
export function gumbelEdgeWeights(alpha: Tensor, tau: number): GumbelSample {
  const { soft, sample, index } = F.gumbelSoftmax(alpha, tau, true, -1);
  const idx = index.toArray();
  const weights = idx.map((k, e) => {
    const row = sample.select(0, e);
    const w = row.select(0, k);
    row.dispose();
    return [{ op: k, weight: w }];
  });
  for (const t of [soft, sample, index]) t.dispose();
  return { weights, index: idx };
}

/** τ of epoch `e` of `epochs`: linear from tauMax (first epoch) to tauMin (last), as the released search script. */
export function gdasTau(e: number, epochs: number, tauMax: number, tauMin: number): number {
  return epochs > 1 ? tauMax - ((tauMax - tauMin) * e) / (epochs - 1) : tauMax;
}

export interface GdasStats {
  loss: number;
  correct: number;
  n: number;
}

/** Logits under a fresh sample of both cells at temperature τ. */
export function gdasForward(model: CellSupernet, x: Tensor, tau: number): Tensor {
  const normal = gumbelEdgeWeights(model.alphasNormal, tau);
  const reduce = gumbelEdgeWeights(model.alphasReduce, tau);
  return model.forward(x, normal.weights, reduce.weights);
}

function stats(loss: Tensor, logits: Tensor, y: Tensor): GdasStats {
  return noGrad(() => tidy(() => ({ loss: loss.item(), correct: logits.argmax(1).eq(y).sum().item(), n: y.shape[0]! })));
}

/** One GDAS step: weights on (xt, yt), then α on (xv, yv), each under its own sample. */
export function gdasStep(
  model: CellSupernet,
  xt: Tensor,
  yt: Tensor,
  xv: Tensor,
  yv: Tensor,
  tau: number,
  wOpt: SGD,
  aOpt: Adam,
  gradClip: number,
): { weights: GdasStats; arch: GdasStats } {
  const W = model.weights();
  const weights = tidy(() => {
    wOpt.zeroGrad();
    // α is not trained here: sample without its graph
    const logits = gdasForwardNoArch(model, xt, tau);
    const loss = F.crossEntropy(logits, yt);
    backward([loss], undefined, { inputs: W });
    if (gradClip > 0) clipGradNorm(W, gradClip);
    wOpt.step();
    return stats(loss, logits, yt);
  });
  const arch = tidy(() => {
    const logits = gdasForward(model, xv, tau);
    const loss = F.crossEntropy(logits, yv);
    const g = grad(loss, model.alphas()) as Tensor[];
    model.alphas().forEach((a, i) => {
      a.grad = g[i]!;
    });
    aOpt.step();
    for (const a of model.alphas()) a.grad = null;
    return stats(loss, logits, yv);
  });
  return { weights, arch };
}

/** A sample whose weights are constants (the weight step): same draw, no path to α. */
function gdasForwardNoArch(model: CellSupernet, x: Tensor, tau: number): Tensor {
  const [normal, reduce] = noGrad(() => [gumbelEdgeWeights(model.alphasNormal, tau), gumbelEdgeWeights(model.alphasReduce, tau)]);
  return model.forward(x, normal!.weights, reduce!.weights);
}

async function run(ctx: OneShotContext): Promise<OneShotResult> {
  const o = options(ctx);
  const model = createCellSupernet('gdas', ctx, { poolBN: false, lastAct: true });
  const wOpt = new SGD(model.weights(), { lr: o.lr, momentum: o.momentum, nesterov: o.nesterov, weightDecay: o.weightDecay });
  const aOpt = new Adam(model.alphas(), { lr: o.archLr, betas: [0.5, 0.999], weightDecay: o.archWeightDecay });
  const lrAt = cosine({ total: o.epochs, etaMin: o.lrMin });
  const train = searchLoader(ctx.train, o.batchSize, ctx.seed);
  const val = searchLoader(ctx.val, o.batchSize, ctx.seed + 1);
  const inC = model.config.inputChannels;
  try {
    const loop = runEpochs({
      method: 'gdas',
      ctx,
      epochs: o.epochs,
      rng: new Rng(ctx.seed),
      extra: null,
      ck: {
        model,
        arch: { arch_normal_parameters: model.alphasNormal, arch_reduce_parameters: model.alphasReduce },
        optimizers: { weights: wOpt, arch: aOpt },
      },
      epoch: (e): Metrics | null => {
        const tau = gdasTau(e, o.epochs, o.tauMax, o.tauMin);
        const sum = { loss: 0, correct: 0, n: 0, archLoss: 0, archCorrect: 0, archN: 0 };
        const started = Date.now();
        for (let b = 0; b < train.length; b++) {
          wOpt.groups[0]!.lr = lrAt(e + b / train.length, o.lr);
          const t = batchFor(train, e, b, inC);
          const v = batchFor(val, 0, e * train.length + b, inC);
          try {
            const st = gdasStep(model, t.x, t.y, v.x, v.y, tau, wOpt, aOpt, o.gradClip);
            if (!Number.isFinite(st.weights.loss)) {
              throw new OneShotError(
                `gdas: the training loss became ${st.weights.loss} at epoch ${e}, step ${b}; lower lr or check the data`,
                'nonfinite-loss',
              );
            }
            sum.loss += st.weights.loss * st.weights.n;
            sum.correct += st.weights.correct;
            sum.n += st.weights.n;
            sum.archLoss += st.arch.loss * st.arch.n;
            sum.archCorrect += st.arch.correct;
            sum.archN += st.arch.n;
          } finally {
            dispose([t, v]);
          }
          if (ctx.signal?.aborted) return null;
        }
        const seconds = (Date.now() - started) / 1000;
        // as the released valid_func: the eval-mode supernet under a fresh sample
        const ev = evaluateCellSupernet(model, val, o.evalBatches, () => {
          const [n, r] = [gumbelEdgeWeights(model.alphasNormal, tau), gumbelEdgeWeights(model.alphasReduce, tau)];
          return { normal: n.weights, reduce: r.weights };
        });
        return {
          // accuracies in percent, as the study's
          trainLoss: sum.loss / sum.n,
          trainAccuracy: (100 * sum.correct) / sum.n,
          archLoss: sum.archLoss / sum.archN,
          archAccuracy: (100 * sum.archCorrect) / sum.archN,
          valLoss: ev.loss,
          valAccuracy: 100 * ev.top1,
          tau,
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

export const gdasMethod: OneShotMethod = {
  name: 'gdas',
  description: 'GDAS (Dong & Yang, CVPR 2019): one Gumbel-sampled op per edge (hard, straight-through), τ annealed 10 → 0.1',
  defaults: GDAS_DEFAULTS,
  spaces: CELL_SPACES,
  run,
};
