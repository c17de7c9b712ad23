// Neural-network operators over tensors (torch.nn.functional's counterpart).
import { call, op } from './dispatch.js';
import { type Handle, native } from './native.js';
import { Tensor, handleOf } from './tensor.js';
import { gumbel } from './creation.js';

type Pair = number | readonly [number, number];
const pair = (v: Pair): number[] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);
const opt = (t: Tensor | null | undefined): Handle | null => (t ? handleOf(t, 'optional tensor argument') : null);
const H = handleOf;
const T = (v: unknown): Tensor => new Tensor(v as Handle);

const O = {
  conv2d: op('conv2d'),
  linear: op('linear'),
  batchNorm: op('batch_norm'),
  maxPool2d: op('max_pool2d'),
  avgPool2d: op('avg_pool2d'),
  adaptiveAvg: op('adaptive_avg_pool2d'),
  adaptiveMax: op('adaptive_max_pool2d'),
  relu6: op('hardtanh'),
  hardswish: op('hardswish'),
  hardsigmoid: op('hardsigmoid'),
  silu: op('silu'),
  gelu: op('gelu'),
  leakyRelu: op('leaky_relu'),
  elu: op('elu'),
  softplus: op('softplus'),
  dropout: op('dropout'),
  crossEntropy: op('cross_entropy_loss'),
  nll: op('nll_loss_nd'),
  mse: op('mse_loss'),
  l1: op('l1_loss'),
  bceLogits: op('binary_cross_entropy_with_logits'),
  cat: op('cat'),
  stack: op('stack'),
  where: op('where.self'),
  pad: op('constant_pad_nd'),
  reflectionPad: op('reflection_pad2d'),
  replicationPad: op('replication_pad2d'),
  oneHot: op('one_hot'),
  softmax: op('softmax.int'),
  logSoftmax: op('log_softmax.int'),
  upsampleNearest: op('upsample_nearest2d.vec'),
  upsampleBilinear: op('upsample_bilinear2d.vec'),
  unfold: op('im2col'),
  layerNorm: op('layer_norm'),
  embedding: op('embedding'),
};

export interface ConvOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/**
 * Stand-ins for conv2d and linear during a MAC-counting dry run (nn/trace.ts installs one for
 * the run's length), so networks that call them directly (supernets, weight slices) are counted
 * like Conv2d and Linear modules, which count themselves and never reach these functions then.
 */
export interface DryRunHook {
  conv2d(x: Tensor, weight: Tensor, o: ConvOptions): Tensor;
  linear(x: Tensor, weight: Tensor): Tensor;
}

let dryRun: DryRunHook | null = null;

/** Installs `hook` (null removes it) and returns the one it replaces. */
export function setDryRunHook(hook: DryRunHook | null): DryRunHook | null {
  const previous = dryRun;
  dryRun = hook;
  return previous;
}

/** 2-d convolution of NCHW input with OIHW weight. */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, o: ConvOptions = {}): Tensor {
  if (dryRun !== null) return dryRun.conv2d(x, weight, o);
  return T(call(O.conv2d, [H(x, 'conv2d'), H(weight, 'conv2d'), opt(bias), pair(o.stride ?? 1), pair(o.padding ?? 0), pair(o.dilation ?? 1), o.groups ?? 1]));
}

/** y = x Wᵀ + b */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (dryRun !== null) return dryRun.linear(x, weight);
  return T(call(O.linear, [H(x, 'linear'), H(weight, 'linear'), opt(bias)]));
}

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  training: boolean;
  momentum?: number;
  eps?: number;
}

/** Batch normalisation; in training it updates the running statistics in place (PyTorch semantics). */
export function batchNorm(x: Tensor, o: BatchNormOptions): Tensor {
  return T(
    call(O.batchNorm, [
      H(x, 'batchNorm'),
      opt(o.weight),
      opt(o.bias),
      opt(o.runningMean),
      opt(o.runningVar),
      o.training,
      o.momentum ?? 0.1,
      o.eps ?? 1e-5,
      true,
    ]),
  );
}

export function layerNorm(x: Tensor, shape: readonly number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  return T(call(O.layerNorm, [H(x, 'layerNorm'), [...shape], opt(weight), opt(bias), eps, true]));
}

