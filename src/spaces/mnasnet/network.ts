// The mobile classifier skeleton shared by the MnasNet and MobileNetV3 spaces: a 3x3 stem conv,
// the searched layers, a 1x1 conv to the head width, global average pooling and a classifier
// (MnasNet/MobileNetV2: dropout → linear; MobileNetV3: linear → h-swish → dropout → linear).
import { F, type Tensor, tidy } from '../../torch/index.js';
import { BatchNorm2d, type BatchNormOptions, Conv2d, Dropout, HSwish, type Layer, Linear, Module, ReLU, ReLU6, Sequential } from '../../nn/index.js';
import { type LayerActivation, MobileLayer, type MobileLayerSpec } from './layer.js';

export interface MobileNetworkSpec {
  classes: number;
  stemChannels: number;
  stemStride: number;
  stemActivation: LayerActivation;
  layers: readonly MobileLayerSpec[];
  /** the 1x1 conv after the last layer */
  lastConv: number;
  lastActivation: LayerActivation;
  /** MobileNetV3's hidden linear layer (0: none, the pooled features go to the classifier) */
  hiddenLinear: number;
  dropout: number;
  bn?: BatchNormOptions;
}

function activation(kind: LayerActivation): Module & Layer {
  if (kind === 'hswish') return new HSwish();
  return kind === 'relu6' ? new ReLU6() : new ReLU();
}

export class MobileNetwork extends Module implements Layer {
  readonly stem: Sequential;
  readonly features: Sequential;
  readonly head: Sequential;
  readonly classifier: Sequential;

  constructor(readonly spec: MobileNetworkSpec) {
    super();
    const { bn } = spec;
    this.stem = this.child(
      'stem',
      new Sequential(
        new Conv2d(3, spec.stemChannels, 3, { stride: spec.stemStride, padding: 1, bias: false }),
        new BatchNorm2d(spec.stemChannels, bn),
        activation(spec.stemActivation),
      ),
    );
    this.features = this.child('features', new Sequential(...spec.layers.map((l) => new MobileLayer(l))));
    const last = spec.layers.length ? spec.layers[spec.layers.length - 1]!.outChannels : spec.stemChannels;
    this.head = this.child(
      'head',
      new Sequential(new Conv2d(last, spec.lastConv, 1, { bias: false }), new BatchNorm2d(spec.lastConv, bn), activation(spec.lastActivation)),
    );
    this.classifier = this.child(
      'classifier',
      spec.hiddenLinear > 0
        ? new Sequential(new Linear(spec.lastConv, spec.hiddenLinear), new HSwish(), new Dropout(spec.dropout), new Linear(spec.hiddenLinear, spec.classes))
        : new Sequential(new Dropout(spec.dropout), new Linear(spec.lastConv, spec.classes)),
    );
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const h = this.head.forward(this.features.forward(this.stem.forward(x)));
      return this.classifier.forward(F.globalAvgPool(h));
    });
  }
}
