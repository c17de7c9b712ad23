// A method's options over its defaults, read by util's shared reader (unknown names refused with
// "did you mean" help, each value of its default's type or one of the listed words) with its
// refusals as OneShotErrors; and the range checks a type alone cannot express.
import { type Json, type OptionFailure, type OptionValue, readOptions } from '../../util/index.js';
import { OneShotError } from './errors.js';

/** Names every method accepts besides its defaults: a search config may carry `seed` (the run's seed is ctx.seed). */
export const PASSED_OPTIONS: readonly string[] = ['seed'];

/** util's `fail` for method `method`: an 'invalid-option' OneShotError naming the option. */
export function optionFailure(method: string): OptionFailure {
  return (option, detail) => new OneShotError(`${method}: option '${option}' ${detail}`, 'invalid-option');
}

/** `options` over `defaults`, typed as the defaults; `words` lists the allowed values of string options. */
export function readMethodOptions<T extends Record<string, OptionValue>>(
  method: string,
  defaults: T,
  options: Readonly<Record<string, Json>>,
  words: Partial<Record<keyof T, readonly string[]>> = {},
): T {
  return readOptions(method, defaults, options, optionFailure(method), { words, extra: PASSED_OPTIONS });
}

/** Throws unless option `name` is an integer of at least `min`. */
export function checkIntOption(method: string, name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new OneShotError(`${method}: option '${name}' must be an integer of at least ${min}, got ${v}`, 'invalid-option');
}

/** Throws unless option `name` lies in [lo, hi] (hi inclusive unless `openHi`). */
export function checkRangeOption(method: string, name: string, v: number, lo: number, hi = Infinity, openHi = false): void {
  if (!(v >= lo) || (openHi ? v >= hi : v > hi)) {
    throw new OneShotError(`${method}: option '${name}' must lie in [${lo}, ${hi}${openHi ? ')' : ']'}, got ${v}`, 'invalid-option');
  }
}
