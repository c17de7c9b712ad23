// Morphological layers: grey-level dilation and erosion with learnable structuring elements
// (max-plus and min-plus algebra in place of a convolution's sum-product), and their
// compositions opening and closing.
//
//   dilation  y[o,i,j] = max_{c∈group(o), u, v} x[c, i·s+u·d−p, j·s+v·d−p] + w[o,c,u,v]
//   erosion   y[o,i,j] = min_{c∈group(o), u, v} x[c, i·s+u·d−p, j·s+v·d−p] − w[o,c,u,v]
//
// Positions outside the image are −∞ for dilation and +∞ for erosion, so the border never wins.
// In → out channels follow a convolution's `groups`:
// - groups 1 (the default, like Conv2d): the multi-channel morphological neuron of Mondal, Dey
//   and Chanda ("Dense Morphological Network", 2019; "Image restoration by learning
//   morphological opening-closing network", 2020): each output channel takes the max (min)
//   over every input channel and the window, weight (out, in, kh, kw).
// - groups = in = out: the per-channel (depthwise) form of classical morphology (Franchi et
//   al., "Deep morphological networks", 2020), one structuring element per channel.
// `beta` swaps the hard max for Mondal et al.'s soft maximum logsumexp(β·z)/β, which passes
// gradient to every tap instead of only the winner.
// Work is vectorised: pad with ∓∞, im2col (`F.unfold`), add the element, reduce with amax/amin,
// so autograd comes from libtorch's own backward formulas. The sums are materialised: N·out·
// (in/groups)·kh·kw values per output pixel, so wide multi-channel layers are memory-hungry;
// a depthwise layer followed by a 1x1 Conv2d mixes channels at a fraction of the cost.
import { F, type Tensor, callAten, empty, tidy } from '../torch/index.js';
import { defaultWeight_, constant_ } from './init.js';
import { type Layer, Module } from './module.js';

type Pair = number | readonly [number, number];
const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

export type MorphOp = 'dilation' | 'erosion';

export interface MorphOptions {
  stride?: Pair;
  /**
   * Border added on each side (filled with ∓∞). 'same' pads (k−1)·d in total per axis, the
   * smaller half first, so stride 1 keeps the size for every kernel (even ones too) and
   * stride s gives ⌈size/s⌉. Every window must see at least one pixel of the image (else its
   * output would be ∓∞): a typed error says when padding or dilation breaks that.
   */
  padding?: Pair | 'same';
  dilation?: Pair;
  /** as a convolution's: 1 is the multi-channel neuron, in = out = groups is depthwise */
  groups?: number;
  /** soft maximum temperature (logsumexp(β·z)/β); absent or 0 for the hard max */
  beta?: number;
}

export interface MorphLayerOptions extends MorphOptions {
  /**
   * 'uniform' (default): U(±1/sqrt(fan_in)) as PyTorch's conv default, which breaks the
   * symmetry between output channels of the multi-channel form; 'flat': zeros, so the layer
   * starts as a plain max (min) filter.
   */
  init?: 'uniform' | 'flat';
}

/** [top, bottom, left, right] */
function resolvePadding(padding: Pair | 'same', kernel: [number, number], dilation: [number, number]): [number, number, number, number] {
  if (padding === 'same') {
    const th = (kernel[0] - 1) * dilation[0];
    const tw = (kernel[1] - 1) * dilation[1];
    return [th >> 1, th - (th >> 1), tw >> 1, tw - (tw >> 1)];
  }
  const [ph, pw] = pair(padding);
  return [ph, ph, pw, pw];
}

/** The first output index along one axis whose taps all fall in the padding, or −1. */
function blindWindow(size: number, padBefore: number, k: number, d: number, s: number, out: number): number {
  for (let i = 0; i < out; i++) {
    let sees = false;
    for (let u = 0; u < k && !sees; u++) {
      const at = i * s - padBefore + u * d;
      sees = at >= 0 && at < size;
    }
    if (!sees) return i;
  }
  return -1;
}

