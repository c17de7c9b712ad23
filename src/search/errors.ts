// Errors of the search facade a user can cause: a study that is not there, a trial it does not
// have, a genotype document that names no architecture, a search stopped by a signal.
import { NasforgeError } from '../util/index.js';

export type SearchErrorCode = 'no-study' | 'no-complete-trial' | 'unknown-trial' | 'invalid-document' | 'invalid-request' | 'interrupted' | 'workers-failed';

export class SearchError extends NasforgeError {
  constructor(
    message: string,
    override readonly code: SearchErrorCode,
  ) {
    super(message, code);
    this.name = 'SearchError';
  }
}
