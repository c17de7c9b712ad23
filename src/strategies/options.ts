// Checking what a user (or a stored study) hands a strategy: options against the kind's
// defaults, and a saved state against the kind and space it must belong to.
import { type AnySearchSpace } from '../spaces/index.js';
import { Rng, readOptions } from '../util/index.js';
import { StrategyError } from './errors.js';
import { type StrategyOptions, type StrategyState } from './strategy.js';

/** The options over the kind's defaults; unknown names and values of the wrong type are refused. */
export function resolveOptions<T extends Record<string, number | boolean | string>>(kind: string, defaults: T, options: StrategyOptions): T & { seed: number } {
  const fail = (option: string, detail: string): StrategyError => new StrategyError(`${kind}: option '${option}' ${detail}`, 'invalid-option');
  const out = readOptions(kind, { seed: 0, ...defaults }, options, fail);
  if (!Number.isInteger(out.seed)) throw fail('seed', `must be an integer, got ${out.seed}`);
  return out as T & { seed: number };
}

/** Throws unless `value` is an integer of at least `min`. */
export function checkInteger(kind: string, option: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new StrategyError(`${kind}: option '${option}' must be an integer of at least ${min}, got ${value}`, 'invalid-option');
  }
}

/** Throws unless `state` is a state of `kind` on `space` that this code can read. */
export function checkState(kind: string, space: AnySearchSpace, state: StrategyState): void {
  if (state === null || typeof state !== 'object')
    throw new StrategyError(`a ${kind} state must be a JSON object, got ${JSON.stringify(state)}`, 'invalid-state');
  if (state.kind !== kind) throw new StrategyError(`the state is of strategy '${String(state.kind)}', not '${kind}'`, 'invalid-state');
  if (state.version !== 1)
    throw new StrategyError(`${kind}: state version ${String(state.version)} is not readable by this version (expected 1)`, 'invalid-state');
  if (state.space !== space.name) {
    throw new StrategyError(`the ${kind} state was saved on space '${String(state.space)}', not '${space.name}'`, 'invalid-state');
  }
}

/** The generator stored in a state. */
export function rngFromState(kind: string, words: unknown): Rng {
  try {
    return Rng.fromState(words as number[]);
  } catch (e) {
    throw new StrategyError(`${kind}: the state's generator is unreadable (${(e as Error).message})`, 'invalid-state');
  }
}
