// Studies: the study and trial model, storage (SQLite file or PostgreSQL server) behind one
// interface, and the worker loop that any number of processes run on one study.
//
// How the worker loop behaves (runWorker):
// - Claims run in one transaction under the study's lock (SQLite: BEGIN IMMEDIATE; PostgreSQL:
//   the study's row FOR UPDATE): stale running trials (no heartbeat for 3 × heartbeatSeconds)
//   go back to the queue, or fail after maxAttempts claims; the strategy is restored from its
//   stored state and told every complete result it has not heard, in finish order; a queued
//   trial is claimed first, else the strategy is asked; its state is stored.
// - Duplicates: a proposal whose key equals a queued, running or complete trial is not
//   evaluated. A complete one's stored result is told as the new proposal's result (what a
//   re-evaluation would give) and the strategy is asked again; a pending one is simply asked
//   past. After MAX_REASK such proposals the space is taken as exhausted and a duplicate runs.
//   Failed trials do not block their key (a failure may be transient).
// - Budget: `trials` counts every trial (added ones too); `minutes` runs from the study's
//   creation. Once used, no new proposals: trials already queued or running still finish, and a
//   worker waits while any runs (it may come back to the queue) before it returns.
// - Workdirs: `<workdirRoot>/<study>/trial-<n>`, kept across attempts; the default root is
//   `<sqlite file>.studies` beside a SQLite file, `./nasforge-studies` for PostgreSQL.
// - Outcomes: metrics → complete (score from the objective); a throw, a non-finite metric or a
//   missing objective metric → failed with the reason; TrialPruned → pruned; an abort through
//   `signal` → queued again with the claim given back (it resumes from its workdir) and the
//   worker returns. A result from a worker whose trial was taken back is discarded.
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
