// A method's options over its defaults: unknown names are refused with "did you mean" help,
// and each value must have its default's type (a number, a boolean, or one of the listed words).
import { type Json, didYouMean } from '../util/index.js';
import { OneShotError } from './oneshot-errors.js';

type Value = number | boolean | string;

/**
 * `defaults` gives each option's type; `words` lists the allowed values of string options.
 * Returns the merged options typed as the defaults.
 */
export function resolveMethodOptions<T extends Record<string, Value>>(
  method: string, defaults: T, options: Readonly<Record<string, Json>>, words: Partial<Record<keyof T, readonly string[]>> = {},
): T {
  const known = Object.keys(defaults);
  const out: Record<string, Value> = { ...defaults };
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined) continue;
    if (!known.includes(k)) {
      throw new OneShotError(`${method} has no option '${k}'.${didYouMean(k, known)} Its options: ${known.join(', ')}`, 'invalid-option');
    }
    const want = typeof defaults[k];
    if (typeof v !== want || (typeof v === 'number' && !Number.isFinite(v))) {
      throw new OneShotError(`${method}: option '${k}' must be a ${want}, got ${JSON.stringify(v)}`, 'invalid-option');
    }
    const allowed = words[k as keyof T];
    if (allowed && !allowed.includes(v as string)) {
      throw new OneShotError(`${method}: option '${k}' must be one of ${allowed.map((w) => `'${w}'`).join(', ')}, got ${JSON.stringify(v)}`, 'invalid-option');
    }
    out[k] = v as Value;
  }
  return out as T;
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
