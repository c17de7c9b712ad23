// One reader for the options of anything named in a config (a strategy, a weight-sharing
// method, a scheduler): the given options over the defaults, unknown names refused with "did you
// mean" help, each value of its default's type (or one of the listed words). Each caller turns
// a refusal into its own error type, so the message can name the config field.
import { type Json } from './json.js';
import { didYouMean } from './names.js';

export type OptionValue = number | boolean | string;

/** Why an option was refused: the option's name ('' for the whole set) and what was wrong. */
export type OptionFailure = (option: string, detail: string) => Error;

export interface ReadOptions<T> {
  /** the allowed values of string options */
  readonly words?: Partial<Record<keyof T, readonly string[]>>;
  /** names accepted besides the defaults' (e.g. `seed`), passed through unchecked */
  readonly extra?: readonly string[];
}

/** A value as it appears in a message (non-finite numbers spelled out: JSON would say null). */
export function showValue(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** What a default's type asks of a value, in words. */
export function typeWords(example: unknown): string {
  if (typeof example === 'boolean') return 'true or false';
  if (typeof example === 'number') return 'a finite number';
  return `a ${typeof example}`;
}

/**
 * `options` over the defaults of `owner` (a strategy's or method's name): throws `fail(name, detail)` for an unknown name, a value of
 * another type than its default's (non-finite numbers included), or a word not in `words`.
 */
export function readOptions<T extends Record<string, OptionValue>>(
  owner: string,
  defaults: T,
  options: Readonly<Record<string, Json | undefined>>,
  fail: OptionFailure,
  o: ReadOptions<T> = {},
): T {
  const extra = o.extra ?? [];
  const known = [...extra, ...Object.keys(defaults)];
  const out: Record<string, OptionValue | Json> = { ...defaults };
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined) continue;
    if (extra.includes(k)) {
      out[k] = v;
      continue;
    }
    if (!Object.hasOwn(defaults, k)) {
      throw fail(k, `is not an option of ${owner}.${didYouMean(k, known)} Its options: ${known.join(', ')}`);
    }
    const want = defaults[k];
    if (typeof v !== typeof want || (typeof v === 'number' && !Number.isFinite(v))) {
      throw fail(k, `is ${showValue(v)}; it must be ${typeWords(want)} (default ${showValue(want)})`);
    }
    const allowed = o.words?.[k as keyof T];
    if (allowed && !allowed.includes(v as string)) {
      throw fail(k, `is ${showValue(v)}; allowed: ${allowed.join(', ')}`);
    }
    out[k] = v;
  }
  return out as T;
}
