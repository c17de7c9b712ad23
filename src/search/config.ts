// A search config file (YAML or JSON) read, checked and resolved: defaults filled in, names
// checked against the registries (with "did you mean"), relative paths made absolute, command
// line flags applied over the file. The result is plain JSON: what the study stores.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { YAMLParseError, parse as parseYaml } from 'yaml';
import { type Json, type OptionValue, didYouMean, readOptions } from '../util/index.js';
import { type AnySearchSpace, SpaceError, getSpace } from '../spaces/index.js';
import { StrategyError, getStrategy } from '../strategies/index.js';
import { tableNames } from '../tabular/index.js';
import { datasetNames } from '../data/index.js';
import { ConfigError, issueError, show } from './config-errors.js';
import { findOneShotMethod, isWeightSharing, weightSharingNames } from './methods.js';
import { resolveObjectiveSpec } from './objective.js';
import {
  type EvaluatorSpec,
  type SchedulerConfig,
  FIELDS,
  configSchema,
  externalEvaluatorSchema,
  tableEvaluatorSchema,
  trainEvaluatorSchema,
} from './schema.js';

export { ConfigError } from './config-errors.js';
export type { EvaluatorSpec, ExternalEvaluatorSpec, SchedulerConfig, TableEvaluatorSpec, TrainEvaluatorSpec } from './schema.js';

export interface SearchConfig {
  readonly study: string;
  readonly dataset: { readonly name: string; readonly limit?: number; readonly root?: string; readonly valFraction: number };
  readonly space: string;
  /** the search-time skeleton: the space's smallest (`tiny`) stack with the config's fields over it */
  readonly stack: Readonly<Record<string, Json>>;
  /** `name` and the strategy's (or weight-sharing method's) options */
  readonly strategy: { readonly name: string; readonly [option: string]: Json };
  readonly evaluator: EvaluatorSpec;
  readonly objective: Json;
  /** trials null: no limit */
  readonly budget: { readonly trials: number | null; readonly minutes?: number };
  readonly seed: number;
  /** heartbeat period and claims per trial (the study's defaults when absent) */
  readonly worker?: { readonly heartbeatSeconds: number; readonly maxAttempts: number };
  /** multi-fidelity: successive halving or Hyperband over epochs (each trial trains its rung's epochs) */
  readonly scheduler?: SchedulerConfig;
}

/** Command-line flags that override the file. */
export interface ConfigOverrides {
  study?: string;
  trials?: number;
  minutes?: number;
  seed?: number;
}

/** Short option names a config may use, per strategy (the issue's `population`, `sample`). */
const OPTION_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  evolution: { population: 'populationSize', sample: 'sampleSize' },
};