export interface PoolOptions {
  stride?: Pair;
  padding?: Pair;
  ceilMode?: boolean;
}

export function maxPool2d(x: Tensor, kernel: Pair, o: PoolOptions & { dilation?: Pair } = {}): Tensor {
  return T(call(O.maxPool2d, [H(x, 'maxPool2d'), pair(kernel), pair(o.stride ?? kernel), pair(o.padding ?? 0), pair(o.dilation ?? 1), o.ceilMode ?? false]));
}

/** Average pooling; `countIncludePad` false averages over the valid window only (as the NAS papers' cells do). */
export function avgPool2d(x: Tensor, kernel: Pair, o: PoolOptions & { countIncludePad?: boolean } = {}): Tensor {
  return T(
    call(O.avgPool2d, [H(x, 'avgPool2d'), pair(kernel), pair(o.stride ?? kernel), pair(o.padding ?? 0), o.ceilMode ?? false, o.countIncludePad ?? true, null]),
  );
}

export function adaptiveAvgPool2d(x: Tensor, size: Pair): Tensor {
  return T(call(O.adaptiveAvg, [H(x, 'adaptiveAvgPool2d'), pair(size)]));
}
export function adaptiveMaxPool2d(x: Tensor, size: Pair): Tensor {
  const [out, indices] = call(O.adaptiveMax, [H(x, 'adaptiveMaxPool2d'), pair(size)]) as Handle[];
  native.dispose(indices!); // only the values are wanted; free the indices now, not at GC
  return T(out);
}
/** Global average pooling NCHW -> NC. */
export function globalAvgPool(x: Tensor): Tensor {
  return x.mean([2, 3]);
}

// ---- activations ----
export function relu(x: Tensor): Tensor {
  return x.relu();
}
export function relu6(x: Tensor): Tensor {
  return T(call(O.relu6, [H(x, 'relu6'), 0, 6]));
}
export function hardswish(x: Tensor): Tensor {
  return T(call(O.hardswish, [H(x, 'hardswish')]));
}
export function hardsigmoid(x: Tensor): Tensor {
  return T(call(O.hardsigmoid, [H(x, 'hardsigmoid')]));
}
/** Swish / SiLU: x·σ(x). */
export function silu(x: Tensor): Tensor {
  return T(call(O.silu, [H(x, 'silu')]));
}
export function gelu(x: Tensor): Tensor {
  return T(call(O.gelu, [H(x, 'gelu')]));
}
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  return T(call(O.leakyRelu, [H(x, 'leakyRelu'), slope]));
}
export function elu(x: Tensor, alpha = 1): Tensor {
  return T(call(O.elu, [H(x, 'elu'), alpha]));
}
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  return T(call(O.softplus, [H(x, 'softplus'), beta, threshold]));
}
export function sigmoid(x: Tensor): Tensor {
  return x.sigmoid();
}
export function tanh(x: Tensor): Tensor {
  return x.tanh();
}
export function softmax(x: Tensor, dim: number): Tensor {
  return T(call(O.softmax, [H(x, 'softmax'), dim]));
}
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return T(call(O.logSoftmax, [H(x, 'logSoftmax'), dim]));
}

/** Dropout (inverted: kept units are scaled by 1/(1-p)); identity when not training. */
export function dropout(x: Tensor, p: number, training: boolean): Tensor {
  return T(call(O.dropout, [H(x, 'dropout'), p, training]));
}

/**
 * Gumbel-softmax over `dim`: soft samples, or with `hard` one-hot samples whose gradient is the
 * soft one's (straight-through), as GDAS and FBNet use.
 */
export function gumbelSoftmax(logits: Tensor, tau: number, hard = false, dim = -1): { soft: Tensor; sample: Tensor; index: Tensor } {
  const g = gumbel(logits.shape, { dtype: logits.dtype, device: logits.device });
  const noisy = logits.add(g);
  const scaled = noisy.div(tau);
  const soft = scaled.softmax(dim);
  const index = soft.argmax(dim, true);
  for (const t of [g, noisy, scaled]) t.dispose();
  if (!hard) return { soft, sample: soft, index };
  const zeros = soft.detach().mul(0);
  const ones = zeros.add(1);
  const oneHot = zeros.scatter(dim, index, ones);
  const sg = soft.detach();
  const delta = oneHot.sub(sg);
  const sample = delta.add(soft); // value one-hot, gradient of soft
  for (const t of [zeros, ones, oneHot, sg, delta]) t.dispose();
  return { soft, sample, index };
}

