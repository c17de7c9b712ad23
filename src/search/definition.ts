// From a resolved config to what a worker runs: the study definition (space, strategy,
// scheduler, objective, budget) and the evaluator (proxy training on the data set, or a table
// lookup). With a scheduler, proxy training trains each trial for its fidelity in epochs, and a
// promotion starts from the checkpoint of its trial in the rung below (warm start, in the evaluator).
import { type Json } from '../util/index.js';
import { type AnySearchSpace, getSpace } from '../spaces/index.js';
import { type EvalContext, type GenotypeEvaluator } from '../estimate/index.js';
import { type Metrics } from '../strategies/index.js';
import { type SchedulerSpec, type StudyDefinition } from '../study/index.js';
import { type ProgressSink } from '../train/index.js';
import { loadDataset } from '../data/index.js';
import { type SchedulerConfig, type SearchConfig } from './config.js';
import { ConfigError } from './config-errors.js';
import { objectiveOf } from './objective.js';

export function studyDefinition(config: SearchConfig, stored: Json = config as unknown as Json): StudyDefinition {
  const { name, ...options } = config.strategy;
  return {
    name: config.study,
    config: stored,
    space: getSpace(config.space),
    strategy: { name, options: { seed: config.seed, ...options } },
    objective: objectiveOf(config.objective),
    budget: { trials: config.budget.trials ?? Number.POSITIVE_INFINITY, ...(config.budget.minutes !== undefined ? { minutes: config.budget.minutes } : {}) },
    ...(config.worker ? { maxAttempts: config.worker.maxAttempts, heartbeatSeconds: config.worker.heartbeatSeconds } : {}),
    ...(config.scheduler ? { scheduler: schedulerSpec(config.scheduler) } : {}),
  };
}

/** The config's scheduler in the study's terms: budgets are epochs. */
export function schedulerSpec(s: SchedulerConfig): SchedulerSpec {
  return {
    mode: s.name,
    minBudget: s.minEpochs,
    maxBudget: s.maxEpochs,
    eta: s.eta,
    brackets: s.brackets,
    maxActive: s.maxActive,
    ...(s.configs !== undefined ? { configs: s.configs } : {}),
  };
}

/** Whole epochs for a trial's fidelity (rung budgets maxEpochs·η^-k may be fractions). */
export function epochsOf(fidelity: number): number {
  return Math.max(1, Math.round(fidelity));
}

/** What the search's evaluator gets: a study trial's context, or a bare candidate (weight-sharing searches). */
export type SearchEvalContext = EvalContext & { readonly trial?: { readonly fidelity: number | null } };

export type SearchEvaluator = (ctx: SearchEvalContext) => Promise<Metrics>;

/** One sentence on what each trial does, for the search's first lines. */
export function describeEvaluator(config: SearchConfig): string {
  const e = config.evaluator;
  const s = config.scheduler;
  if (e.kind === 'table') {
    return `each trial looks its result up in ${e.name}${e.simulatedSeconds > 0 ? ` after ${e.simulatedSeconds} s of simulated training` : ''} (dataset and stack are not used)`;
  }
  if (e.kind === 'external') return 'each trial is evaluated by your own code (ask/tell)';
  const d = config.dataset;
  const epochs = s
    ? `its rung's epochs (${s.name}, ${s.minEpochs} to ${s.maxEpochs} epochs, η ${s.eta}${s.warmStart ? '; a promotion continues from the rung below' : ''})`
    : `${e.epochs} epoch${e.epochs === 1 ? '' : 's'}`;
  return (
    `each trial trains ${epochs} on ${d.limit ?? 'all'} ${d.name} training examples ` +
    `(${Math.round(d.valFraction * 100)}% of them held out for validation) at stack ${JSON.stringify(config.stack)}`
  );
}

export interface EvaluatorOptions {
  /** per-batch progress of proxy training (a bar on a terminal) */
  readonly progress?: ProgressSink;
}

/** The evaluator a config names; the data set or table is read now, so a missing file stops the search before it starts. */
export async function buildEvaluator(config: SearchConfig, space: AnySearchSpace, o: EvaluatorOptions = {}): Promise<SearchEvaluator> {
  const { proxyTrainingEvaluator, tabularEvaluator } = await import('../estimate/index.js');
  const e = config.evaluator;
  if (e.kind === 'external') {
    throw new ConfigError(config.study, 'evaluator', 'is external: your own code evaluates the trials through ask/tell');
  }
  if (e.kind === 'table') {
    const { loadTable, TableError } = await import('../tabular/index.js');
    try {
      const table = loadTable(e.name, e.file);
      return tabularEvaluator(table, { seed: config.seed, simulatedSeconds: e.simulatedSeconds, ...(e.metric ? { metric: e.metric } : {}) });
    } catch (err) {
      if (err instanceof TableError) throw new TableError(`evaluator ${e.name}: ${err.message}`, err.code);
      throw err;
    }
  }
  const { DataError } = await import('../data/index.js');
  try {
    const data = loadDataset(config.dataset.name, { root: config.dataset.root, limit: config.dataset.limit });
    const byEpochs = new Map<number, GenotypeEvaluator>();
    const training = (epochs: number): GenotypeEvaluator => {
      let ev = byEpochs.get(epochs);
      if (!ev) {
        ev = proxyTrainingEvaluator({
          space,
          stack: config.stack,
          train: data.train,
          valFraction: config.dataset.valFraction,
          normalize: data.normalize,
          recipe: {
            epochs,
            batchSize: e.batchSize,
            gradClip: e.gradClip,
            optimizer: { name: 'sgd', lr: e.lr, momentum: 0.9, nesterov: true, weightDecay: e.weightDecay },
            schedule: { name: 'cosine' },
          },
          seed: config.seed,
          progress: o.progress,
          warmStart: config.scheduler?.warmStart ?? false,
        });
        byEpochs.set(epochs, ev);
      }
      return ev;
    };
    training(e.epochs); // the split is checked before any trial runs
    return async (ctx) => {
      const fidelity = ctx.trial?.fidelity ?? null;
      return training(fidelity === null ? e.epochs : epochsOf(fidelity))(ctx);
    };
  } catch (err) {
    if (err instanceof DataError) throw new DataError(`dataset ${config.dataset.name}: ${err.message}`, err.code);
    throw err;
  }
}
