// Objectives: a candidate's score as a function of its metrics (higher is better). Accuracy
// alone for now; MnasNet's reward and Pareto fronts join this file's family later.
import { StrategyError } from './errors.js';
import { type Metrics } from './strategy.js';

export interface Objective {
  /** the metric the score is read from, e.g. 'valAccuracy' */
  readonly metric: string;
  readonly direction: 'maximize' | 'minimize';
  /** the score of `metrics`; higher is better for every objective */
  score(metrics: Metrics): number;
}

function read(metric: string, metrics: Metrics): number {
  const v = metrics[metric];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    const have = Object.keys(metrics).join(', ') || 'none';
    throw new StrategyError(`the objective needs the metric '${metric}' as a finite number, got ${JSON.stringify(v)}; metrics given: ${have}`, 'missing-metric');
  }
  return v;
}

/** Maximise one metric, e.g. validation accuracy (the default: strategies select by validation). */
export function maximize(metric = 'valAccuracy'): Objective {
  return { metric, direction: 'maximize', score: (m) => read(metric, m) };
}

/** Minimise one metric (e.g. latency): the score is its negative. */
export function minimize(metric: string): Objective {
  return { metric, direction: 'minimize', score: (m) => -read(metric, m) };
}
