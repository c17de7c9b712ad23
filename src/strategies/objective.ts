// Objectives: a candidate's score as a function of its metrics (higher is better, always
// finite, since strategies compare and average scores). Accuracy alone, MnasNet's
// latency-aware reward, a hard constraint, and a Pareto front over several metrics.
// `objectiveFromSpec` (objective-spec.ts) reads them from a config file.
import { type Json } from '../util/index.js';
import { StrategyError } from './errors.js';
import { type ParetoMetric, formatParetoMetrics } from './pareto.js';
import { type Metrics } from './strategy.js';

export interface Objective {
  /** the metric the score is mainly read from, e.g. 'valAccuracy' (the accuracy, for MnasNet's reward) */
  readonly metric: string;
  readonly direction: 'maximize' | 'minimize';
  /** the score of `metrics`; higher is better for every objective */
  score(metrics: Metrics): number;
  /** the spec `objectiveFromSpec` reads back into this objective (stored with a study) */
  readonly spec?: Json;
  /** every metric the score reads (an evaluator must give them all) */
  readonly reads?: readonly string[];
  /** set for a multi-objective search: the metrics whose front the search reports */
  readonly pareto?: readonly ParetoMetric[];
}

/** `metrics[metric]` as a finite number, or a StrategyError naming what the evaluator gave. */
export function readMetric(metric: string, metrics: Metrics): number {
  const v = metrics[metric];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    const have = Object.keys(metrics).join(', ') || 'none';
    throw new StrategyError(
      `the objective needs the metric '${metric}' as a finite number, got ${JSON.stringify(v)}; metrics given: ${have}`,
      'missing-metric',
    );
  }
  return v;
}

/** Maximise one metric, e.g. validation accuracy (the default: strategies select by validation). */
export function maximize(metric = 'valAccuracy'): Objective {
  return { metric, direction: 'maximize', score: (m) => readMetric(metric, m), spec: { name: 'maximize', metric }, reads: [metric] };
}

/** Minimise one metric (e.g. latency): the score is its negative. */
export function minimize(metric: string): Objective {
  return { metric, direction: 'minimize', score: (m) => -readMetric(metric, m), spec: { name: 'minimize', metric }, reads: [metric] };
}

export interface MnasNetOptions {
  /** the cost metric LAT: a latency, MACs/FLOPs or parameter count, e.g. 'latencyMs_raspi4', 'flops', 'params' */
  readonly metric: string;
  /** the target T, in the metric's units (> 0) */
  readonly target: number;
  /** the exponent when LAT ≤ T (soft: -0.07; hard: 0) */
  readonly alpha: number;
  /** the exponent when LAT > T (soft: -0.07; hard: -1) */
  readonly beta: number;
  /** the accuracy metric ACC (default 'valAccuracy') */
  readonly accuracy?: string;
}

/** MnasNet's soft setting (Tan et al., CVPR 2019): α = β = -0.07, a smooth trade-off everywhere. */
export const MNASNET_SOFT = { alpha: -0.07, beta: -0.07 } as const;
/** MnasNet's hard setting: α = 0, β = -1, no effect below the target and a steep penalty above it. */
export const MNASNET_HARD = { alpha: 0, beta: -1 } as const;

/**
 * MnasNet's reward ACC × (LAT/T)^w with w = α when LAT ≤ T and w = β above T. The score is in
 * the accuracy's units (e.g. percent). LAT must be positive: a zero latency would make the
 * reward infinite, so it is refused as a metric error.
 */
export function mnasnetReward(o: MnasNetOptions): Objective {
  const acc = o.accuracy ?? 'valAccuracy';
  if (!(o.target > 0) || !Number.isFinite(o.target))
    throw new StrategyError(`mnasnet: 'target' must be a positive number, got ${o.target}`, 'invalid-objective');
  return {
    metric: acc,
    direction: 'maximize',
    reads: [acc, o.metric],
    spec: { name: 'mnasnet', metric: o.metric, target: o.target, alpha: o.alpha, beta: o.beta, accuracy: acc },
    score(m) {
      const a = readMetric(acc, m);
      const lat = readMetric(o.metric, m);
      if (lat <= 0) throw new StrategyError(`mnasnet: the metric '${o.metric}' is ${lat}; the reward needs it positive`, 'missing-metric');
      return a * (lat / o.target) ** (lat <= o.target ? o.alpha : o.beta);
    },
  };
}

