// Errors a user can cause with data: missing files, malformed files, inconsistent shapes, bad options.

export type DataErrorCode = 'DATA_MISSING' | 'DATA_FORMAT' | 'DATA_SHAPE' | 'DATA_OPTION';

/** A data problem the user can fix; the message says what was wrong and what to do. */
export class DataError extends Error {
  constructor(readonly code: DataErrorCode, message: string) {
    super(message);
    this.name = 'DataError';
  }
}

export function checkPositiveInt(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 1) throw new DataError('DATA_OPTION', `${what} must be a positive integer, got ${v}`);
}

export function checkSeed(v: number, what = 'seed'): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new DataError('DATA_OPTION', `${what} must be an integer in [0, 2^32), got ${v}`);
  }
}
