// The search config's shape, checked with zod: every field with its default. A name alone
// (`space: darts`, `strategy: evolution`, `evaluator: nas-bench-macro`) means that thing with its
// defaults. The resolved form (defaults filled in) is itself a valid config: a study stores it.
import { z } from 'zod';
import { type FieldLists } from './config-errors.js';

/** `name` → `{ [key]: name }`, so a name alone and a mapping share one schema. */
const nameOr =
  (key: string) =>
  (v: unknown): unknown =>
    typeof v === 'string' ? { [key]: v } : v;

export const datasetSchema = z.preprocess(
  nameOr('name'),
  z.strictObject({
    name: z.string().min(1).default('fashion-mnist'),
    /** use the first N training examples */
    limit: z.number().int().min(2).optional(),
    /** folder with the data set's files (default: where the Debian package puts them) */
    root: z.string().min(1).optional(),
    /** share of the (limited) training examples held out for validation: the test set is never searched on */
    valFraction: z.number().gt(0).lt(1).default(0.2),
  }),
);

export const budgetSchema = z.strictObject({
  /** null: no limit on trials (an ask/tell study, or one that runs for `minutes`) */
  trials: z.number().int().min(1).nullable().default(40),
  minutes: z.number().gt(0).optional(),
});

/** Proxy training: a short recipe on the search stack. */
export const trainEvaluatorSchema = z.strictObject({
  kind: z.literal('train'),
  epochs: z.number().int().min(1).default(1),
  batchSize: z.number().int().min(1).default(64),
  lr: z.number().gt(0).default(0.05),
  weightDecay: z.number().min(0).default(3e-4),
  /** clip the gradient norm (0 = off) */
  gradClip: z.number().min(0).default(5),
});

/** A tabular benchmark: results looked up, not trained. */
export const tableEvaluatorSchema = z.strictObject({
  kind: z.literal('table'),
  name: z.string().min(1),
  /** the table file (default: $NASFORGE_DATA or ../shared/data beside the repository) */
  file: z.string().min(1).optional(),
  /** what valAccuracy holds: one recorded run (seeded) or the mean */
  metric: z.enum(['run', 'mean']).optional(),
  /** each lookup waits this long, standing in for training time (benchmarks, tests) */
  simulatedSeconds: z.number().min(0).default(0),
});

/** The user's own code evaluates the trials (openStudy's ask/tell): nothing for a search worker to run. */
export const externalEvaluatorSchema = z.strictObject({ kind: z.literal('external') });

/** How workers hold trials: heartbeat period and claims before a trial fails for good. */
export const workerSchema = z.strictObject({
  heartbeatSeconds: z.number().gt(0).default(5),
  maxAttempts: z.number().int().min(1).default(3),
});

/**
 * Multi-fidelity: successive halving or Hyperband over training epochs around the strategy.
 * Rung budgets are maxEpochs·η^-k, rounded to whole epochs (maxEpochs = minEpochs·η^k keeps
 * them exact: 1, 3, 9 with η = 3).
 */
export const schedulerSchema = z.preprocess(
  nameOr('name'),
  z.strictObject({
    name: z.enum(['hyperband', 'halving']),
    minEpochs: z.number().int().min(1).default(1),
    maxEpochs: z.number().int().min(1).default(9),
    eta: z.number().gt(1).default(3),
    /** halving: configurations in a bracket's first rung (default ⌈η^s_max⌉) */
    configs: z.number().int().min(1).optional(),
    /** stop after this many brackets (0 = until the budget is used) */
    brackets: z.number().int().min(0).default(0),
    /** brackets that may run at once (more keeps more workers busy while a rung completes) */
    maxActive: z.number().int().min(1).default(1),
    /** a promoted trial continues from the checkpoint of the rung below instead of training from scratch */
    warmStart: z.boolean().default(true),
  }),
);

const strategyOption = z.union([z.number(), z.boolean(), z.string()]);

export const configSchema = z.strictObject({
  study: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit')
    .optional(),
  dataset: datasetSchema.default({ name: 'fashion-mnist', valFraction: 0.2 }),
  space: z.preprocess((v) => (v !== null && typeof v === 'object' && 'name' in v ? (v as { name: unknown }).name : v), z.string().min(1)).optional(),
  stack: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])).optional(),
  strategy: z.preprocess(nameOr('name'), z.looseObject({ name: z.string().min(1) }).catchall(strategyOption)).default({ name: 'evolution' }),
  /** checked by kind in config.ts */
  evaluator: z.unknown().optional(),
  /** 'accuracy' (maximise valAccuracy), a metric ('-name' minimises), a Pareto list, or {name: ..., ...}: checked in objective.ts */
  objective: z.union([z.string(), z.record(z.string(), z.unknown())]).default('accuracy'),
  budget: budgetSchema.default({ trials: 40 }),
  seed: z.number().int().min(0).default(0),
  worker: workerSchema.optional(),
  scheduler: schedulerSchema.optional(),
});

export const FIELDS: FieldLists = {
  '': Object.keys(configSchema.shape),
  dataset: ['name', 'limit', 'root', 'valFraction'],
  budget: Object.keys(budgetSchema.shape),
  worker: Object.keys(workerSchema.shape),
  scheduler: ['name', 'minEpochs', 'maxEpochs', 'eta', 'configs', 'brackets', 'maxActive', 'warmStart'],
  evaluator: [...new Set([...Object.keys(trainEvaluatorSchema.shape), ...Object.keys(tableEvaluatorSchema.shape)])],
};

export type TrainEvaluatorSpec = z.infer<typeof trainEvaluatorSchema>;
export type TableEvaluatorSpec = z.infer<typeof tableEvaluatorSchema>;
export type ExternalEvaluatorSpec = z.infer<typeof externalEvaluatorSchema>;
export type EvaluatorSpec = TrainEvaluatorSpec | TableEvaluatorSpec | ExternalEvaluatorSpec;
export type SchedulerConfig = z.infer<typeof schedulerSchema>;
