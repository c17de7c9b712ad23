// Weight-sharing methods as a search config's strategy: looked up in the one-shot registry,
// with their options checked as the method itself checks them.
import { type Json, didYouMean } from '../util/index.js';
import { strategyNames } from '../strategies/index.js';
import { ONESHOT_METHODS, type OneShotMethod, oneshotMethodNames, resolveOneShotOptions } from '../oneshot/index.js';

/** Strategy names that mean a weight-sharing method (src/oneshot), not a black-box strategy. */
export const weightSharingNames = oneshotMethodNames;

export function isWeightSharing(name: string): boolean {
  return ONESHOT_METHODS.some((m) => m.name === name);
}

export type FieldFailure = (field: string, detail: string) => Error;

/** The method `name` for `space` with `options` checked; `fail` builds the error to throw. */
export function findOneShotMethod(name: string, space: string, options: Readonly<Record<string, Json>>, fail: FieldFailure): OneShotMethod {
  const method = ONESHOT_METHODS.find((m) => m.name === name);
  if (!method) {
    const have = weightSharingNames();
    throw fail(
      'name',
      `is '${name}', not a weight-sharing method.${didYouMean(name, have)} ` +
        `Weight-sharing methods: ${have.join(', ')}; black-box strategies: ${strategyNames().join(', ')}`,
    );
  }
  resolveOneShotOptions(method, space, options, fail);
  return method;
}
