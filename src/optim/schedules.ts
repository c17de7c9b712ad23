// Learning-rate schedules as pure functions of time, and a Scheduler that writes them into an
// optimiser's groups. Time is whatever unit the caller counts in (epochs, fractional epochs or
// steps); a schedule maps (t, the group's base lr) to the lr at t, so groups with different
// base lrs follow the same shape, as PyTorch's schedulers do.
import { OptimizerError, checkRange } from './errors.js';
import { type GroupOptions, type Optimizer } from './optimizer.js';

/** lr at time t (t ≥ 0) for a group whose initial lr is `base`. */
export type Schedule = (t: number, base: number) => number;

/** The base lr throughout. */
export function constant(): Schedule {
  return (_t, base) => base;
}

/**
 * Cosine annealing from base to etaMin over [start, total] (torch's CosineAnnealingLR with
 * T_max = total − start); base before `start`, etaMin after `total` (no restarts).
 */
export function cosine(o: { total: number; etaMin?: number; start?: number }): Schedule {
  const start = o.start ?? 0;
  const etaMin = o.etaMin ?? 0;
  checkRange('cosine: start', start, 0);
  checkRange('cosine: etaMin', etaMin, 0);
  if (!(o.total > start)) throw new OptimizerError(`cosine: total (${o.total}) must be greater than start (${start})`);
  const span = o.total - start;
  return (t, base) => {
    const x = Math.min(Math.max(t - start, 0), span);
    return etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * x) / span))) / 2;
  };
}

/** base · gamma^floor(t / stepSize) (torch's StepLR). */
export function stepDecay(o: { stepSize: number; gamma?: number }): Schedule {
  const gamma = o.gamma ?? 0.1;
  checkRange('stepDecay: stepSize', o.stepSize, Number.MIN_VALUE);
  checkRange('stepDecay: gamma', gamma, 0);
  return (t, base) => base * gamma ** Math.floor(t / o.stepSize);
}

/**
 * base · gamma^(t / every), floored to whole periods when `staircase` (the default): with
 * every = 1 this is torch's ExponentialLR; MnasNet uses gamma 0.97 every 2.4 epochs.
 */
export function exponentialDecay(o: { gamma: number; every?: number; staircase?: boolean }): Schedule {
  const every = o.every ?? 1;
  const staircase = o.staircase ?? true;
  checkRange('exponentialDecay: gamma', o.gamma, 0);
  checkRange('exponentialDecay: every', every, Number.MIN_VALUE);
  return (t, base) => base * o.gamma ** (staircase ? Math.floor(t / every) : t / every);
}

/**
 * Linear warm-up in front of `inner`: for t < length the lr rises linearly from
 * startFactor·base to base; from `length` on it is inner(t) (inner sees the same clock, as in
 * the MnasNet/EfficientNet TensorFlow code; give cosine `start: length` to anneal after it).
 */
export function warmup(inner: Schedule, o: { length: number; startFactor?: number }): Schedule {
  const f0 = o.startFactor ?? 0;
  checkRange('warmup: length', o.length, 0);
  checkRange('warmup: startFactor', f0, 0, 1);
  return (t, base) => (t < o.length ? base * (f0 + ((1 - f0) * t) / o.length) : inner(t, base));
}

/** Applies a schedule to an optimiser's groups; remembers each group's base lr. */
export class Scheduler {
  private readonly baseLrs: number[];

  constructor(
    private readonly optimizer: Optimizer<GroupOptions>,
    private readonly schedule: Schedule,
  ) {
    this.baseLrs = optimizer.groups.map((g) => g.lr);
  }

  /** Set every group's lr for time t and return them. */
  at(t: number): number[] {
    checkRange('Scheduler.at: time', t, 0);
    return this.optimizer.groups.map((g, i) => {
      const base = this.baseLrs[i] ?? g.lr;
      if (this.baseLrs[i] === undefined) this.baseLrs[i] = base; // a group added later starts from its lr
      g.lr = this.schedule(t, base);
      return g.lr;
    });
  }

  /** The lrs the groups start from (what a resumed run must restore). */
  stateDict(): { baseLrs: number[] } {
    return { baseLrs: [...this.baseLrs] };
  }

  loadStateDict(s: { baseLrs: readonly number[] }): void {
    if (s.baseLrs.length !== this.optimizer.groups.length) {
      throw new OptimizerError(`the scheduler state has ${s.baseLrs.length} base lrs but the optimiser has ${this.optimizer.groups.length} groups`);
    }
    s.baseLrs.forEach((lr, i) => checkRange(`scheduler base lr ${i}`, lr, 0));
    this.baseLrs.splice(0, this.baseLrs.length, ...s.baseLrs);
  }
}
