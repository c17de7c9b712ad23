// Studies: the study and trial model, storage (SQLite file or PostgreSQL server) behind one
// interface, and the worker loop that any number of processes run on one study.
export {
  type TrialState, type StudyRecord, type Trial, type Intermediate, type StudyDefinition, type TrialContext, type Evaluate,
} from './types.js';
export { StudyError, TrialPruned, type StudyErrorCode } from './errors.js';
export { type Storage, type NewTrial, type TrialFilter } from './storage.js';
export { openStorage } from './open.js';
export { parseStorageUrl, redactUrl, type StorageUrl } from './url.js';
export { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations.js';
export { configDifferences, describeDifferences, type ConfigDifference } from './config-diff.js';
export { runWorker, defaultWorkerName, STALE_BEATS, MAX_REASK, type WorkerOptions, type WorkerSummary } from './worker.js';
