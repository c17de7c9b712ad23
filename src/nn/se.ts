// Squeeze-and-excitation (Hu et al., 2018) as the mobile search spaces put it inside MBConv
// blocks: global average pool → 1x1 conv down to a reduced width → activation → 1x1 conv back →
// gate → rescale each channel of the input by its gate.
//
// The two published variants differ in the reduced width, the activation and the gate:
// - MnasNet (Tan et al., 2019; EfficientNet reuses it with swish): reduced = max(1, ⌊blockIn·ratio⌋)
//   where blockIn is the block's INPUT channels (not the expanded ones), ratio 0.25; ReLU; sigmoid.
// - MobileNetV3 (Howard et al., 2019): reduced = makeDivisible(⌊expanded/4⌋, 8); ReLU; hard sigmoid.
// Parameter names (fc1, fc2) follow torchvision's SqueezeExcitation so weights load by name.
import { F, type Tensor, tidy } from '../torch/index.js';
import { Conv2d } from './layers.js';
import { type Layer, Module } from './module.js';

/**
 * The channel rounding of MobileNetV2/V3 (TF's `_make_divisible`): the nearest multiple of
 * `divisor` at or above `minValue` (default `divisor`), bumped up one step if rounding lost
 * more than 10% of `v`.
 */
export function makeDivisible(v: number, divisor = 8, minValue = divisor): number {
  const rounded = Math.max(minValue, Math.floor((v + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * v ? rounded + divisor : rounded;
}

/** MnasNet's reduced width: max(1, ⌊blockInChannels · ratio⌋). */
export function mnasnetSEWidth(blockInChannels: number, ratio = 0.25): number {
  return Math.max(1, Math.floor(blockInChannels * ratio));
}

/** MobileNetV3's reduced width: makeDivisible(⌊expandedChannels / 4⌋, 8). */
export function mobilenetV3SEWidth(expandedChannels: number): number {
  return makeDivisible(Math.floor(expandedChannels / 4), 8);
}

export type SEActivation = 'relu' | 'swish' | 'hswish';
export type SEGate = 'sigmoid' | 'hsigmoid';

export interface SqueezeExciteOptions {
  /** between the two 1x1 convs: ReLU (MnasNet, MobileNetV3) or swish (EfficientNet) */
  activation?: SEActivation;
  /** sigmoid (MnasNet, EfficientNet) or hard sigmoid relu6(x+3)/6 (MobileNetV3) */
  gate?: SEGate;
}

function activate(x: Tensor, kind: SEActivation): Tensor {
  if (kind === 'relu') return x.relu();
  return kind === 'swish' ? F.silu(x) : F.hardswish(x);
}

export class SqueezeExcite extends Module implements Layer {
  readonly fc1: Conv2d;
  readonly fc2: Conv2d;
  readonly activation: SEActivation;
  readonly gate: SEGate;

  /** `channels` is the width the block applies SE to (the expanded width inside an MBConv). */
  constructor(
    readonly channels: number,
    readonly reducedChannels: number,
    o: SqueezeExciteOptions = {},
  ) {
    super();
    if (!Number.isInteger(channels) || channels < 1 || !Number.isInteger(reducedChannels) || reducedChannels < 1) {
      throw new RangeError(
        `SqueezeExcite: channels (${channels}) and reducedChannels (${reducedChannels}) must be positive integers; use mnasnetSEWidth or mobilenetV3SEWidth to compute the reduced width`,
      );
    }
    this.activation = o.activation ?? 'relu';
    this.gate = o.gate ?? 'sigmoid';
    this.fc1 = this.child('fc1', new Conv2d(channels, reducedChannels, 1));
    this.fc2 = this.child('fc2', new Conv2d(reducedChannels, channels, 1));
  }

  /** MnasNet's SE: width from the block's input channels × ratio, ReLU, sigmoid. */
  static mnasnet(expandedChannels: number, blockInChannels: number, ratio = 0.25): SqueezeExcite {
    return new SqueezeExcite(expandedChannels, mnasnetSEWidth(blockInChannels, ratio), { activation: 'relu', gate: 'sigmoid' });
  }

  /** MobileNetV3's SE: width makeDivisible(expanded/4, 8), ReLU, hard sigmoid. */
  static mobilenetV3(expandedChannels: number): SqueezeExcite {
    return new SqueezeExcite(expandedChannels, mobilenetV3SEWidth(expandedChannels), { activation: 'relu', gate: 'hsigmoid' });
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.channels) {
      throw new RangeError(`SqueezeExcite(${this.channels}) expects NCHW input with ${this.channels} channels, got shape [${x.shape}]`);
    }
    return tidy(() => {
      const squeezed = x.mean([2, 3], true);
      const hidden = activate(this.fc1.forward(squeezed), this.activation);
      const logits = this.fc2.forward(hidden);
      const g = this.gate === 'sigmoid' ? logits.sigmoid() : F.hardsigmoid(logits);
      return x.mul(g);
    });
  }
}
