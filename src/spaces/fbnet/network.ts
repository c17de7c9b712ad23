// FBNet's macro-architecture (Wu et al., CVPR 2019, Table 1): a 3x3 stride-2 conv to 16
// channels, 22 searchable layers in seven stages (n = 1, 4, 4, 4, 4, 4, 1 layers of 16, 24, 32,
// 64, 112, 184, 352 channels, the first layer of stages 2, 3, 4 and 6 with stride 2), a 1x1
// conv to 1984, global average pooling and a fully connected classifier. Convs are followed by
// BN and ReLU as in the released builder.
import { type Tensor } from '../../torch/index.js';
import { Linear, Module, Sequential, type Layer } from '../../nn/index.js';
import { convBnAct, headAndClassify } from '../mobile/index.js';
import { type FBNetBlockName, fbnetLayer } from './blocks.js';

/** layers per stage (Table 1's n) */
export const FBNET_STAGE_LAYERS: readonly number[] = [1, 4, 4, 4, 4, 4, 1];
/** stride of each stage's first layer (Table 1's s) */
export const FBNET_STAGE_STRIDES: readonly number[] = [1, 2, 2, 2, 1, 2, 1];
export const FBNET_WIDTHS: readonly number[] = [16, 24, 32, 64, 112, 184, 352];
export const FBNET_LAYERS = FBNET_STAGE_LAYERS.reduce((a, b) => a + b, 0);

export interface FBNetStack {
  classes?: number;
  /** the stem conv's output channels (16) */
  channels?: number;
  /** the seven stages' widths (16, 24, 32, 64, 112, 184, 352) */
  widths?: readonly number[];
  /** the final 1x1 conv's width (1984) */
  head?: number;
}

/** Stage, stride and widths of each of the 22 searchable layers. */
export function fbnetLayout(stem: number, widths: readonly number[]): { cIn: number; cOut: number; stride: number; stage: number }[] {
  const out: { cIn: number; cOut: number; stride: number; stage: number }[] = [];
  let c = stem;
  FBNET_STAGE_LAYERS.forEach((n, s) => {
    for (let i = 0; i < n; i++) {
      out.push({ cIn: c, cOut: widths[s]!, stride: i === 0 ? FBNET_STAGE_STRIDES[s]! : 1, stage: s });
      c = widths[s]!;
    }
  });
  return out;
}

export class FBNetNetwork extends Module implements Layer {
  readonly stem: Sequential;
  readonly features: Sequential;
  readonly out: Sequential;
  readonly classifier: Linear;

  constructor(
    readonly blocks: readonly FBNetBlockName[],
    stack: Required<FBNetStack>,
  ) {
    super();
    const { classes, channels, widths, head } = stack;
    this.stem = this.child('stem', convBnAct(3, channels, 3, 2, 'relu'));
    const layout = fbnetLayout(channels, widths);
    this.features = this.child('features', new Sequential(...layout.map((l, i) => fbnetLayer(blocks[i]!, l.cIn, l.cOut, l.stride))));
    const last = widths[widths.length - 1]!;
    this.out = this.child('out', convBnAct(last, head, 1, 1, 'relu'));
    this.classifier = this.child('classifier', new Linear(head, classes));
  }

  forward(x: Tensor): Tensor {
    const s = this.stem.forward(x);
    const f = this.features.forward(s);
    if (f !== s) s.dispose();
    return headAndClassify(f, this.out, this.classifier);
  }
}
