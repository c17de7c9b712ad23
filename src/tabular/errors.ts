// Errors a user can cause with a tabular benchmark: a missing or malformed data file, an
// unknown table name, an architecture the table does not hold, an option it cannot honour.
import { NasforgeError } from '../util/index.js';

export type TableErrorCode = 'missing-data' | 'invalid-data' | 'unknown-table' | 'not-in-table' | 'invalid-option';

export class TableError extends NasforgeError {
  constructor(
    message: string,
    override readonly code: TableErrorCode,
  ) {
    super(message, code);
    this.name = 'TableError';
  }
}
