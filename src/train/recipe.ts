// A training recipe: everything that decides how a network is trained, with defaults, as plain
// JSON so a study can record it. The fields follow the NAS papers' training protocols.
import { TrainError } from './errors.js';

export interface OptimizerSpec {
  name: 'sgd' | 'rmsprop' | 'adam' | 'adamw';
  lr: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
  /** RMSProp's decay (alpha), Adam's betas */
  alpha?: number;
  betas?: [number, number];
  eps?: number;
}

export interface ScheduleSpec {
  name: 'cosine' | 'step' | 'exponential' | 'constant';
  /** linear warm-up, in epochs */
  warmupEpochs?: number;
  /** cosine's final lr */
  etaMin?: number;
  /** step: epochs between decays; exponential: epochs per decay (MnasNet: 2.4) */
  every?: number;
  gamma?: number;
}

export interface Recipe {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerSpec;
  schedule: ScheduleSpec;
  labelSmoothing: number;
  /** ScheduledDropPath's final drop probability (it rises linearly from 0 over training). */
  dropPath: number;
  /** Weight of the auxiliary head's loss (0 = off), as NASNet/DARTS use 0.4. */
  auxiliaryWeight: number;
  /** Cutout square side in pixels (0 = off). */
  cutout: number;
  /** Random crop padding in pixels (0 = off). */
  cropPadding: number;
  horizontalFlip: boolean;
  /** Clip the gradient's global 2-norm (0 = off); DARTS uses 5. */
  gradClip: number;
  /** Stop after this many seconds of training (0 = no limit); the result says it stopped early. */
  timeBudgetSec: number;
  seed: number;
}

export const DEFAULT_RECIPE: Recipe = {
  epochs: 10,
  batchSize: 128,
  optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 3e-4 },
  schedule: { name: 'cosine', warmupEpochs: 0, etaMin: 0 },
  labelSmoothing: 0,
  dropPath: 0,
  auxiliaryWeight: 0,
  cutout: 0,
  cropPadding: 0,
  horizontalFlip: false,
  gradClip: 0,
  timeBudgetSec: 0,
  seed: 0,
};

/** The DARTS/NASNet final-training recipe for CIFAR (600 epochs, cutout 16, drop path 0.2, aux 0.4). */
export const DARTS_CIFAR_RECIPE: Recipe = {
  ...DEFAULT_RECIPE,
  epochs: 600,
  batchSize: 96,
  optimizer: { name: 'sgd', lr: 0.025, momentum: 0.9, nesterov: false, weightDecay: 3e-4 },
  schedule: { name: 'cosine', etaMin: 0 },
  dropPath: 0.2,
  auxiliaryWeight: 0.4,
  cutout: 16,
  cropPadding: 4,
  horizontalFlip: true,
  gradClip: 5,
};

function check(ok: boolean, field: string, value: unknown, rule: string): void {
  if (!ok) throw new TrainError(`recipe.${field} = ${JSON.stringify(value)}: ${rule}`, 'invalid-recipe');
}

/** Fill in defaults and check every field; errors name the field, the value and the rule. */
export function resolveRecipe(partial: Partial<Recipe> = {}, base: Recipe = DEFAULT_RECIPE): Recipe {
  const known = new Set(Object.keys(DEFAULT_RECIPE));
  for (const k of Object.keys(partial)) {
    if (!known.has(k)) throw new TrainError(`unknown recipe field '${k}'; known fields are ${[...known].join(', ')}`, 'invalid-recipe');
  }
  const r: Recipe = {
    ...base,
    ...partial,
    optimizer: { ...base.optimizer, ...(partial.optimizer ?? {}) } as OptimizerSpec,
    schedule: { ...base.schedule, ...(partial.schedule ?? {}) } as ScheduleSpec,
  };
  const int = (v: number): boolean => Number.isInteger(v);
  check(int(r.epochs) && r.epochs >= 1, 'epochs', r.epochs, 'must be a positive integer');
  check(int(r.batchSize) && r.batchSize >= 1, 'batchSize', r.batchSize, 'must be a positive integer');
  check(['sgd', 'rmsprop', 'adam', 'adamw'].includes(r.optimizer.name), 'optimizer.name', r.optimizer.name, 'must be one of sgd, rmsprop, adam, adamw');
  check(r.optimizer.lr > 0, 'optimizer.lr', r.optimizer.lr, 'must be positive');
  check(
    ['cosine', 'step', 'exponential', 'constant'].includes(r.schedule.name),
    'schedule.name',
    r.schedule.name,
    'must be one of cosine, step, exponential, constant',
  );
  check(r.labelSmoothing >= 0 && r.labelSmoothing < 1, 'labelSmoothing', r.labelSmoothing, 'must be in [0, 1)');
  check(r.dropPath >= 0 && r.dropPath < 1, 'dropPath', r.dropPath, 'must be in [0, 1)');
  check(r.auxiliaryWeight >= 0, 'auxiliaryWeight', r.auxiliaryWeight, 'must be non-negative');
  check(int(r.cutout) && r.cutout >= 0, 'cutout', r.cutout, 'must be a non-negative integer');
  check(int(r.cropPadding) && r.cropPadding >= 0, 'cropPadding', r.cropPadding, 'must be a non-negative integer');
  check(r.gradClip >= 0, 'gradClip', r.gradClip, 'must be non-negative (0 = off)');
  check(r.timeBudgetSec >= 0, 'timeBudgetSec', r.timeBudgetSec, 'must be non-negative (0 = no limit)');
  check(int(r.seed) && r.seed >= 0, 'seed', r.seed, 'must be a non-negative integer');
  return r;
}
