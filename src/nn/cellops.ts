// The cell-space operations of NASNet/DARTS-style search spaces, as DARTS' released code
// (cnn/operations.py) defines them. Children carry the released code's names (op.1.weight,
// conv_1, ...) so that weights map one-to-one onto a PyTorch port.
import { type Tensor, F } from '../torch/index.js';
import { AvgPool2d, BatchNorm2d, Conv2d, Identity, MaxPool2d, ReLU, Sequential } from './layers.js';
import { type Layer, type LayerModule, Module } from './module.js';

/** ReLU → conv (no bias) → batch norm. */
export class ReLUConvBN extends Module implements Layer {
  readonly op: Sequential;

  constructor(cIn: number, cOut: number, kernel: number, stride: number, padding: number, affine = true) {
    super();
    this.op = this.child('op', new Sequential(new ReLU(), new Conv2d(cIn, cOut, kernel, { stride, padding, bias: false }), new BatchNorm2d(cOut, { affine })));
  }

  forward(x: Tensor): Tensor {
    return this.op.forward(x);
  }
}

/** ReLU → dilated depthwise conv (with the stride) → pointwise conv → batch norm. */
export class DilConv extends Module implements Layer {
  readonly op: Sequential;

  constructor(cIn: number, cOut: number, kernel: number, stride: number, padding: number, dilation: number, affine = true) {
    super();
    this.op = this.child(
      'op',
      new Sequential(
        new ReLU(),
        new Conv2d(cIn, cIn, kernel, { stride, padding, dilation, groups: cIn, bias: false }),
        new Conv2d(cIn, cOut, 1, { bias: false }),
        new BatchNorm2d(cOut, { affine }),
      ),
    );
  }

  forward(x: Tensor): Tensor {
    return this.op.forward(x);
  }
}

/**
 * Separable convolution as NASNet and DARTS stack it: (ReLU → depthwise → pointwise → BN)
 * twice, the first depthwise conv carrying the stride.
 */
export class SepConv extends Module implements Layer {
  readonly op: Sequential;

  constructor(cIn: number, cOut: number, kernel: number, stride: number, padding: number, affine = true) {
    super();
    this.op = this.child(
      'op',
      new Sequential(
        new ReLU(),
        new Conv2d(cIn, cIn, kernel, { stride, padding, groups: cIn, bias: false }),
        new Conv2d(cIn, cIn, 1, { bias: false }),
        new BatchNorm2d(cIn, { affine }),
        new ReLU(),
        new Conv2d(cIn, cIn, kernel, { stride: 1, padding, groups: cIn, bias: false }),
        new Conv2d(cIn, cOut, 1, { bias: false }),
        new BatchNorm2d(cOut, { affine }),
      ),
    );
  }

  forward(x: Tensor): Tensor {
    return this.op.forward(x);
  }
}

/** The 'none' op: zeros shaped like the (strided) input, so a mixed op can weigh "no edge". */
export class Zero extends Module implements Layer {
  constructor(readonly stride = 1) {
    super();
    if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`Zero: stride must be a positive integer, got ${stride}`);
  }

  forward(x: Tensor): Tensor {
    if (this.stride === 1) return x.mul(0);
    const sub = x.slice(2, null, null, this.stride);
    const sub2 = sub.slice(3, null, null, this.stride);
    sub.dispose();
    const out = sub2.mul(0);
    sub2.dispose();
    return out;
  }
}

/**
 * Halves the resolution without losing every other pixel: two stride-2 1x1 convs, the second
 * on the input shifted by one pixel, concatenated on channels, then batch norm.
 */
export class FactorizedReduce extends Module implements Layer {
  readonly relu: ReLU;
  readonly conv_1: Conv2d;
  readonly conv_2: Conv2d;
  readonly bn: BatchNorm2d;

  constructor(cIn: number, cOut: number, affine = true) {
    super();
    if (cOut % 2 !== 0) throw new RangeError(`FactorizedReduce: output channels must be even, got ${cOut}`);
    this.relu = this.child('relu', new ReLU());
    this.conv_1 = this.child('conv_1', new Conv2d(cIn, cOut / 2, 1, { stride: 2, bias: false }));
    this.conv_2 = this.child('conv_2', new Conv2d(cIn, cOut / 2, 1, { stride: 2, bias: false }));
    this.bn = this.child('bn', new BatchNorm2d(cOut, { affine }));
  }

  forward(x: Tensor): Tensor {
    const r = this.relu.forward(x);
    const a = this.conv_1.forward(r);
    const rowShift = r.slice(2, 1, null);
    const shifted = rowShift.slice(3, 1, null);
    const b = this.conv_2.forward(shifted);
    const joined = F.cat([a, b], 1);
    for (const t of [r, a, rowShift, shifted, b]) t.dispose();
    const out = this.bn.forward(joined);
    joined.dispose();
    return out;
  }
}

/** The operation names of DARTS' search space (PRIMITIVES) and the extra ones of NASNet/AmoebaNet cells. */
export const DARTS_PRIMITIVES = [
  'none',
  'max_pool_3x3',
  'avg_pool_3x3',
  'skip_connect',
  'sep_conv_3x3',
  'sep_conv_5x5',
  'dil_conv_3x3',
  'dil_conv_5x5',
] as const;

export type CellOpName = (typeof DARTS_PRIMITIVES)[number] | 'sep_conv_7x7' | 'conv_7x1_1x7';

export type CellOpFactory = (channels: number, stride: number, affine: boolean) => LayerModule;

/** DARTS' OPS table: an op keeps the channel count C and applies the stride (1 or 2). */
export const CELL_OPS: Readonly<Record<CellOpName, CellOpFactory>> = {
  none: (_c, stride) => new Zero(stride),
  avg_pool_3x3: (_c, stride) => new AvgPool2d(3, stride, 1, false),
  max_pool_3x3: (_c, stride) => new MaxPool2d(3, stride, 1),
  skip_connect: (c, stride, affine) => (stride === 1 ? new Identity() : new FactorizedReduce(c, c, affine)),
  sep_conv_3x3: (c, stride, affine) => new SepConv(c, c, 3, stride, 1, affine),
  sep_conv_5x5: (c, stride, affine) => new SepConv(c, c, 5, stride, 2, affine),
  sep_conv_7x7: (c, stride, affine) => new SepConv(c, c, 7, stride, 3, affine),
  dil_conv_3x3: (c, stride, affine) => new DilConv(c, c, 3, stride, 2, 2, affine),
  dil_conv_5x5: (c, stride, affine) => new DilConv(c, c, 5, stride, 4, 2, affine),
  conv_7x1_1x7: (c, stride, affine) =>
    new Sequential(
      new ReLU(),
      new Conv2d(c, c, [1, 7], { stride: [1, stride], padding: [0, 3], bias: false }),
      new Conv2d(c, c, [7, 1], { stride: [stride, 1], padding: [3, 0], bias: false }),
      new BatchNorm2d(c, { affine }),
    ),
};

export function isCellOpName(name: string): name is CellOpName {
  return Object.hasOwn(CELL_OPS, name);
}

/** Build a cell op by name; an unknown name is a RangeError listing the known ones. */
export function cellOp(name: string, channels: number, stride: number, affine = true): LayerModule {
  if (!isCellOpName(name)) {
    throw new RangeError(`unknown cell operation '${name}'; use one of ${Object.keys(CELL_OPS).join(', ')}`);
  }
  if (stride !== 1 && stride !== 2) throw new RangeError(`cell operation '${name}': stride must be 1 or 2, got ${stride}`);
  return CELL_OPS[name](channels, stride, affine);
}