function morph(op: MorphOp, x: Tensor, weight: Tensor, o: MorphOptions): Tensor {
  if (x.ndim !== 4 || weight.ndim !== 4) {
    throw new RangeError(`${op}2d expects NCHW input and an (out, in/groups, kh, kw) structuring element, got [${x.shape}] and [${weight.shape}]`);
  }
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [out, cg, kh, kw] = weight.shape as [number, number, number, number];
  const groups = o.groups ?? 1;
  if (c !== cg * groups || out % groups !== 0) {
    throw new RangeError(
      `${op}2d: input has ${c} channels but the structuring element [${weight.shape}] with groups=${groups} needs ${cg * groups} (and out divisible by groups)`,
    );
  }
  const [sh, sw] = pair(o.stride ?? 1);
  const dil = pair(o.dilation ?? 1);
  const [top, bottom, left, right] = resolvePadding(o.padding ?? 0, [kh, kw], dil);
  const [eh, ew] = [(kh - 1) * dil[0] + 1, (kw - 1) * dil[1] + 1];
  if (Math.min(top, bottom, left, right) < 0) throw new RangeError(`${op}2d: padding must not be negative, got [${top}, ${bottom}, ${left}, ${right}]`);
  const ho = Math.floor((h + top + bottom - eh) / sh) + 1;
  const wo = Math.floor((w + left + right - ew) / sw) + 1;
  if (ho < 1 || wo < 1) {
    throw new RangeError(`${op}2d: a ${h}x${w} input is smaller than the ${eh}x${ew} window (with padding); pad more or use a smaller kernel`);
  }
  const rows = blindWindow(h, top, kh, dil[0], sh, ho);
  const cols = blindWindow(w, left, kw, dil[1], sw, wo);
  if (rows >= 0 || cols >= 0) {
    const [axis, at] = rows >= 0 ? ['row', rows] : ['column', cols];
    throw new RangeError(
      `${op}2d: output ${axis} ${at}'s window lies wholly in the padding (it would be ${op === 'dilation' ? '−∞' : '+∞'}); use less padding or a smaller dilation rate for this ${h}x${w} input`,
    );
  }
  const beta = o.beta ?? 0;
  return tidy(() => {
    const fill = op === 'dilation' ? -Infinity : Infinity;
    const padded = top + bottom + left + right > 0 ? F.pad(x, [left, right, top, bottom], 'constant', fill) : x;
    // (N, C·kh·kw, L) → (N, G, 1, Cg·kh·kw, L); the element (O, Cg, kh, kw) → (1, G, O/G, Cg·kh·kw, 1)
    const k = cg * kh * kw;
    const patches = F.unfold(padded, [kh, kw], { dilation: dil, stride: [sh, sw] }).view([n, groups, 1, k, ho * wo]);
    const element = weight.reshape([1, groups, out / groups, k, 1]);
    const z = op === 'dilation' ? patches.add(element) : patches.sub(element);
    let y: Tensor;
    if (beta > 0) {
      y = op === 'dilation' ? z.mul(beta).logsumexp(3).div(beta) : z.mul(-beta).logsumexp(3).div(-beta);
    } else {
      y = op === 'dilation' ? z.amax(3) : z.amin(3);
    }
    return y.reshape([n, out, ho, wo]);
  });
}

/** Grey-level dilation (max-plus) of NCHW `x` by structuring elements `weight` (out, in/groups, kh, kw). */
export function dilation2d(x: Tensor, weight: Tensor, o: MorphOptions = {}): Tensor {
  return morph('dilation', x, weight, o);
}

/** Grey-level erosion (min-plus) of NCHW `x` by structuring elements `weight` (out, in/groups, kh, kw). */
export function erosion2d(x: Tensor, weight: Tensor, o: MorphOptions = {}): Tensor {
  return morph('erosion', x, weight, o);
}

abstract class Morph2d extends Module implements Layer {
  weight: Tensor;
  readonly options: MorphOptions;

  constructor(
    readonly op: MorphOp,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: Pair,
    o: MorphLayerOptions,
  ) {
    super();
    const groups = o.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1 || inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new RangeError(
        `${op === 'dilation' ? 'Dilation2d' : 'Erosion2d'}: channels ${inChannels}->${outChannels} must both be divisible by groups=${groups}`,
      );
    }
    const [kh, kw] = pair(kernel);
    this.options = { stride: o.stride ?? 1, padding: o.padding ?? 0, dilation: o.dilation ?? 1, groups, beta: o.beta ?? 0 };
    const w = empty([outChannels, inChannels / groups, kh, kw]);
    this.weight = this.param('weight', o.init === 'flat' ? constant_(w, 0) : defaultWeight_(w));
  }

  forward(x: Tensor): Tensor {
    return morph(this.op, x, this.weight, this.options);
  }
}

/** Learnable grey-level dilation; constructed like Conv2d (inChannels, outChannels, kernel, options). */
export class Dilation2d extends Morph2d {
  constructor(inChannels: number, outChannels: number, kernel: Pair, o: MorphLayerOptions = {}) {
    super('dilation', inChannels, outChannels, kernel, o);
  }
}