// ---- losses ----
export type Reduction = 'mean' | 'sum' | 'none';
const red = (r: Reduction): number => (r === 'none' ? 0 : r === 'mean' ? 1 : 2);

/** Cross entropy of logits (N, C) against int64 class targets (N), with label smoothing. */
export function crossEntropy(logits: Tensor, target: Tensor, o: { labelSmoothing?: number; reduction?: Reduction; weight?: Tensor | null } = {}): Tensor {
  return T(
    call(O.crossEntropy, [H(logits, 'crossEntropy'), H(target, 'crossEntropy'), opt(o.weight), red(o.reduction ?? 'mean'), -100, o.labelSmoothing ?? 0]),
  );
}
export function nllLoss(logProbs: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return T(call(O.nll, [H(logProbs, 'nllLoss'), H(target, 'nllLoss'), null, red(reduction), -100]));
}
export function mseLoss(x: Tensor, y: Tensor, reduction: Reduction = 'mean'): Tensor {
  return T(call(O.mse, [H(x, 'mseLoss'), H(y, 'mseLoss'), red(reduction)]));
}
export function l1Loss(x: Tensor, y: Tensor, reduction: Reduction = 'mean'): Tensor {
  return T(call(O.l1, [H(x, 'l1Loss'), H(y, 'l1Loss'), red(reduction)]));
}
export function bceWithLogits(x: Tensor, y: Tensor, reduction: Reduction = 'mean'): Tensor {
  return T(call(O.bceLogits, [H(x, 'bceWithLogits'), H(y, 'bceWithLogits'), null, null, red(reduction)]));
}

// ---- joining, padding, selection ----
export function cat(ts: readonly Tensor[], dim = 0): Tensor {
  return T(call(O.cat, [ts.map((t) => H(t, 'cat')), dim]));
}
export function stack(ts: readonly Tensor[], dim = 0): Tensor {
  return T(call(O.stack, [ts.map((t) => H(t, 'stack')), dim]));
}
/** Elementwise cond ? a : b. */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  return T(call(O.where, [H(cond, 'where'), H(a, 'where'), H(b, 'where')]));
}
/** Pad the last dims: [left, right, top, bottom, ...] as torch.nn.functional.pad. */
export function pad(x: Tensor, pads: readonly number[], mode: 'constant' | 'reflect' | 'replicate' = 'constant', value = 0): Tensor {
  if (mode === 'reflect') return T(call(O.reflectionPad, [H(x, 'pad'), [...pads]]));
  if (mode === 'replicate') return T(call(O.replicationPad, [H(x, 'pad'), [...pads]]));
  return T(call(O.pad, [H(x, 'pad'), [...pads], value]));
}
export function oneHot(index: Tensor, classes: number): Tensor {
  return T(call(O.oneHot, [H(index, 'oneHot'), classes]));
}
export function embedding(weight: Tensor, index: Tensor): Tensor {
  return T(call(O.embedding, [H(weight, 'embedding'), H(index, 'embedding')]));
}
/** Nearest or bilinear resize of NCHW to `size` (H, W). */
export function interpolate(x: Tensor, size: readonly [number, number], mode: 'nearest' | 'bilinear' = 'nearest', alignCorners = false): Tensor {
  if (mode === 'nearest') return T(call(O.upsampleNearest, [H(x, 'interpolate'), [...size], null]));
  return T(call(O.upsampleBilinear, [H(x, 'interpolate'), [...size], alignCorners, null]));
}
/** Sliding local blocks (im2col): (N, C·kh·kw, L). */
export function unfold(x: Tensor, kernel: Pair, o: { dilation?: Pair; padding?: Pair; stride?: Pair } = {}): Tensor {
  return T(call(O.unfold, [H(x, 'unfold'), pair(kernel), pair(o.dilation ?? 1), pair(o.padding ?? 0), pair(o.stride ?? 1)]));
}
