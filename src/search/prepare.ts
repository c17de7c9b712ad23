// A resolved config made ready to run, and checked before any study is created: everything
// that can be known without running a trial is tried once here, so a mistake that would fail
// every trial (a stack the space cannot build, an objective over a metric the evaluator never
// gives, a validation split with no examples) stops the search with a config error instead.
import { type AnySearchSpace, getSpace } from '../spaces/index.js';
import { type StudyDefinition } from '../study/index.js';
import { type ProgressSink } from '../train/index.js';
import { NasforgeError, Rng } from '../util/index.js';
import { type SearchConfig } from './config.js';
import { ConfigError } from './config-errors.js';
import { type SearchEvaluator, buildEvaluator, studyDefinition } from './definition.js';
import { isWeightSharing } from './methods.js';

/** What proxy training reports for every trial (src/estimate's proxyTrainingEvaluator). */
export const PROXY_TRAINING_METRICS: readonly string[] = ['valAccuracy', 'valLoss', 'params', 'macs', 'trainSeconds'];

export interface PreparedSearch {
  readonly config: SearchConfig;
  readonly definition: StudyDefinition;
  readonly space: AnySearchSpace;
  /** null for a weight-sharing search (it trains a supernet, not trials) */
  readonly evaluate: SearchEvaluator;
}

export interface PrepareOptions {
  readonly progress?: ProgressSink;
  /** the config as the study stores it (default: `config`) */
  readonly stored?: SearchConfig;
  /** names the config in messages (default: the study) */
  readonly file?: string;
}

/** The study definition and evaluator of `config`, after the checks above. */
export async function prepareSearch(config: SearchConfig, o: PrepareOptions = {}): Promise<PreparedSearch> {
  const file = o.file ?? `study '${config.study}'`;
  if (config.evaluator.kind === 'external') {
    throw new ConfigError(
      file,
      'evaluator',
      "is external: the trials of this study are evaluated by your own code through openStudy's ask/tell, so there is nothing for a search worker to run",
    );
  }
  const space = getSpace(config.space);
  const definition = studyDefinition(config, (o.stored ?? config) as never);
  let evaluate: SearchEvaluator;
  try {
    evaluate = await buildEvaluator(config, space, { progress: o.progress });
  } catch (e) {
    if (e instanceof NasforgeError && e.name === 'DataError') throw new ConfigError(file, 'dataset', `cannot be used: ${e.message}`);
    if (e instanceof NasforgeError && e.name === 'TableError') throw new ConfigError(file, 'evaluator', `cannot be used: ${e.message}`);
    throw e;
  }
  const metrics = config.evaluator.kind === 'train' ? PROXY_TRAINING_METRICS : await tableMetrics(config, space, evaluate);
  const missing = (definition.objective.reads ?? [definition.objective.metric]).filter((m) => !metrics.includes(m));
  if (missing.length > 0) {
    throw new ConfigError(
      file,
      'objective',
      `reads ${missing.map((m) => `'${m}'`).join(', ')}, which the evaluator does not give; it gives: ${metrics.join(', ')}`,
    );
  }
  if (config.evaluator.kind === 'train' && !isWeightSharing(config.strategy.name)) checkBuilds(file, config, space);
  return { config, definition, space, evaluate };
}

/** The metrics a table gives, read off one of its entries. */
async function tableMetrics(config: SearchConfig, space: AnySearchSpace, evaluate: SearchEvaluator): Promise<string[]> {
  const genotype = space.sample(new Rng(config.seed));
  const signal = new AbortController().signal;
  const m = await evaluate({ genotype, signal, workdir: '', report: async () => undefined, artifact: async () => undefined });
  return Object.keys(m);
}

/** One sampled genotype built at the search stack: a stack the space cannot build fails here. */
function checkBuilds(file: string, config: SearchConfig, space: AnySearchSpace): void {
  const genotype = space.sample(new Rng(config.seed));
  const stack = 'classes' in space.defaultStack ? { ...config.stack, classes: 2 } : config.stack;
  try {
    space.build(genotype, stack).dispose();
  } catch (e) {
    if (e instanceof NasforgeError) {
      throw new ConfigError(file, 'stack', `is ${JSON.stringify(config.stack)}, which the space '${space.name}' cannot build: ${e.message}`);
    }
    throw e;
  }
}
