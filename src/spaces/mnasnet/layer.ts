// One searchable layer of the MnasNet-style factorized spaces (MnasNet, MobileNetV3): a conv op
// (regular conv, depthwise separable conv, or inverted bottleneck with any expanded width), an
// optional squeeze-and-excitation after the spatial conv, and a skip op. The block layouts of
// torchvision's mnasnet/mobilenet_v2/mobilenet_v3 are reproduced exactly (parameter counts
// included): expand 1x1 → BN → act → kxk depthwise → BN → act → SE → 1x1 project → BN.
import { type Tensor, tidy } from '../../torch/index.js';
import {
  AvgPool2d,
  BatchNorm2d,
  type BatchNormOptions,
  Conv2d,
  HSwish,
  type Layer,
  type LayerModule,
  Module,
  ReLU,
  ReLU6,
  Sequential,
  SqueezeExcite,
} from '../../nn/index.js';

export type ConvOp = 'conv' | 'dconv' | 'mbconv';
export type SkipOp = 'none' | 'identity' | 'pool';
export type LayerActivation = 'relu' | 'relu6' | 'hswish';
/** MnasNet's SE (reduced = ⌊blockIn·0.25⌋, sigmoid) or MobileNetV3's (makeDivisible(exp/4), hard sigmoid) */
export type SEKind = 'none' | 'mnasnet' | 'mobilenetv3';

export interface MobileLayerSpec {
  op: ConvOp;
  inChannels: number;
  outChannels: number;
  /** the expanded width of an mbconv (equal to inChannels: no expand conv); ignored by conv/dconv */
  hidden: number;
  kernel: number;
  stride: number;
  se: SEKind;
  activation: LayerActivation;
  skip: SkipOp;
  bn?: BatchNormOptions;
}

function act(kind: LayerActivation): LayerModule {
  if (kind === 'hswish') return new HSwish();
  return kind === 'relu6' ? new ReLU6() : new ReLU();
}

/** Whether an identity skip takes effect: only where the layer keeps the shape (as in MobileNetV2). */
export function identityApplies(s: Pick<MobileLayerSpec, 'inChannels' | 'outChannels' | 'stride'>): boolean {
  return s.stride === 1 && s.inChannels === s.outChannels;
}

export class MobileLayer extends Module implements Layer {
  readonly expand: Sequential | null = null;
  /** the spatial conv: depthwise for dconv/mbconv, the regular conv (with BN and act) for conv */
  readonly spatial: Sequential;
  readonly se: SqueezeExcite | null = null;
  readonly project: Sequential | null = null;
  /** the 'pool' skip path: 3x3 average pool with the layer's stride, plus a 1x1 conv + BN when widths differ */
  readonly shortcut: Sequential | null = null;
  readonly residual: boolean;

  constructor(readonly spec: MobileLayerSpec) {
    super();
    const { op, inChannels: cIn, outChannels: cOut, kernel: k, stride, bn } = spec;
    const pad = k >> 1;
    const seOn = (c: number): SqueezeExcite | null => {
      if (spec.se === 'none') return null;
      return spec.se === 'mnasnet' ? SqueezeExcite.mnasnet(c, cIn) : SqueezeExcite.mobilenetV3(c);
    };
    if (op === 'conv') {
      this.spatial = this.child(
        'spatial',
        new Sequential(new Conv2d(cIn, cOut, k, { stride, padding: pad, bias: false }), new BatchNorm2d(cOut, bn), act(spec.activation)),
      );
      const se = seOn(cOut);
      if (se) this.se = this.child('se', se);
    } else {
      const hidden = op === 'mbconv' ? spec.hidden : cIn;
      if (hidden !== cIn) {
        this.expand = this.child('expand', new Sequential(new Conv2d(cIn, hidden, 1, { bias: false }), new BatchNorm2d(hidden, bn), act(spec.activation)));
      }
      this.spatial = this.child(
        'spatial',
        new Sequential(new Conv2d(hidden, hidden, k, { stride, padding: pad, groups: hidden, bias: false }), new BatchNorm2d(hidden, bn), act(spec.activation)),
      );
      const se = seOn(hidden);
      if (se) this.se = this.child('se', se);
      this.project = this.child('project', new Sequential(new Conv2d(hidden, cOut, 1, { bias: false }), new BatchNorm2d(cOut, bn)));
    }
    if (spec.skip === 'pool') {
      const path: LayerModule[] = [new AvgPool2d(3, stride, 1, false)];
      if (cIn !== cOut) path.push(new Conv2d(cIn, cOut, 1, { bias: false }), new BatchNorm2d(cOut, bn));
      this.shortcut = this.child('shortcut', new Sequential(...path));
    }
    this.residual = spec.skip === 'identity' && identityApplies(spec);
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      let h = this.expand ? this.expand.forward(x) : x;
      h = this.spatial.forward(h);
      if (this.se) h = this.se.forward(h);
      if (this.project) h = this.project.forward(h);
      if (this.residual) return h.add(x);
      if (this.shortcut) return h.add(this.shortcut.forward(x));
      return h;
    });
  }
}
