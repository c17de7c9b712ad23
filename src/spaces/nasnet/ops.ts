// The NASNet search space's operations (Zoph et al., CVPR 2018, §3), built as Google's released
// code builds them: TF-slim's nasnet_utils.py for separable convs, pooling, identity and the
// factorized reduction, and tensorflow/tpu's amoeba_net network_utils.py (the same cell code with
// the full vocabulary) for the 1x1, 3x3, 1x3-3x1, 1x7-7x1 and dilated convs. Every op maps its
// input's channels to the cell's F filters:
// - separable KxK: (ReLU → depthwise KxK → pointwise → BN) twice, the first carrying the stride;
// - identity ('skip_connect'): the input itself, or ReLU → 1x1 conv (with the stride) → BN where
//   the stride or the channels change;
// - pools (SAME padding, average over the valid window): then 1x1 conv → BN if the channels change;
// - 1x1 conv: ReLU → 1x1 conv → BN;
// - 3x3, 1x3-3x1, 1x7-7x1 and dilated 3x3 convs inside a bottleneck: ReLU → 1x1 to F/4 (3F/8 for
//   1x3-3x1) → BN → ReLU → the conv → BN → ReLU → 1x1 to F → BN (1x7-7x1 has BN and ReLU between
//   its two convs);
// - the morphological ops (cells/morph-ops.ts) on the input's channels, then 1x1 → BN if needed.
// TF's SAME padding is written as symmetric padding: the same output sizes; at stride 2 TF puts
// the odd pixel of padding after, so TF-trained weights would see windows shifted by one.
// The 'enas' style follows ENAS's micro child (melodyguan/enas micro_child.py) where it differs:
// a strided identity is a factorized reduction and a pool's channel projection starts with ReLU.
import { type Tensor, F, tidy } from '../../torch/index.js';
import { AvgPool2d, BatchNorm2d, Conv2d, MaxPool2d, Module, ReLU, Sequential, type Layer, type LayerModule } from '../../nn/index.js';
import { MORPH_OP_NAMES, MorphCellOp, isMorphOpName } from '../cells/index.js';

/** Whose macro wiring a network follows: TF-slim's NASNet (also AmoebaNet, PNASNet) or ENAS's micro child. */
export type NasnetSkeleton = 'nasnet' | 'enas';

/** The 13 operations of the NASNet search space, in the paper's order. */
export const NASNET_OPS: readonly string[] = [
  'skip_connect',
  'conv_3x1_1x3',
  'conv_7x1_1x7',
  'dil_conv_3x3',
  'avg_pool_3x3',
  'max_pool_3x3',
  'max_pool_5x5',
  'max_pool_7x7',
  'conv_1x1',
  'conv_3x3',
  'sep_conv_3x3',
  'sep_conv_5x5',
  'sep_conv_7x7',
];

/** Every op name a NASNet-style cell can use: the 13 and the morphological ones. */
export const NASNET_OP_TABLE: readonly string[] = [...NASNET_OPS, ...MORPH_OP_NAMES];

/** An op made of one Sequential named `op`, or the identity (no layers). */
export class NasnetOp extends Module implements Layer {
  readonly op: Sequential | null;

  constructor(layers: LayerModule[]) {
    super();
    this.op = layers.length ? this.child('op', new Sequential(...layers)) : null;
  }

  forward(x: Tensor): Tensor {
    return this.op ? this.op.forward(x) : x;
  }
}

/**
 * TF's factorized_reduction. Stride 2: 1x1 convs (to out/2 each) on the input and on the input
 * shifted by one pixel (zero-padded right and bottom), both sampled every other pixel,
 * concatenated, then BN: it halves the size without dropping the odd pixels. Stride 1: 1x1 conv
 * → BN. `relu` applies the ReLU that callers put before it.
 */
export class FactorizedReduction extends Module implements Layer {
  readonly conv: Conv2d | null = null;
  readonly path1: Conv2d | null = null;
  readonly path2: Conv2d | null = null;
  readonly bn: BatchNorm2d;

  constructor(
    cIn: number,
    cOut: number,
    readonly stride: 1 | 2,
    readonly relu: boolean,
  ) {
    super();
    if (stride === 1) {
      this.conv = this.child('conv', new Conv2d(cIn, cOut, 1, { bias: false }));
    } else {
      if (cOut % 2 !== 0) throw new RangeError(`FactorizedReduction: output channels must be even, got ${cOut}`);
      this.path1 = this.child('path1', new Conv2d(cIn, cOut / 2, 1, { stride: 2, bias: false }));
      this.path2 = this.child('path2', new Conv2d(cIn, cOut / 2, 1, { stride: 2, bias: false }));
    }
    this.bn = this.child('bn', new BatchNorm2d(cOut));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const r = this.relu ? x.relu() : x;
      if (this.conv) return this.bn.forward(this.conv.forward(r));
      const shifted = F.pad(r, [0, 1, 0, 1]).slice(2, 1, null).slice(3, 1, null);
      return this.bn.forward(F.cat([this.path1!.forward(r), this.path2!.forward(shifted)], 1));
    });
  }
}

