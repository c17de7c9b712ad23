// RMSProp as torch.optim.RMSprop, plus TensorFlow's variant that MnasNet, EfficientNet and
// the NASNet/AmoebaNet ImageNet runs were trained with.
import { type Tensor, foreach, onesLike, zerosLike } from '../torch/index.js';
import { checkRange } from './errors.js';
import { type GroupOptions, type ParamGroup, type ParamState, type ParamsInput, Optimizer, withDefaults } from './optimizer.js';

export interface RMSPropOptions extends GroupOptions {
  /** Decay of the mean-square average (TensorFlow's `decay`/`rho`). */
  alpha: number;
  eps: number;
  momentum: number;
  /** Divide by an estimate of the gradient's variance instead of its raw second moment. */
  centered: boolean;
  /**
   * TensorFlow's formula instead of PyTorch's:
   * - eps inside the square root: g / sqrt(ms + eps) (PyTorch: g / (sqrt(ms) + eps));
   * - the mean-square accumulator starts at 1 (PyTorch: 0), so early steps are small rather
   *   than huge;
   * - lr inside the momentum buffer: b = momentum·b + lr·g/denom, p −= b (PyTorch:
   *   b = momentum·b + g/denom, p −= lr·b); the two differ only while lr changes.
   * MnasNet/EfficientNet use it with alpha 0.9, momentum 0.9, eps 1e-3 (timm's RMSpropTF).
   */
  tfStyle: boolean;
}

export type RMSPropConfig = Partial<RMSPropOptions>;

const DEFAULTS: RMSPropOptions = {
  lr: 1e-2,
  weightDecay: 0,
  alpha: 0.99,
  eps: 1e-8,
  momentum: 0,
  centered: false,
  tfStyle: false,
};

/**
 * Per step, with g the gradient plus weightDecay·p (L2, as both frameworks):
 * ms = alpha·ms + (1 − alpha)·g²; centered: mg = alpha·mg + (1 − alpha)·g and ms − mg² replaces ms;
 * denom = sqrt(ms) + eps (tfStyle: sqrt(ms + eps)); then a momentum or plain step of g/denom.
 */
export class RMSProp extends Optimizer<RMSPropOptions> {
  readonly kind = 'rmsprop';

  constructor(params: ParamsInput<RMSPropOptions>, config: RMSPropConfig = {}) {
    super(params, withDefaults(DEFAULTS, config, 'RMSProp'));
  }

  protected validate(o: RMSPropOptions, where: string): void {
    checkRange(`RMSProp ${where}: lr`, o.lr, 0);
    checkRange(`RMSProp ${where}: weightDecay`, o.weightDecay, 0);
    checkRange(`RMSProp ${where}: alpha`, o.alpha, 0, 1);
    checkRange(`RMSProp ${where}: eps`, o.eps, 0);
    checkRange(`RMSProp ${where}: momentum`, o.momentum, 0);
  }

  protected update(g: ParamGroup<RMSPropOptions>, params: Tensor[], grads: Tensor[], states: ParamState[]): void {
    const d = g.weightDecay !== 0 ? foreach.add(grads, params, g.weightDecay) : grads;
    const init = g.tfStyle ? onesLike : zerosLike;
    const sq = states.map((s, i) => this.buffer(s, 'square_avg', () => init(params[i]!)));
    foreach.mul_(sq, g.alpha);
    foreach.addcmul_(sq, d, d, 1 - g.alpha);
    let ms = sq;
    if (g.centered) {
      const ga = states.map((s, i) => this.buffer(s, 'grad_avg', () => zerosLike(params[i]!)));
      foreach.mul_(ga, g.alpha);
      foreach.add_(ga, d, 1 - g.alpha);
      ms = foreach.addcmul(sq, ga, ga, -1);
    }
    let avg: Tensor[];
    if (g.tfStyle) {
      if (ms === sq) avg = foreach.add(sq, g.eps);
      else foreach.add_((avg = ms), g.eps);
      foreach.sqrt_(avg);
    } else {
      if (ms === sq) avg = foreach.sqrt(sq);
      else foreach.sqrt_((avg = ms));
      foreach.add_(avg, g.eps);
    }
    if (g.momentum > 0) {
      const buf = states.map((s, i) => this.buffer(s, 'momentum_buffer', () => zerosLike(params[i]!)));
      foreach.mul_(buf, g.momentum);
      if (g.tfStyle) {
        foreach.addcdiv_(buf, d, avg, g.lr);
        foreach.sub_(params, buf);
      } else {
        foreach.addcdiv_(buf, d, avg);
        foreach.add_(params, buf, -g.lr);
      }
    } else {
      foreach.addcdiv_(params, d, avg, -g.lr);
    }
  }
}
