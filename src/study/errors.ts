// Errors a user can cause with a study: a bad storage URL, a server that cannot be reached, a
// corrupt, read-only, missing or too-new database, a database file deleted under a running
// study, a study name that does not exist, a config that changed.
import { NasforgeError } from '../util/index.js';

export type StudyErrorCode =
  | 'invalid-url'
  | 'unreachable'
  | 'corrupt-storage'
  | 'schema-too-new'
  | 'storage-error'
  | 'unknown-study'
  | 'study-exists'
  | 'config-mismatch'
  | 'invalid-name'
  | 'invalid-trial'
  | 'trial-lost'
  | 'invalid-storage'
  /** the SQLite file was deleted or replaced while the study had it open */
  | 'storage-gone'
  /** the database (file or folder) cannot be written */
  | 'read-only'
  /** a read-only command named a SQLite file that does not exist */
  | 'unknown-storage'
  /** a config that cannot be stored (not plain JSON, nested too deeply) */
  | 'invalid-config';

export class StudyError extends NasforgeError {
  constructor(
    message: string,
    override readonly code: StudyErrorCode,
  ) {
    super(message, code);
    this.name = 'StudyError';
  }
}

/**
 * Thrown by an evaluator to stop a trial early as not worth finishing (multi-fidelity pruning):
 * the trial is recorded as `pruned` with the metrics given here, and the search goes on.
 */
export class TrialPruned extends Error {
  constructor(
    message = 'pruned',
    readonly metrics: Readonly<Record<string, number>> = {},
  ) {
    super(message);
    this.name = 'TrialPruned';
  }
}