const conv = (
  cIn: number,
  cOut: number,
  kernel: number | [number, number],
  o: { stride?: number | [number, number]; padding?: number | [number, number]; dilation?: number } = {},
): Conv2d => new Conv2d(cIn, cOut, kernel, { ...o, bias: false });

function separable(cIn: number, f: number, k: number, stride: number): LayerModule[] {
  const layers: LayerModule[] = [];
  for (let i = 0; i < 2; i++) {
    const c = i === 0 ? cIn : f;
    layers.push(new ReLU(), new Conv2d(c, c, k, { stride: i === 0 ? stride : 1, padding: k >> 1, groups: c, bias: false }), conv(c, f, 1), new BatchNorm2d(f));
  }
  return layers;
}

/** The conv of a bottlenecked conv op (amoeba_net's _apply_conv_operation), cIn → cOut. */
function convCore(name: string, cIn: number, cOut: number, stride: number): LayerModule[] {
  if (name === 'conv_3x3') return [conv(cIn, cOut, 3, { stride, padding: 1 })];
  if (name === 'dil_conv_3x3') return [conv(cIn, cOut, 3, { stride, padding: 2, dilation: 2 })];
  const k = name === 'conv_7x1_1x7' ? 7 : 3;
  return [
    conv(cIn, cOut, [1, k], { stride: [1, stride], padding: [0, k >> 1] }),
    new BatchNorm2d(cOut),
    new ReLU(),
    conv(cOut, cOut, [k, 1], { stride: [stride, 1], padding: [k >> 1, 0] }),
  ];
}

const POOLS: Record<string, (stride: number) => LayerModule> = {
  avg_pool_3x3: (s) => new AvgPool2d(3, s, 1, false),
  max_pool_3x3: (s) => new MaxPool2d(3, s, 1),
  max_pool_5x5: (s) => new MaxPool2d(5, s, 2),
  max_pool_7x7: (s) => new MaxPool2d(7, s, 3),
};

/** Operation `name` from cIn channels to `f` filters; an unknown name is a RangeError. */
export function nasnetOp(name: string, cIn: number, f: number, stride: number, skeleton: NasnetSkeleton = 'nasnet'): LayerModule {
  const project = cIn !== f;
  if (name.startsWith('sep_conv_') && NASNET_OPS.includes(name)) return new NasnetOp(separable(cIn, f, Number(name[9]), stride));
  if (name === 'skip_connect') {
    if (skeleton === 'enas' && stride > 1) return new FactorizedReduction(cIn, f, 2, false);
    return new NasnetOp(stride > 1 || project ? [new ReLU(), conv(cIn, f, 1, { stride }), new BatchNorm2d(f)] : []);
  }
  if (name === 'conv_1x1') return new NasnetOp([new ReLU(), conv(cIn, f, 1, { stride }), new BatchNorm2d(f)]);
  const pool = POOLS[name];
  if (pool) {
    if (!project) return new NasnetOp([pool(stride)]);
    const projection = [conv(cIn, f, 1), new BatchNorm2d(f)];
    return new NasnetOp([pool(stride), ...(skeleton === 'enas' ? [new ReLU(), ...projection] : projection)]);
  }
  if (name === 'conv_3x3' || name === 'dil_conv_3x3' || name === 'conv_7x1_1x7' || name === 'conv_3x1_1x3') {
    const reduced = Math.floor(name === 'conv_3x1_1x3' ? (3 * f) / 8 : f / 4);
    if (reduced < 1) return new NasnetOp([new ReLU(), ...convCore(name, cIn, f, stride), new BatchNorm2d(f)]);
    return new NasnetOp([
      new ReLU(),
      conv(cIn, reduced, 1),
      new BatchNorm2d(reduced),
      new ReLU(),
      ...convCore(name, reduced, reduced, stride),
      new BatchNorm2d(reduced),
      new ReLU(),
      conv(reduced, f, 1),
      new BatchNorm2d(f),
    ]);
  }
  if (isMorphOpName(name)) {
    const morph = new MorphCellOp(name, cIn, stride);
    return project ? new NasnetOp([morph, conv(cIn, f, 1), new BatchNorm2d(f)]) : morph;
  }
  throw new RangeError(`unknown NASNet operation '${name}'; use one of ${NASNET_OP_TABLE.join(', ')}`);
}
