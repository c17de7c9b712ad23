// Weight-sharing methods as a search config's strategy: looked up by name in the one-shot
// registry, with their options checked against the method's defaults.
import { type Json, didYouMean } from '../../util/index.js';
import { strategyNames } from '../../strategies/index.js';
import { ONESHOT_METHODS, type OneShotMethod } from '../../oneshot/index.js';
import { show } from './config-errors.js';

/** Strategy names that mean a weight-sharing method (src/oneshot), not a black-box strategy. */
export const ONESHOT_NAMES: readonly string[] = ['oneshot', 'enas', 'darts', 'gdas', 'fbnet', 'proxylessnas'];

export type FieldFailure = (field: string, detail: string) => Error;

/** The method `name` for `space` with `options` checked; `fail` builds the error to throw. */
export function findOneShotMethod(name: string, space: string, options: Readonly<Record<string, Json>>, fail: FieldFailure): OneShotMethod {
  const methods = ONESHOT_METHODS;
  const method = methods.find((m) => m.name === name);
  if (!method) {
    const have = methods.map((m) => m.name);
    throw fail('name', `is '${name}', a weight-sharing method this build does not include. `
      + `Weight-sharing methods here: ${have.join(', ') || 'none'}; black-box strategies: ${strategyNames().join(', ')}`);
  }
  if (!method.spaces.includes(space)) {
    throw fail('', `'${name}' builds supernets of the spaces ${method.spaces.join(', ')}, not '${space}'; set space to one of them`);
  }
  const known = Object.keys(method.defaults);
  for (const [k, v] of Object.entries(options)) {
    if (k === 'seed') continue;
    if (!known.includes(k)) throw fail(k, `is not an option of ${name}.${didYouMean(k, known)} Its options: ${known.join(', ')}`);
    const want = method.defaults[k];
    if (typeof v !== typeof want) throw fail(k, `is ${show(v)}; it must be ${typeof want === 'boolean' ? 'true or false' : `a ${typeof want}`} (default ${show(want)})`);
  }
  return method;
}
