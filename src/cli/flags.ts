// Numeric command-line flags, checked with a message that names the flag and the value.
import { UserError } from './errors.js';

/** An integer flag of at least `min`. */
export function intFlag(flag: string, v: string, min = Number.MIN_SAFE_INTEGER): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min) {
    throw new UserError(`--${flag} expects an integer${min > Number.MIN_SAFE_INTEGER ? ` of at least ${min}` : ''}, got '${v}'`);
  }
  return n;
}

/** A finite number flag. */
export function numFlag(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UserError(`--${flag} expects a number, got '${v}'`);
  return n;
}