/** Reads `file` (YAML, or JSON which is YAML too) and resolves it. */
export async function loadSearchConfig(file: string, overrides: ConfigOverrides = {}): Promise<SearchConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(
      file,
      '',
      code === 'ENOENT' ? 'not found; pass --config with the path of a YAML or JSON search config' : `cannot be read: ${(e as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const at = e.linePos?.[0];
      throw new ConfigError(at ? `${file}:${at.line}:${at.col}` : file, '', `is not valid YAML or JSON: ${e.message.split('\n')[0]}`);
    }
    throw e;
  }
  if (raw === null || raw === undefined) raw = {};
  const stem = basename(file, extname(file));
  return resolveConfig(raw, { file, defaultStudy: stem, overrides });
}

export interface ResolveOptions {
  /** named in messages; relative paths in the config are relative to its folder */
  file?: string;
  defaultStudy?: string;
  overrides?: ConfigOverrides;
}

/** Checks a parsed config and fills in every default. A resolved config resolves to itself. */
export async function resolveConfig(raw: unknown, o: ResolveOptions = {}): Promise<SearchConfig> {
  const file = o.file ?? 'config';
  const base = o.file ? dirname(resolve(o.file)) : process.cwd();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(
      file,
      '',
      `must be a mapping of fields (study, dataset, space, stack, strategy, evaluator, objective, budget, seed), got ${show(raw)}`,
    );
  }
  const withFlags = applyOverrides(raw as Record<string, unknown>, o.overrides ?? {});
  const parsed = configSchema.safeParse(withFlags, { reportInput: true });
  if (!parsed.success) throw issueError(file, parsed.error.issues[0]!, FIELDS);
  const c = parsed.data;
  const evaluator = resolveEvaluator(file, c.evaluator, base);
  const study = c.study ?? o.defaultStudy;
  if (!study) throw new ConfigError(file, 'study', 'is missing; name the study (letters, digits, ".", "_" and "-")');

  const dataset = { ...c.dataset };
  if (dataset.root !== undefined) {
    dataset.root = abs(base, dataset.root);
    if (!existsSync(dataset.root))
      throw new ConfigError(file, 'dataset.root', `is ${show(dataset.root)}, which does not exist; give the folder that holds the data set's files`);
  }
  if (evaluator.kind === 'train' && !datasetNames().includes(dataset.name)) {
    throw new ConfigError(
      file,
      'dataset.name',
      `is ${show(dataset.name)}, not a known data set.${didYouMean(dataset.name, datasetNames())} Allowed: ${datasetNames().join(', ')}`,
    );
  }

  const spaceName = c.space ?? (evaluator.kind === 'table' ? evaluator.name : 'nas-bench-201');
  let space: AnySearchSpace;
  try {
    space = getSpace(spaceName);
  } catch (e) {
    if (e instanceof SpaceError) throw new ConfigError(file, 'space', `is ${show(spaceName)}: ${e.message}`);
    throw e;
  }
  if (evaluator.kind === 'table' && space.name !== evaluator.name) {
    throw new ConfigError(
      file,
      'space',
      `is '${space.name}', but the table '${evaluator.name}' holds architectures of the space '${evaluator.name}'; set space: ${evaluator.name} (or leave it out)`,
    );
  }
  const stack = resolveStack(file, space, c.stack);
  const strategy = await resolveStrategy(file, space, c.strategy as { name: string } & Record<string, Json>, c.seed);
  const objective = resolveObjectiveSpec(file, c.objective as Json);
  const budget = c.budget.minutes === undefined ? { trials: c.budget.trials } : { trials: c.budget.trials, minutes: c.budget.minutes };
  if (c.scheduler) checkScheduler(file, c.scheduler, evaluator, strategy.name);
  if (budget.trials === null && budget.minutes === undefined && evaluator.kind !== 'external') {
    throw new ConfigError(
      file,
      'budget.trials',
      'is null (no limit) and budget.minutes is not set, so the search would never end; give budget.trials, budget.minutes or both',
    );
  }
  if (isWeightSharing(strategy.name) && evaluator.kind !== 'train') {
    throw new ConfigError(
      file,
      'evaluator',
      `is ${evaluator.kind === 'table' ? `the table ${evaluator.name}` : evaluator.kind}, but ${strategy.name} trains a supernet on the data set; use evaluator: train`,
    );
  }
  return {
    study,
    dataset,
    space: space.name,
    stack,
    strategy,
    evaluator,
    objective,
    budget,
    seed: c.seed,
    ...(c.worker ? { worker: c.worker } : {}),
    ...(c.scheduler ? { scheduler: c.scheduler } : {}),
  };
}

function checkScheduler(file: string, s: SchedulerConfig, evaluator: EvaluatorSpec, strategy: string): void {
  if (evaluator.kind !== 'train') {
    throw new ConfigError(
      file,
      'scheduler',
      `needs evaluator: train (a scheduler trains each trial for its rung's epochs; ${evaluator.kind === 'table' ? `the table ${evaluator.name} has one result per architecture` : "your own code evaluates this study's trials"}); remove scheduler or train`,
    );
  }
  if (isWeightSharing(strategy)) {
    throw new ConfigError(
      file,
      'scheduler',
      `schedules the trials of a black-box strategy; '${strategy}' trains one supernet instead. Remove scheduler or pick a strategy such as evolution or random`,
    );
  }
  if (s.maxEpochs < s.minEpochs) throw new ConfigError(file, 'scheduler.maxEpochs', `is ${s.maxEpochs}; it must be at least minEpochs (${s.minEpochs})`);
}

function abs(base: string, p: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}

function applyOverrides(raw: Record<string, unknown>, f: ConfigOverrides): Record<string, unknown> {
  const out = { ...raw };
  if (f.study !== undefined) out.study = f.study;
  if (f.seed !== undefined) out.seed = f.seed;
  if (f.trials !== undefined || f.minutes !== undefined) {
    const b = raw.budget !== null && typeof raw.budget === 'object' ? ({ ...(raw.budget as object) } as Record<string, unknown>) : {};
    if (f.trials !== undefined) b.trials = f.trials;
    if (f.minutes !== undefined) b.minutes = f.minutes;
    out.budget = b;
  }
  return out;
}

