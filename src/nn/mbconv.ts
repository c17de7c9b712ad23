// MobileNetV2's inverted residual block (MBConv): 1x1 expand → kxk depthwise (with the stride)
// → 1x1 linear projection, with a residual add when the shape is kept.
import { type Tensor } from '../torch/index.js';
import { BatchNorm2d, Conv2d, Sequential } from './layers.js';
import { InplaceReLU, InplaceReLU6 } from './inplace.js';
import { type Layer, type LayerModule, Module } from './module.js';

export type MBActivation = 'relu6' | 'relu';

export interface MBConvOptions {
  kernel?: number;
  stride?: number;
  /** hidden channels = round(inChannels × expansion); 1 skips the expand conv */
  expansion?: number;
  /** ReLU6 in MobileNetV2; NAS-Bench-Macro uses plain ReLU */
  activation?: MBActivation;
}

// Activations follow batch norm, so they can overwrite its output (as PyTorch's inplace=True).
function act(kind: MBActivation): LayerModule {
  return kind === 'relu6' ? new InplaceReLU6() : new InplaceReLU();
}

export class MBConv extends Module implements Layer {
  /** null when expansion is 1 (the block starts at the depthwise conv) */
  readonly expand: Sequential | null = null;
  readonly depthwise: Sequential;
  readonly project: Sequential;
  readonly hidden: number;
  readonly residual: boolean;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    o: MBConvOptions = {},
  ) {
    super();
    const k = o.kernel ?? 3;
    const stride = o.stride ?? 1;
    const e = o.expansion ?? 6;
    const a = o.activation ?? 'relu6';
    if (k % 2 !== 1) throw new RangeError(`MBConv: kernel must be odd, got ${k}`);
    if (stride !== 1 && stride !== 2) throw new RangeError(`MBConv: stride must be 1 or 2, got ${stride}`);
    if (!(e >= 1)) throw new RangeError(`MBConv: expansion must be at least 1, got ${e}`);
    this.hidden = Math.round(inChannels * e);
    if (e !== 1) {
      this.expand = this.child('expand', new Sequential(new Conv2d(inChannels, this.hidden, 1, { bias: false }), new BatchNorm2d(this.hidden), act(a)));
    }
    this.depthwise = this.child(
      'depthwise',
      new Sequential(
        new Conv2d(this.hidden, this.hidden, k, { stride, padding: k >> 1, groups: this.hidden, bias: false }),
        new BatchNorm2d(this.hidden),
        act(a),
      ),
    );
    this.project = this.child('project', new Sequential(new Conv2d(this.hidden, outChannels, 1, { bias: false }), new BatchNorm2d(outChannels)));
    this.residual = stride === 1 && inChannels === outChannels;
  }

  forward(x: Tensor): Tensor {
    const h = this.expand ? this.expand.forward(x) : x;
    const d = this.depthwise.forward(h);
    if (h !== x) h.dispose();
    const y = this.project.forward(d);
    d.dispose();
    if (!this.residual) return y;
    const out = y.add(x);
    y.dispose();
    return out;
  }
}
