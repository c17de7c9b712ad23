// Training: recipes, fit/evaluate, checkpoints that resume exactly, progress.
export { type Recipe, type OptimizerSpec, type ScheduleSpec, DEFAULT_RECIPE, DARTS_CIFAR_RECIPE, resolveRecipe } from './recipe.js';
export { TrainError } from './errors.js';
export { DIVERGENCE_FACTOR, divergence, lossReference } from './divergence.js';
export { fit, trainStep, trainTransform, type Classifier, type FitOptions, type FitResult } from './trainer.js';
export { evaluate, topkCorrect, type EvalMetrics } from './evaluate.js';
export { saveCheckpoint, loadCheckpoint, hasCheckpoint, type EpochRecord, type TrainerCounters } from './checkpoint.js';
export { type FileSet, nextFileSet, commitFileSet, fileOf } from './checkpoint-files.js';
export {
  type ClassifierOutput,
  type DropPathControl,
  type AuxiliaryForward,
  logitsOf,
  auxLogitsOf,
  hasDropPath,
  hasAuxiliaryForward,
  trainingOutput,
} from './model.js';
export { progressBar, silentProgress, type ProgressSink } from './progress.js';
export { makeOptimizer, makeSchedule } from './build.js';
