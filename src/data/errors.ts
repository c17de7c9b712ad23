// Errors a user can cause with data: missing files, malformed files, inconsistent shapes, bad options.
import { NasforgeError } from '../util/index.js';

export type DataErrorCode = 'missing-data' | 'invalid-format' | 'invalid-shape' | 'invalid-option' | 'unknown-dataset';

/** A data problem the user can fix; the message says what was wrong and what to do. */
export class DataError extends NasforgeError {
  constructor(
    message: string,
    override readonly code: DataErrorCode,
  ) {
    super(message, code);
    this.name = 'DataError';
  }
}
export function checkPositiveInt(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 1) throw new DataError(`${what} must be a positive integer, got ${v}`, 'invalid-option');
}

export function checkSeed(v: number, what = 'seed'): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new DataError(`${what} must be an integer in [0, 2^32), got ${v}`, 'invalid-option');
  }
}
