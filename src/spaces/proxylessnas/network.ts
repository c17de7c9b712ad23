// ProxylessNAS's ImageNet backbone (Cai, Zhu and Han, ICLR 2019), as the released networks
// (mit-han-lab/proxylessnas `proxyless_nas/nas_modules.py` and the `*.config` files) build it:
// a 3x3 stride-2 conv → BN → ReLU6, a fixed 3x3 MBConv with expansion 1, then 21 searchable
// layers in six groups (4, 4, 4, 4, 4, 1 layers; the first layer of groups 1, 2, 3 and 5 has
// stride 2, each group's first layer sets its width), a 1x1 conv → BN → ReLU6, global average
// pooling and a linear classifier. A searchable layer is an MBConv (ReLU6; residual where the
// shape is kept) or, except as the first layer of a group, `zero`: the layer is left out and
// only its residual (the input) remains.
import { type Tensor } from '../../torch/index.js';
import { Identity, Linear, MBConv, Module, Sequential, type Layer, type LayerModule } from '../../nn/index.js';
import { convBnAct, headAndClassify } from '../mobile/index.js';

/** searchable layers per group (each group's first layer has no `zero`) */
export const PROXYLESS_GROUP_LAYERS: readonly number[] = [4, 4, 4, 4, 4, 1];
/** stride of each group's first layer */
export const PROXYLESS_GROUP_STRIDES: readonly number[] = [2, 2, 2, 1, 2, 1];
export const PROXYLESS_LAYERS = PROXYLESS_GROUP_LAYERS.reduce((a, b) => a + b, 0);
/** the released mobile network's widths: the fixed first block, then the six groups */
export const PROXYLESS_MOBILE_WIDTHS: readonly number[] = [16, 32, 40, 80, 96, 192, 320];

export const PROXYLESS_OPS = ['k3_e3', 'k3_e6', 'k5_e3', 'k5_e6', 'k7_e3', 'k7_e6', 'zero'] as const;
export type ProxylessOp = (typeof PROXYLESS_OPS)[number];

export interface ProxylessStack {
  classes?: number;
  /** the stem conv's width (32 in the mobile network, 40 in the GPU and CPU ones) */
  channels?: number;
  /** seven widths: the fixed first block's, then the six groups' */
  widths?: readonly number[];
  /** the final 1x1 conv's width (1280 mobile, 1728 GPU, 1432 CPU) */
  head?: number;
}

export interface ProxylessLayerSlot {
  cIn: number;
  cOut: number;
  stride: number;
  group: number;
  /** the first layer of a group: no residual, so no `zero` */
  first: boolean;
}

/** Widths, stride and group of each of the 21 searchable layers. */
export function proxylessLayout(widths: readonly number[]): ProxylessLayerSlot[] {
  const out: ProxylessLayerSlot[] = [];
  let c = widths[0]!;
  PROXYLESS_GROUP_LAYERS.forEach((n, g) => {
    for (let i = 0; i < n; i++) {
      out.push({ cIn: c, cOut: widths[g + 1]!, stride: i === 0 ? PROXYLESS_GROUP_STRIDES[g]! : 1, group: g, first: i === 0 });
      c = widths[g + 1]!;
    }
  });
  return out;
}

function opLayer(op: ProxylessOp, slot: ProxylessLayerSlot): LayerModule {
  if (op === 'zero') return new Identity();
  const m = /^k(\d)_e(\d)$/.exec(op)!;
  return new MBConv(slot.cIn, slot.cOut, { kernel: Number(m[1]), expansion: Number(m[2]), stride: slot.stride, activation: 'relu6' });
}

export class ProxylessNetwork extends Module implements Layer {
  readonly stem: Sequential;
  readonly first: MBConv;
  readonly features: Sequential;
  readonly out: Sequential;
  readonly classifier: Linear;

  constructor(
    readonly blocks: readonly ProxylessOp[],
    stack: Required<ProxylessStack>,
  ) {
    super();
    const { classes, channels, widths, head } = stack;
    this.stem = this.child('stem', convBnAct(3, channels, 3, 2, 'relu6'));
    this.first = this.child('first', new MBConv(channels, widths[0]!, { kernel: 3, expansion: 1, activation: 'relu6' }));
    this.features = this.child('features', new Sequential(...proxylessLayout(widths).map((s, i) => opLayer(blocks[i]!, s))));
    const last = widths[widths.length - 1]!;
    this.out = this.child('out', convBnAct(last, head, 1, 1, 'relu6'));
    this.classifier = this.child('classifier', new Linear(head, classes));
  }

  forward(x: Tensor): Tensor {
    const s = this.stem.forward(x);
    const a = this.first.forward(s);
    s.dispose();
    const f = this.features.forward(a);
    if (f !== a) a.dispose();
    return headAndClassify(f, this.out, this.classifier);
  }
}
