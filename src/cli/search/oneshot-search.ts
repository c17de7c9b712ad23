// A weight-sharing method as a study's search: one supernet run (checkpointed in the study's
// workdir, so an interrupted run resumes), whose derived genotype is recorded as a complete trial.
import { join } from 'node:path';
import { trainValSplit } from '../../data/index.js';
import { withClasses } from '../../estimate/index.js';
import { getSpace } from '../../spaces/index.js';
import { type Storage } from '../../study/index.js';
import { loadDataset } from '../datasets.js';
import { UserError } from '../errors.js';
import { type SearchConfig } from './config.js';
import { ConfigError } from './config-errors.js';
import { findOneShotMethod } from './methods.js';
import { objectiveOf } from './objective.js';

export type OneShotOutcome = 'complete' | 'already-complete' | 'interrupted';

export async function runOneShotSearch(storage: Storage, config: SearchConfig, signal: AbortSignal, log: (line: string) => void): Promise<OneShotOutcome> {
  if ((await storage.trials(config.study, { states: ['complete'] })).length > 0) return 'already-complete';
  const space = getSpace(config.space);
  const { name, ...options } = config.strategy;
  const method = findOneShotMethod(name, space.name, options, (field, detail) => new ConfigError(config.study, `strategy${field ? `.${field}` : ''}`, detail));
  if (config.evaluator.kind !== 'train') {
    throw new UserError(`${name} trains a supernet on the data set; a table evaluator (${config.evaluator.name}) cannot run it. Use evaluator: train`);
  }
  const data = loadDataset(config.dataset.name, { root: config.dataset.root, limit: config.dataset.limit });
  const { train, val } = trainValSplit(data.train, { valFraction: config.dataset.valFraction, seed: config.seed });
  const workdir = join(storage.defaultWorkdirRoot, config.study, 'oneshot');
  log(`${name}: ${method.description}; supernet on ${train.length} training and ${val.length} validation examples, checkpoints in ${workdir}`);
  const result = await method.run({
    space, stack: withClasses(space, config.stack, data.train.numClasses), train, val, options, seed: config.seed, workdir, signal,
    report: (epoch, m) => log(`${name} epoch ${epoch + 1}: ${Object.entries(m).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`).join(', ')}`),
    log,
  });
  if (signal.aborted) return 'interrupted';
  const objective = objectiveOf(config.objective);
  const key = space.key(result.genotype);
  let score: number;
  try {
    score = objective.score(result.metrics);
  } catch (e) {
    throw new UserError(`${name} finished, but its metrics (${Object.keys(result.metrics).join(', ')}) do not give the objective: ${(e as Error).message}`);
  }
  await storage.addTrial(config.study, { genotype: result.genotype as never, key, metrics: result.metrics, score, state: 'complete' });
  return 'complete';
}
