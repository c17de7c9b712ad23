// Adam (L2 weight decay added to the gradient) and AdamW (decoupled weight decay), with
// torch.optim.Adam/AdamW's semantics: bias-corrected moments and optional AMSGrad.
import { type Tensor, foreach, zerosLike } from '../torch/index.js';
import { OptimizerError, checkRange } from './errors.js';
import { type GroupOptions, type ParamGroup, type ParamState, type ParamsInput, Optimizer, withDefaults } from './optimizer.js';

export interface AdamOptions extends GroupOptions {
  /** Decays of the first and second moment averages. */
  betas: readonly [number, number];
  eps: number;
  /** Normalise by the running maximum of the second moment (Reddi et al., 2018). */
  amsgrad: boolean;
}

export type AdamConfig = Partial<AdamOptions>;

/**
 * Per step t, with g the gradient (plus weightDecay·p for Adam; AdamW instead shrinks
 * p by lr·weightDecay·p first): m = β1·m + (1 − β1)·g, v = β2·v + (1 − β2)·g²,
 * p −= lr/(1 − β1^t) · m / (sqrt(v̂)/sqrt(1 − β2^t) + eps), v̂ = v (or max over time with AMSGrad).
 */
export class Adam extends Optimizer<AdamOptions> {
  readonly kind: string = 'adam';
  /** AdamW's decoupled decay instead of L2 in the gradient. */
  protected readonly decoupled: boolean = false;

  constructor(params: ParamsInput<AdamOptions>, config: AdamConfig = {}, defaultWeightDecay = 0) {
    super(params, withDefaults({ lr: 1e-3, weightDecay: defaultWeightDecay, betas: [0.9, 0.999], eps: 1e-8, amsgrad: false }, config, 'Adam'));
  }

  protected validate(o: AdamOptions, where: string): void {
    const name = this.constructor.name;
    checkRange(`${name} ${where}: lr`, o.lr, 0);
    checkRange(`${name} ${where}: weightDecay`, o.weightDecay, 0);
    checkRange(`${name} ${where}: eps`, o.eps, 0);
    if (!Array.isArray(o.betas) || o.betas.length !== 2) {
      throw new OptimizerError(`${name} ${where}: betas must be two numbers [beta1, beta2], got ${JSON.stringify(o.betas)}`);
    }
    checkRange(`${name} ${where}: beta1`, o.betas[0], 0, 1, true);
    checkRange(`${name} ${where}: beta2`, o.betas[1], 0, 1, true);
  }

  protected update(g: ParamGroup<AdamOptions>, params: Tensor[], grads: Tensor[], states: ParamState[]): void {
    const [b1, b2] = g.betas;
    let d = grads;
    if (this.decoupled) {
      if (g.weightDecay !== 0) foreach.mul_(params, 1 - g.lr * g.weightDecay);
    } else if (g.weightDecay !== 0) {
      d = foreach.add(grads, params, g.weightDecay);
    }
    const zeros = (name: string): Tensor[] => states.map((s, i) => this.buffer(s, name, () => zerosLike(params[i]!)));
    const m = zeros('exp_avg');
    const v = zeros('exp_avg_sq');
    foreach.mul_(m, b1);
    foreach.add_(m, d, 1 - b1);
    foreach.mul_(v, b2);
    foreach.addcmul_(v, d, d, 1 - b2);
    let second = v;
    if (g.amsgrad) {
      second = zeros('max_exp_avg_sq');
      foreach.maximum_(second, v);
    }
    // Bias corrections depend on each parameter's step count; parameters that skipped steps
    // (no gradient) differ, so update each set of equal counts with one call per op.
    for (const idx of byStep(states)) {
      const t = states[idx[0]!]!.step;
      const pick = (l: Tensor[]): Tensor[] => (idx.length === l.length ? l : idx.map((i) => l[i]!));
      const denom = foreach.sqrt(pick(second));
      foreach.div_(denom, Math.sqrt(1 - b2 ** t));
      foreach.add_(denom, g.eps);
      foreach.addcdiv_(pick(params), pick(m), denom, -g.lr / (1 - b1 ** t));
    }
  }
}

/** Adam with decoupled weight decay (Loshchilov & Hutter), weightDecay 1e-2 by default as PyTorch. */
export class AdamW extends Adam {
  override readonly kind: string = 'adamw';
  protected override readonly decoupled: boolean = true;

  constructor(params: ParamsInput<AdamOptions>, config: AdamConfig = {}) {
    super(params, config, 1e-2);
  }
}

/** Indices grouped by equal step count, in first-seen order. */
function byStep(states: readonly ParamState[]): number[][] {
  const groups = new Map<number, number[]>();
  states.forEach((s, i) => {
    const l = groups.get(s.step);
    if (l === undefined) groups.set(s.step, [i]);
    else l.push(i);
  });
  return [...groups.values()];
}
