// Morphological cell operations: grey-level dilation, erosion, opening and closing as 3x3 ops of
// a cell space, in the ReLU → op → BN form of the other cell ops (Hu, Belkhir, Angulo, Yao and
// Franchi, "Learning Deep Morphological Networks with Neural Architecture Search", 2021, add
// such operators to a DARTS search space). Each is depthwise (one learned 3x3 structuring
// element per channel, Franchi et al.'s form), keeps the channel count and carries the stride
// in its first step. Opening and closing learn two elements (untied), because a strided first
// step cannot share its element with the second (nn/morph.ts's `tied` needs stride 1).
import { type Tensor } from '../../torch/index.js';
import { BatchNorm2d, Closing2d, Dilation2d, Erosion2d, Module, Opening2d, ReLU, Sequential, type Layer, type LayerModule } from '../../nn/index.js';

export const MORPH_OP_NAMES = ['dilation_3x3', 'erosion_3x3', 'opening_3x3', 'closing_3x3'] as const;
export type MorphOpName = (typeof MORPH_OP_NAMES)[number];

const LAYERS: Record<MorphOpName, (c: number, stride: number) => LayerModule> = {
  dilation_3x3: (c, stride) => new Dilation2d(c, c, 3, { groups: c, stride, padding: 1 }),
  erosion_3x3: (c, stride) => new Erosion2d(c, c, 3, { groups: c, stride, padding: 1 }),
  opening_3x3: (c, stride) => new Opening2d(c, c, 3, { groups: c, stride, padding: 1 }),
  closing_3x3: (c, stride) => new Closing2d(c, c, 3, { groups: c, stride, padding: 1 }),
};

export function isMorphOpName(name: string): name is MorphOpName {
  return (MORPH_OP_NAMES as readonly string[]).includes(name);
}

/** ReLU → depthwise morphological layer (3x3, padding 1, with the stride) → batch norm. */
export class MorphCellOp extends Module implements Layer {
  readonly op: Sequential;

  constructor(
    readonly kind: MorphOpName,
    channels: number,
    stride: number,
    affine = true,
  ) {
    super();
    this.op = this.child('op', new Sequential(new ReLU(), LAYERS[kind](channels, stride), new BatchNorm2d(channels, { affine })));
  }

  forward(x: Tensor): Tensor {
    return this.op.forward(x);
  }
}
