// The weight-sharing methods a search config can name (`strategy: {name: darts, epochs: 1}`),
// and the one check a config and the method share: the method exists, builds a supernet of the
// space, and knows every option.
import { type Json, type OptionValue, didYouMean, readOptions } from '../../util/index.js';
import { type OneShotMethod, OneShotError, PASSED_OPTIONS } from '../core/index.js';
import { dartsMethod } from './darts.js';
import { gdasMethod } from './gdas.js';
import { oneshotMethod } from './oneshot.js';
import { fbnetMethod } from './fbnet.js';
import { proxylessMethod } from './proxylessnas.js';
import { enasMethod } from './enas.js';

export const ONESHOT_METHODS: readonly OneShotMethod[] = [dartsMethod, gdasMethod, oneshotMethod, fbnetMethod, proxylessMethod, enasMethod];

/** The registered methods' names, in registry order. */
export function oneshotMethodNames(): string[] {
  return ONESHOT_METHODS.map((m) => m.name);
}

/** The method `name`; an 'unknown-method' OneShotError (with the nearest names) otherwise. */
export function getOneShotMethod(name: string): OneShotMethod {
  const method = ONESHOT_METHODS.find((m) => m.name === name);
  if (method) return method;
  const known = oneshotMethodNames();
  throw new OneShotError(`there is no weight-sharing method '${name}'.${didYouMean(name, known)} The methods: ${known.join(', ')}`, 'unknown-method');
}

/**
 * `options` over `method`'s defaults for a search of `space`, checked as the method's run checks
 * them (unknown names, types; `seed` is passed through). `fail(field, detail)` builds the error:
 * field '' when the space is not one the method has a supernet of, else the option's name.
 */
export function resolveOneShotOptions(
  method: OneShotMethod,
  space: string,
  options: Readonly<Record<string, Json>>,
  fail: (field: string, detail: string) => Error,
): Record<string, Json> {
  if (!method.spaces.includes(space)) {
    throw fail('', `'${method.name}' builds supernets of the spaces ${method.spaces.join(', ')}, not '${space}'; set space to one of them`);
  }
  return readOptions(method.name, method.defaults as Record<string, OptionValue>, options, fail, { extra: PASSED_OPTIONS });
}
