// Errors a user can cause with a study: a bad storage URL, a server that cannot be reached, a
// corrupt or too-new database, a study name that does not exist, a config that changed.
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
  | 'invalid-storage';

export class StudyError extends NasforgeError {
  constructor(message: string, override readonly code: StudyErrorCode) {
    super(message, code);
    this.name = 'StudyError';
  }
}

/**
 * Thrown by an evaluator to stop a trial early as not worth finishing (multi-fidelity pruning):
 * the trial is recorded as `pruned` with the metrics given here, and the search goes on.
 */
export class TrialPruned extends Error {
  constructor(message = 'pruned', readonly metrics: Readonly<Record<string, number>> = {}) {
    super(message);
    this.name = 'TrialPruned';
  }
}
