// Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay, with
// torch.optim.SGD's exact semantics (the momentum buffer starts as the first gradient).
import { type Tensor, foreach } from '../torch/index.js';
import { OptimizerError, checkRange } from './errors.js';
import { type GroupOptions, type ParamGroup, type ParamState, type ParamsInput, Optimizer, withDefaults } from './optimizer.js';

export interface SGDOptions extends GroupOptions {
  momentum: number;
  dampening: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). */
  nesterov: boolean;
}

export type SGDConfig = Partial<SGDOptions> & { lr: number };

const DEFAULTS: Omit<SGDOptions, 'lr'> = { weightDecay: 0, momentum: 0, dampening: 0, nesterov: false };

/**
 * Per step, with g the gradient plus weightDecay·p:
 * b = g on the first step, else momentum·b + (1 − dampening)·g;
 * p −= lr·(g + momentum·b) with Nesterov, else p −= lr·b (p −= lr·g without momentum).
 */
export class SGD extends Optimizer<SGDOptions> {
  readonly kind = 'sgd';

  constructor(params: ParamsInput<SGDOptions>, config: SGDConfig) {
    super(params, withDefaults({ lr: config.lr, ...DEFAULTS }, config, 'SGD'));
  }

  protected validate(o: SGDOptions, where: string): void {
    checkRange(`SGD ${where}: lr`, o.lr, 0);
    checkRange(`SGD ${where}: weightDecay`, o.weightDecay, 0);
    checkRange(`SGD ${where}: momentum`, o.momentum, 0);
    checkRange(`SGD ${where}: dampening`, o.dampening, 0, 1);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new OptimizerError(`SGD ${where}: Nesterov momentum needs momentum > 0 and dampening 0 (got momentum ${o.momentum}, dampening ${o.dampening})`);
    }
  }

  protected update(g: ParamGroup<SGDOptions>, params: Tensor[], grads: Tensor[], states: ParamState[]): void {
    let d = g.weightDecay !== 0 ? foreach.add(grads, params, g.weightDecay) : grads;
    if (g.momentum !== 0) {
      const running: number[] = [];
      states.forEach((s, i) => {
        if (s.buffers.momentum_buffer !== undefined) running.push(i);
        else this.buffer(s, 'momentum_buffer', () => d[i]!.clone());
      });
      const bufs = running.map((i) => states[i]!.buffers.momentum_buffer!);
      foreach.mul_(bufs, g.momentum);
      foreach.add_(
        bufs,
        running.map((i) => d[i]!),
        1 - g.dampening,
      );
      const all = states.map((s) => s.buffers.momentum_buffer!);
      d = g.nesterov ? foreach.add(d, all, g.momentum) : all;
    }
    foreach.add_(params, d, -g.lr);
  }
}
