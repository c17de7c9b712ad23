// DARTS' bilevel steps (cnn/architect.py and train_search.py of the released code): the
// architecture gradient on a validation batch, first order (∇α L_val(w, α)) or second order
// (through one unrolled weight step, with a finite-difference Hessian-vector product), and the
// weight step on a training batch.
//
// Unlike the released code, the unrolled model is not a copy: the weights are moved in place
// and restored (and so are the batch-norm running statistics the unrolled pass touches), and
// gradients are taken only with respect to what each term needs (torch.autograd.grad), so
// no weight gradients are computed for the α terms.
import { F, type Tensor, backward, grad, noGrad, tidy } from '../torch/index.js';
import { type SGD, clipGradNorm } from '../optim/index.js';
import { type CellSupernet, softmaxWeights } from './supernet.js';

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
export function secondOrderArchGrad(model: CellSupernet, xt: Tensor, yt: Tensor, xv: Tensor, yv: Tensor, wOpt: SGD | null,
  o: UnrollOptions): { grads: Tensor[]; stats: StepStats } {
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
    noGrad(() => W.forEach((p, i) => tidy(() => {
      let d = p.mul(o.weightDecay);
      const g = gTrain[i];
      if (g) d = d.add(g);
      if (useMomentum) d = d.add(moments[i]!, o.momentum);
      p.sub_(d, eta);
    })));
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
    const norm = noGrad(() => F.stack(v.map((t) => t.norm())).norm().item());
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
  model.alphas().forEach((a, i) => { a.grad = grads[i]!; });
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
