// The auxiliary classifier (Szegedy et al.'s auxiliary tower) that NASNet, AmoebaNet and DARTS
// attach two thirds of the way up the network during training, built as DARTS' released
// cnn/model.py builds it (AuxiliaryHeadCIFAR / AuxiliaryHeadImageNet):
//   ReLU → avgpool 5 (stride 3 CIFAR, 2 ImageNet; padding 0, count_include_pad=False) →
//   1x1 conv 128 → BN → ReLU → 2x2 conv 768 → BN → ReLU → linear.
// The ImageNet head in DARTS' release has no BN after the 768 conv (a typo kept for the
// paper's numbers); `finalBatchNorm` restores it. Module names (features.N, classifier) match
// DARTS', so its checkpoints map by name. DARTS' first ReLU is in place (it rewrites the cell
// output the next cells read, harmlessly, since they start with ReLU); here the input is left as is.
import { type Tensor, tidy } from '../torch/index.js';
import { AvgPool2d, BatchNorm2d, Conv2d, Linear, ReLU, Sequential } from './layers.js';
import { type Layer, type LayerModule, Module } from './module.js';

export type AuxiliaryHeadVariant = 'cifar' | 'imagenet';

export interface AuxiliaryHeadOptions {
  /** BN after the 2x2 conv: true for CIFAR, false for ImageNet as DARTS released them */
  finalBatchNorm?: boolean;
}

const POOL_STRIDE: Record<AuxiliaryHeadVariant, number> = { cifar: 3, imagenet: 2 };

/**
 * The pooling and 2x2 conv must bring the feature map to 1x1: an 8x8 map for CIFAR (the
 * second reduction of a 32x32 network), 7x7 for ImageNet (DARTS' docstring says 14x14, but its
 * ImageNet network attaches the head after the second reduction, at 7x7).
 */
export class AuxiliaryHead extends Module implements Layer {
  readonly features: Sequential;
  readonly classifier: Linear;

  constructor(
    readonly channels: number,
    readonly numClasses: number,
    readonly variant: AuxiliaryHeadVariant = 'cifar',
    o: AuxiliaryHeadOptions = {},
  ) {
    super();
    if (!(variant in POOL_STRIDE)) throw new RangeError(`AuxiliaryHead: variant must be 'cifar' or 'imagenet', got '${variant}'`);
    const layers: LayerModule[] = [
      new ReLU(),
      new AvgPool2d(5, POOL_STRIDE[variant], 0, false),
      new Conv2d(channels, 128, 1, { bias: false }),
      new BatchNorm2d(128),
      new ReLU(),
      new Conv2d(128, 768, 2, { bias: false }),
    ];
    if (o.finalBatchNorm ?? variant === 'cifar') layers.push(new BatchNorm2d(768));
    layers.push(new ReLU());
    this.features = this.child('features', new Sequential(...layers));
    this.classifier = this.child('classifier', new Linear(768, numClasses));
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.channels) {
      throw new RangeError(`AuxiliaryHead(${this.channels}) expects NCHW input with ${this.channels} channels, got [${x.shape}]`);
    }
    const stride = POOL_STRIDE[this.variant];
    // pooled side ⌊(s−5)/stride⌋+1, then the 2x2 conv takes one off
    const side = (s: number): number => Math.floor((s - 5) / stride);
    const [h, w] = [side(x.shape[2]!), side(x.shape[3]!)];
    if (h !== 1 || w !== 1) {
      const fits = this.variant === 'cifar' ? '8x8 to 10x10' : '7x7 or 8x8';
      throw new RangeError(
        `AuxiliaryHead(${this.variant}) needs a feature map that its pooling and 2x2 conv reduce to 1x1 (${fits}), got ${x.shape[2]}x${x.shape[3]}`,
      );
    }
    return tidy(() => this.classifier.forward(this.features.forward(x).flatten(1)));
  }
}

/** DARTS' AuxiliaryHeadCIFAR (input 8x8). */
export class AuxiliaryHeadCIFAR extends AuxiliaryHead {
  constructor(channels: number, numClasses: number, o: AuxiliaryHeadOptions = {}) {
    super(channels, numClasses, 'cifar', o);
  }
}

/** DARTS' AuxiliaryHeadImageNet (input 7x7; no BN after the 768 conv unless asked). */
export class AuxiliaryHeadImageNet extends AuxiliaryHead {
  constructor(channels: number, numClasses: number, o: AuxiliaryHeadOptions = {}) {
    super(channels, numClasses, 'imagenet', o);
  }
}
