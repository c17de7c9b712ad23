// From a resolved config to what a worker runs: the study definition (space, strategy,
// objective, budget) and the evaluator (proxy training on the data set, or a table lookup).
import { type Json } from '../../spaces/core/index.js';
import { type AnySearchSpace, getSpace } from '../../spaces/index.js';
import { type GenotypeEvaluator } from '../../estimate/index.js';
import { type StudyDefinition } from '../../study/index.js';
import { type ProgressSink } from '../../train/index.js';
import { loadDataset } from '../datasets.js';
import { UserError } from '../errors.js';
import { type SearchConfig } from './config.js';
import { objectiveOf } from './objective.js';

export function studyDefinition(config: SearchConfig, stored: Json = config as unknown as Json): StudyDefinition {
  const { name, ...options } = config.strategy;
  return {
    name: config.study,
    config: stored,
    space: getSpace(config.space),
    strategy: { name, options: { seed: config.seed, ...options } },
    objective: objectiveOf(config.objective),
    budget: config.budget,
    ...(config.worker ? { maxAttempts: config.worker.maxAttempts, heartbeatSeconds: config.worker.heartbeatSeconds } : {}),
  };
}

/** One sentence on what each trial does, for the search's first lines. */
export function describeEvaluator(config: SearchConfig): string {
  const e = config.evaluator;
  if (e.kind === 'table') {
    return `each trial looks its result up in ${e.name}${e.simulatedSeconds > 0 ? ` after ${e.simulatedSeconds} s of simulated training` : ''} (dataset and stack are not used)`;
  }
  const d = config.dataset;
  return `each trial trains ${e.epochs} epoch${e.epochs === 1 ? '' : 's'} on ${d.limit ?? 'all'} ${d.name} training examples `
    + `(${Math.round(d.valFraction * 100)}% of them held out for validation) at stack ${JSON.stringify(config.stack)}`;
}

export interface EvaluatorOptions {
  /** per-batch progress of proxy training (a bar on a terminal) */
  readonly progress?: ProgressSink;
}

/** The evaluator a config names; the data set or table is read now, so a missing file stops the search before it starts. */
export async function buildEvaluator(config: SearchConfig, space: AnySearchSpace, o: EvaluatorOptions = {}): Promise<GenotypeEvaluator> {
  const { proxyTrainingEvaluator, tabularEvaluator } = await import('../../estimate/index.js');
  const e = config.evaluator;
  if (e.kind === 'table') {
    const { loadTable, TableError } = await import('../../tabular/index.js');
    try {
      const table = loadTable(e.name, e.file);
      return tabularEvaluator(table, { seed: config.seed, simulatedSeconds: e.simulatedSeconds, ...(e.metric ? { metric: e.metric } : {}) });
    } catch (err) {
      if (err instanceof TableError) throw new UserError(`evaluator ${e.name}: ${err.message}`);
      throw err;
    }
  }
  const { DataError } = await import('../../data/index.js');
  try {
    const data = loadDataset(config.dataset.name, { root: config.dataset.root, limit: config.dataset.limit });
    return proxyTrainingEvaluator({
      space, stack: config.stack, train: data.train, valFraction: config.dataset.valFraction, normalize: data.normalize,
      recipe: {
        epochs: e.epochs, batchSize: e.batchSize, gradClip: e.gradClip,
        optimizer: { name: 'sgd', lr: e.lr, momentum: 0.9, nesterov: true, weightDecay: e.weightDecay },
        schedule: { name: 'cosine' },
      },
      seed: config.seed, progress: o.progress,
    });
  } catch (err) {
    if (err instanceof DataError) throw new UserError(`dataset ${config.dataset.name}: ${err.message}`);
    throw err;
  }
}
