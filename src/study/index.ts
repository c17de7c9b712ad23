// Studies: the study and trial model, storage (SQLite file or PostgreSQL server) behind one
// interface, and the worker loop that any number of processes run on one study.
//
// How the worker loop behaves (runWorker):
// - Claims run in one transaction under the study's lock (SQLite: BEGIN IMMEDIATE; PostgreSQL:
//   the study's row FOR UPDATE): running trials whose worker died go back to the queue (see
//   Deaths); the searcher (the strategy, or a scheduler around it) is restored
//   from its stored state and hears every finished trial it has not heard, in finish order; a
//   queued trial is claimed first, else the searcher is asked; its state is stored.
// - A dead worker: its heartbeat is older than 3 × heartbeatSeconds; or, when it ran on the same
//   host (hostname, boot id and PID namespace, stored with the claim with its PID), its process
//   is gone (signal 0 finds none, or a zombie): re-queued at the next claim of any local worker.
//   A worker whose own database connection just came back (PostgreSQL) judges no heartbeat
//   stale for one stale period: nobody's heartbeat could land while the server was away.
// - Deaths (kill -9, power loss, an OOM kill of the machine) are not the trial's failure: the
//   trial goes back to the queue without using anything up and resumes from its checkpoint;
//   `deaths` counts them. An evaluator calls TrialContext.progress(step) after it saved a
//   checkpoint (`progress`: the work kept, never lowered; it beats the heartbeat too). A death
//   is charged (`crashes` + 1) only when the trial's progress did not advance since its
//   previous death, the same crash at the same point (the trial itself likely kills its
//   process: out of memory, a native crash); a first death is never charged, and a death after
//   progress clears the charges. At maxAttempts charged deaths the trial fails for good with
//   failure 'crashed' (with maxAttempts 3: on its 4th death at one point). An evaluator that
//   never reports progress has every death after its first charged. `attempts` counts claims
//   and is informational.
// - Strategy: told every complete result; failed and pruned trials, and proposals dropped as
//   duplicates of pending ones, go to its optional `forget` (they will never be told).
// - Duplicates: a proposal whose key equals a queued, running or complete trial is not
//   evaluated. A complete one's stored result is told as the new proposal's result (what a
//   re-evaluation would give) and the strategy is asked again; a pending one is forgotten and
//   asked past. After MAX_REASK such proposals the space is taken as exhausted and a duplicate
//   runs. Failed trials do not block their key (a failure may be transient).
// - Multi-fidelity (`scheduler`: successive halving or Hyperband, src/strategies/halving.ts):
//   the scheduler is asked instead of the strategy (its stored state holds the strategy's);
//   each trial has a `fidelity` (its budget, e.g. epochs), `bracket`, `rung` and, for a
//   promotion, `parent` (the rung below's trial; TrialContext.parentWorkdir holds its
//   checkpoint). Finished trials are reported to the scheduler, failed or pruned as null (never
//   promoted). While a rung waits for running trials, claims answer 'wait' and workers poll.
//   The same genotype at another fidelity is not a duplicate; one that completed at the same
//   fidelity is not trained again (its result is reported); a pending one at the same fidelity
//   (another bracket) is trained again. Trials added by a user (no bracket) go to the strategy.
// - Budget: `trials` counts every trial (added ones too, every rung of a scheduler); `minutes`
//   runs from the study's creation (wall clock). Once used, no new proposals: trials already
//   queued or running still finish, and a worker waits while any runs (it may come back to the
//   queue) before it returns. A later run may change the RUN_SETTINGS fields of the config
//   (budget, worker) to extend or shorten a study; the stored config takes the new values.
//   Workers already running keep the budget they started with.
// - Workdirs: `<workdirRoot>/<study>/trial-<n>`, kept across attempts; the default root is
//   `<sqlite file>.studies` beside a SQLite file, `./nasforge-studies` for PostgreSQL.
// - Outcomes: metrics → complete (score from the objective); a throw, a non-finite metric or a
//   missing objective metric → failed at once with the reason and failure 'error' ('diverged'
//   when the error's code is 'diverged': a NaN training loss); TrialPruned → pruned; an abort
//   through `signal` → queued again with the claim given back (it resumes from its workdir) and
//   the worker returns. A result from a worker whose trial was taken back is discarded. A
//   workdir holding another trial's files (same number, a deleted or reset study) is cleared.
// - The storage failing is never a trial's failure. PostgreSQL: statements and transactions
//   whose connection dropped are retried on a new one (back-off) for `reconnectSeconds`
//   (default 60, openStorage's option), heartbeats and progress writes included; then the
//   worker stops with StudyError 'unreachable'. SQLite: before every write and transaction the
//   file at the path must still be the one opened; deleted or replaced, what the connection
//   holds is saved to `<path>.recovered-<time>` and the worker stops with StudyError
//   'storage-gone' naming it. Either way runWorker rejects, nothing is recorded for the trial in
//   progress, and it resumes from its checkpoint on the next run.
export type {
  TrialState,
  TrialFailure,
  StudyRecord,
  Trial,
  Intermediate,
  StudyDefinition,
  TrialContext,
  Evaluate,
  SchedulerSpec,
} from './types.js';
export { StudyError, TrialPruned, type StudyErrorCode } from './errors.js';
export type { Storage, NewTrial, TrialFilter, EnsureOptions } from './storage.js';
export { openStorage, type OpenOptions } from './open.js';
export { parseStorageUrl, redactUrl, type StorageUrl } from './url.js';
export { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations.js';
export { configDifferences, describeDifferences, type ConfigDifference } from './config-diff.js';
export { runWorker, defaultWorkerName, STALE_BEATS, MAX_REASK, RUN_SETTINGS, type WorkerOptions, type WorkerSummary } from './worker.js';
export { hostIdentity, processGone } from './host.js';
export { AskTellTrials, type HeldTrial, type AskTellOptions } from './ask-tell.js';