function resolveEvaluator(file: string, v: unknown, base: string): EvaluatorSpec {
  const known = tableNames();
  let spec: unknown = v ?? { kind: 'train' };
  if (typeof spec === 'string') spec = spec === 'train' ? { kind: 'train' } : { kind: 'table', name: spec };
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new ConfigError(file, 'evaluator', `is ${show(spec)}; it must be 'train', a table name (${known.join(', ')}) or a mapping with a kind`);
  }
  const kind = (spec as { kind?: unknown }).kind;
  if (kind !== 'train' && kind !== 'table' && kind !== 'external') {
    throw new ConfigError(
      file,
      'evaluator.kind',
      `is ${show(kind)}; allowed: train (proxy training), table (a tabular benchmark: ${known.join(', ')}), external (your own code, through ask/tell)`,
    );
  }
  const schema = kind === 'train' ? trainEvaluatorSchema : kind === 'table' ? tableEvaluatorSchema : externalEvaluatorSchema;
  const parsed = schema.safeParse(spec, { reportInput: true });
  if (!parsed.success) throw issueError(file, parsed.error.issues[0]!, FIELDS, 'evaluator');
  const e = parsed.data;
  if (e.kind === 'table') {
    if (!known.includes(e.name)) {
      throw new ConfigError(
        file,
        'evaluator',
        `names the table ${show(e.name)}, which does not exist.${didYouMean(e.name, known)} Tables: ${known.join(', ')}; or use 'train' for proxy training`,
      );
    }
    if (e.file !== undefined) {
      const f = abs(base, e.file);
      if (!existsSync(f)) throw new ConfigError(file, 'evaluator.file', `is ${show(f)}, which does not exist; give the path of the ${e.name} table file`);
      return { ...e, file: f };
    }
  }
  return e;
}

function resolveStack(file: string, space: AnySearchSpace, given: Record<string, Json> | undefined): Record<string, Json> {
  const defaults = space.defaultStack as Readonly<Record<string, unknown>>;
  const fields = Object.keys(defaults).filter((k) => k !== 'classes');
  for (const [k, v] of Object.entries(given ?? {})) {
    if (k === 'classes') throw new ConfigError(file, 'stack.classes', 'is set from the data set; remove it');
    if (!fields.includes(k)) {
      throw new ConfigError(file, `stack.${k}`, `is not a stack field of the space '${space.name}'.${didYouMean(k, fields)} Its fields: ${fields.join(', ')}`);
    }
    if (typeof v !== typeof defaults[k])
      throw new ConfigError(
        file,
        `stack.${k}`,
        `is ${show(v)}; it must be ${typeof defaults[k] === 'boolean' ? 'true or false' : `a ${typeof defaults[k]}`} (the default is ${show(defaults[k])})`,
      );
  }
  const tiny = space.tiny.stack as Readonly<Record<string, Json>>;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries({ ...tiny, ...(given ?? {}) })) if (k !== 'classes') out[k] = v;
  return out;
}

async function resolveStrategy(
  file: string,
  space: AnySearchSpace,
  given: { name: string } & Record<string, Json>,
  seed: number,
): Promise<SearchConfig['strategy']> {
  const { name, ...rest } = given;
  const aliases = OPTION_ALIASES[name] ?? {};
  const options: Record<string, Json> = {};
  for (const [k, v] of Object.entries(rest)) options[aliases[k] ?? k] = v;
  if (isWeightSharing(name)) {
    await findOneShotMethod(name, space.name, options, (field, detail) => new ConfigError(file, `strategy${field ? `.${field}` : ''}`, detail));
    return { name, ...options };
  }
  try {
    const factory = getStrategy(name);
    readOptions(name, factory.defaults as Record<string, OptionValue>, options, (k, detail) => new ConfigError(file, `strategy.${k}`, detail), {
      extra: ['seed'],
    });
    factory.create(space, { seed, ...options });
  } catch (e) {
    if (e instanceof StrategyError) {
      const field = e.code === 'unknown-strategy' ? 'strategy.name' : 'strategy';
      const extra = e.code === 'unknown-strategy' ? `; weight-sharing methods: ${weightSharingNames().join(', ')}` : '';
      throw new ConfigError(file, field, `is invalid: ${e.message}${extra}`);
    }
    throw e;
  }
  return { name, ...options };
}
