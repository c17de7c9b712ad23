// A weight-sharing method as a study's search: one supernet run (checkpointed in the study's
// workdir, so an interrupted run resumes), whose derived genotype is proxy-trained and recorded
// as a complete trial with its trained weights (artifact `weights`, which `export` copies).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { trainValSplit } from '../data/index.js';
import { withClasses } from '../estimate/index.js';
import { type Json } from '../util/index.js';
import { getSpace } from '../spaces/index.js';
import { type Metrics } from '../strategies/index.js';
import { type Storage } from '../study/index.js';
import { loadDataset } from '../data/index.js';
import { type SearchConfig } from './config.js';
import { ConfigError } from './config-errors.js';
import { buildEvaluator } from './definition.js';
import { findOneShotMethod } from './methods.js';
import { objectiveOf } from './objective.js';

export type OneShotOutcome = 'complete' | 'already-complete' | 'interrupted';

export async function runOneShotSearch(storage: Storage, config: SearchConfig, signal: AbortSignal, log: (line: string) => void): Promise<OneShotOutcome> {
  if ((await storage.trials(config.study, { states: ['complete'] })).length > 0) return 'already-complete';
  const space = getSpace(config.space);
  const { name, ...options } = config.strategy;
  const method = findOneShotMethod(name, space.name, options, (field, detail) => new ConfigError(config.study, `strategy${field ? `.${field}` : ''}`, detail));
  if (config.evaluator.kind !== 'train') {
    throw new ConfigError(config.study, 'evaluator', `is ${config.evaluator.kind}, but ${name} trains a supernet on the data set; use evaluator: train`);
  }
  const data = loadDataset(config.dataset.name, { root: config.dataset.root, limit: config.dataset.limit });
  const { train, val } = trainValSplit(data.train, { valFraction: config.dataset.valFraction, seed: config.seed });
  const workdir = join(storage.defaultWorkdirRoot, config.study, 'oneshot');
  log(`${name}: ${method.description}; supernet on ${train.length} training and ${val.length} validation examples, checkpoints in ${workdir}`);
  const result = await method.run({
    space,
    stack: withClasses(space, config.stack, data.train.numClasses),
    train,
    val,
    options,
    seed: config.seed,
    workdir,
    signal,
    log,
  });
  if (signal.aborted) return 'interrupted';
  // the derived genotype is scored as every other study's trials are: proxy-trained on the same split
  const key = space.key(result.genotype);
  log(`${name} derived ${key}; proxy-training it as the study's trial`);
  const evaluate = await buildEvaluator(config, space);
  const derivedDir = join(workdir, 'derived');
  mkdirSync(derivedDir, { recursive: true });
  let metrics: Metrics;
  const artifacts: Record<string, string> = {};
  try {
    metrics = await evaluate({
      genotype: result.genotype,
      signal,
      workdir: derivedDir,
      report: async () => undefined,
      artifact: async (name, path) => {
        artifacts[name] = path;
      },
    });
  } catch (e) {
    if (signal.aborted) return 'interrupted';
    throw e;
  }
  const search = Object.fromEntries(
    Object.entries(result.metrics)
      .filter(([, v]) => typeof v === 'number' && Number.isFinite(v))
      .map(([k, v]) => [`supernet${k[0]!.toUpperCase()}${k.slice(1)}`, v]),
  );
  const all = { ...search, ...metrics };
  await storage.addTrial(config.study, {
    genotype: result.genotype as unknown as Json,
    key,
    metrics: all,
    score: objectiveOf(config.objective).score(all),
    state: 'complete',
    artifacts,
  });
  return 'complete';
}