/** Learnable grey-level erosion; constructed like Conv2d (inChannels, outChannels, kernel, options). */
export class Erosion2d extends Morph2d {
  constructor(inChannels: number, outChannels: number, kernel: Pair, o: MorphLayerOptions = {}) {
    super('erosion', inChannels, outChannels, kernel, o);
  }
}

export interface MorphPairOptions extends MorphLayerOptions {
  /**
   * One depthwise structuring element shared by both steps, the second step using it
   * reflected: the classical opening (closing), which is anti-extensive (extensive) and
   * idempotent with the hard max. Needs groups = in = out, stride 1, padding 'same' and odd
   * kernels. Untied (default): two learned elements, as Mondal et al.'s opening-closing network.
   */
  tied?: boolean;
}

/**
 * Erosion then dilation (opening) or dilation then erosion (closing). The first step maps
 * in → out with the stride; the second maps out → out at stride 1; both use the padding,
 * dilation, groups and beta given.
 */
abstract class MorphPair extends Module implements Layer {
  /** the shared element when tied (out, 1, kh, kw) */
  weight: Tensor | null = null;
  /** the learned steps when untied */
  readonly erosion: Erosion2d | null = null;
  readonly dilation: Dilation2d | null = null;
  private readonly options: MorphOptions;

  constructor(
    private readonly order: readonly [MorphOp, MorphOp],
    readonly inChannels: number,
    readonly outChannels: number,
    kernel: Pair,
    o: MorphPairOptions,
  ) {
    super();
    const name = order[0] === 'erosion' ? 'Opening2d' : 'Closing2d';
    const [kh, kw] = pair(kernel);
    this.options = { stride: 1, padding: o.padding ?? 0, dilation: o.dilation ?? 1, groups: o.groups ?? 1, beta: o.beta ?? 0 };
    if (o.tied) {
      const stride = pair(o.stride ?? 1);
      if (
        inChannels !== outChannels ||
        this.options.groups !== inChannels ||
        stride[0] !== 1 ||
        stride[1] !== 1 ||
        o.padding !== 'same' ||
        kh % 2 === 0 ||
        kw % 2 === 0
      ) {
        throw new RangeError(
          `${name}: a tied structuring element needs groups = in = out (got groups=${this.options.groups}, ${inChannels}->${outChannels}), stride 1, padding 'same' and an odd kernel (got ${kh}x${kw}); or leave tied off`,
        );
      }
      const w = empty([outChannels, 1, kh, kw]);
      this.weight = this.param('weight', o.init === 'flat' ? constant_(w, 0) : defaultWeight_(w));
      return;
    }
    const { tied: _tied, ...layer } = o;
    const firstIn = (op: MorphOp): number => (op === order[0] ? inChannels : outChannels);
    const strideOf = (op: MorphOp): Pair => (op === order[0] ? (o.stride ?? 1) : 1);
    // registered in the order they run, so the state dict lists them that way
    for (const op of order) {
      if (op === 'erosion') {
        this.erosion = this.child('erosion', new Erosion2d(firstIn(op), outChannels, kernel, { ...layer, stride: strideOf(op) }));
      } else {
        this.dilation = this.child('dilation', new Dilation2d(firstIn(op), outChannels, kernel, { ...layer, stride: strideOf(op) }));
      }
    }
  }

  forward(x: Tensor): Tensor {
    if (this.weight !== null) {
      const w = this.weight;
      return tidy(() => {
        const y = morph(this.order[0], x, w, this.options);
        const reflected = callAten('flip', w, [2, 3]) as Tensor;
        return morph(this.order[1], y, reflected, this.options);
      });
    }
    const steps = this.order.map((op) => (op === 'erosion' ? this.erosion! : this.dilation!));
    return tidy(() => steps[1]!.forward(steps[0]!.forward(x)));
  }
}

/** Opening: erosion then dilation (removes bright details smaller than the element). */
export class Opening2d extends MorphPair {
  constructor(inChannels: number, outChannels: number, kernel: Pair, o: MorphPairOptions = {}) {
    super(['erosion', 'dilation'], inChannels, outChannels, kernel, o);
  }
}

/** Closing: dilation then erosion (fills dark details smaller than the element). */
export class Closing2d extends MorphPair {
  constructor(inChannels: number, outChannels: number, kernel: Pair, o: MorphPairOptions = {}) {
    super(['dilation', 'erosion'], inChannels, outChannels, kernel, o);
  }
}
