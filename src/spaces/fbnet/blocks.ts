// FBNet's candidate blocks (Wu et al., CVPR 2019, Table 2), built as the released builder
// (maskrcnn-benchmark `fbnet_builder.py`, IRFBlock and Identity) builds them:
// - every block is 1x1 conv → BN → ReLU, k×k depthwise conv (with the stride) → BN → ReLU,
//   1x1 conv → BN, plus the input where stride is 1 and the channels are kept. Unlike
//   MobileNetV2, an expansion of 1 keeps the first 1x1 conv (the paper's Figure 2 has it in
//   every block);
// - the g2 blocks (`ir_k3_s2`, `ir_k5_s2` in the code) have expansion 1, both 1x1 convs in 2
//   groups, and a channel shuffle after the first one;
// - `skip` is the identity, or 1x1 conv → BN → ReLU where the stride or the channels change.
import { type Tensor } from '../../torch/index.js';
import { BatchNorm2d, Conv2d, Identity, Module, ReLU, Sequential, type Layer, type LayerModule } from '../../nn/index.js';

/** Table 2's nine candidates, in the paper's order. */
export const FBNET_BLOCKS = ['k3_e1', 'k3_e1_g2', 'k3_e3', 'k3_e6', 'k5_e1', 'k5_e1_g2', 'k5_e3', 'k5_e6', 'skip'] as const;
export type FBNetBlockName = (typeof FBNET_BLOCKS)[number];

export interface FBNetBlockSpec {
  kernel: number;
  expansion: number;
  groups: number;
}

/** Kernel, expansion and 1x1 groups of a block name ('skip' has none). */
export function fbnetBlockSpec(name: FBNetBlockName): FBNetBlockSpec | null {
  if (name === 'skip') return null;
  const m = /^k(\d)_e(\d)(_g2)?$/.exec(name)!;
  return { kernel: Number(m[1]), expansion: Number(m[2]), groups: m[3] ? 2 : 1 };
}

/**
 * ShuffleNet's channel shuffle: channels viewed as (groups, C/groups), transposed, flattened,
 * so channel j·(C/g)+i moves to i·g+j and the next grouped conv sees every group's outputs.
 */
export class ChannelShuffle extends Module implements Layer {
  constructor(readonly groups: number) {
    super();
    if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`ChannelShuffle: groups must be a positive integer, got ${groups}`);
  }

  forward(x: Tensor): Tensor {
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const g = this.groups;
    if (c % g !== 0) throw new RangeError(`ChannelShuffle: ${c} channels do not split into ${g} groups`);
    const v = x.view([n, g, c / g, h, w]);
    const p = v.permute([0, 2, 1, 3, 4]);
    v.dispose();
    const out = p.reshape([n, c, h, w]); // reshape copies the non-contiguous permutation
    p.dispose();
    return out;
  }
}

function convBn(cIn: number, cOut: number, kernel: number, o: { stride?: number; groups?: number; relu: boolean }): LayerModule[] {
  const layers: LayerModule[] = [
    new Conv2d(cIn, cOut, kernel, { stride: o.stride ?? 1, padding: kernel >> 1, groups: o.groups ?? 1, bias: false }),
    new BatchNorm2d(cOut),
  ];
  if (o.relu) layers.push(new ReLU());
  return layers;
}

/** FBNet's inverted residual block (the code's IRFBlock, without SE). */
export class FBNetBlock extends Module implements Layer {
  readonly pw: Sequential;
  readonly shuffle: ChannelShuffle | null = null;
  readonly dw: Sequential;
  readonly pwl: Sequential;
  readonly hidden: number;
  readonly residual: boolean;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    spec: FBNetBlockSpec,
    stride: number,
  ) {
    super();
    const { kernel, expansion, groups } = spec;
    this.hidden = inChannels * expansion;
    this.pw = this.child('pw', new Sequential(...convBn(inChannels, this.hidden, 1, { groups, relu: true })));
    if (groups > 1) this.shuffle = this.child('shuffle', new ChannelShuffle(groups));
    this.dw = this.child('dw', new Sequential(...convBn(this.hidden, this.hidden, kernel, { stride, groups: this.hidden, relu: true })));
    this.pwl = this.child('pwl', new Sequential(...convBn(this.hidden, outChannels, 1, { groups, relu: false })));
    this.residual = stride === 1 && inChannels === outChannels;
  }

  forward(x: Tensor): Tensor {
    let h = this.pw.forward(x);
    if (this.shuffle) {
      const s = this.shuffle.forward(h);
      h.dispose();
      h = s;
    }
    const d = this.dw.forward(h);
    h.dispose();
    const y = this.pwl.forward(d);
    d.dispose();
    if (!this.residual) return y;
    const out = y.add(x);
    y.dispose();
    return out;
  }
}

/** The layer a block name stands for at one position. */
export function fbnetLayer(name: FBNetBlockName, cIn: number, cOut: number, stride: number): LayerModule {
  const spec = fbnetBlockSpec(name);
  if (spec) return new FBNetBlock(cIn, cOut, spec, stride);
  if (stride === 1 && cIn === cOut) return new Identity();
  return new Sequential(...convBn(cIn, cOut, 1, { stride, relu: true }));
}