export interface ConstraintOptions {
  /** the constrained metric, e.g. 'params' */
  readonly metric: string;
  /** feasible when metric ≤ max */
  readonly max?: number;
  /** feasible when metric ≥ min */
  readonly min?: number;
  /** what feasible candidates are scored by */
  readonly objective: Objective;
  /** every feasible score must lie above it; infeasible scores lie below it (default -1e6) */
  readonly floor?: number;
}

export const CONSTRAINT_FLOOR = -1e6;

/**
 * A hard constraint: feasible candidates score as `objective` does; an infeasible one scores
 * `floor − violation`, where the violation is the overshoot relative to the limit
 * ((value − max)/|max|, or the absolute overshoot for a limit of 0). So every infeasible score
 * is finite (strategies need finite scores) and below every feasible one, and among infeasible
 * candidates the nearer to feasible scores higher, which steers evolution back. A feasible score
 * at or below the floor would break that order, so it is refused with an error naming the floor.
 */
export function constrained(o: ConstraintOptions): Objective {
  const floor = o.floor ?? CONSTRAINT_FLOOR;
  if (o.max === undefined && o.min === undefined) throw new StrategyError(`constraint on '${o.metric}' needs 'max' or 'min' (or both)`, 'invalid-objective');
  for (const [k, v] of [
    ['max', o.max],
    ['min', o.min],
    ['floor', floor],
  ] as const) {
    if (v !== undefined && !Number.isFinite(v)) throw new StrategyError(`constraint: '${k}' must be a finite number, got ${v}`, 'invalid-objective');
  }
  if (o.max !== undefined && o.min !== undefined && o.min > o.max) {
    throw new StrategyError(`constraint on '${o.metric}': min (${o.min}) is above max (${o.max}), so nothing is feasible`, 'invalid-objective');
  }
  const over = (v: number, limit: number): number => (limit === 0 ? v : v / Math.abs(limit));
  return {
    metric: o.objective.metric,
    direction: o.objective.direction,
    reads: [...new Set([...(o.objective.reads ?? [o.objective.metric]), o.metric])],
    spec: {
      name: 'constraint',
      metric: o.metric,
      ...(o.max !== undefined ? { max: o.max } : {}),
      ...(o.min !== undefined ? { min: o.min } : {}),
      objective: o.objective.spec ?? { name: o.objective.direction, metric: o.objective.metric },
      floor,
    },
    score(m) {
      const v = readMetric(o.metric, m);
      let violation = 0;
      if (o.max !== undefined && v > o.max) violation += over(v - o.max, o.max);
      if (o.min !== undefined && v < o.min) violation += over(o.min - v, o.min);
      if (violation > 0) return floor - violation;
      const s = o.objective.score(m);
      if (s <= floor) {
        throw new StrategyError(
          `constraint: a feasible candidate scores ${s}, not above the floor ${floor}; set the constraint's 'floor' below every feasible score`,
          'invalid-objective',
        );
      }
      return s;
    },
  };
}

/**
 * A multi-objective search over `metrics`. Its scalar score, for strategies that need one, is
 * the first metric (negated when minimized): a per-candidate value that never changes as the
 * search goes on. Pareto-aware strategies (evolution with `pareto`) select by the front instead,
 * and a study reports the front of everything evaluated.
 */
export function paretoObjective(metrics: readonly ParetoMetric[]): Objective {
  const first = metrics[0]!;
  const sign = first.direction === 'minimize' ? -1 : 1;
  return {
    metric: first.name,
    direction: first.direction,
    pareto: metrics,
    reads: metrics.map((m) => m.name),
    spec: { name: 'pareto', metrics: formatParetoMetrics(metrics).split(',') },
    score: (m) => sign * readMetric(first.name, m),
  };
}
