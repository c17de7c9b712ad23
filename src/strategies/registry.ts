// Every strategy by its fixed name. A strategy is registered by adding its factory to
// STRATEGIES (explicitly); test/strategies/strategies.test.ts then runs it on every space.
import { type AnySearchSpace } from '../spaces/index.js';
import { didYouMean } from '../util/index.js';
import { StrategyError } from './errors.js';
import { evolutionStrategy } from './evolution.js';
import { randomStrategy } from './random.js';
import { reinforceStrategy } from './reinforce.js';
import { ppoStrategy } from './ppo.js';
import { pnasStrategy, popnasStrategy } from './pnas/index.js';
import { type Strategy, type StrategyFactory, type StrategyOptions, type StrategyState } from './strategy.js';

export const STRATEGIES: readonly StrategyFactory[] = [randomStrategy, evolutionStrategy, reinforceStrategy, ppoStrategy, pnasStrategy, popnasStrategy];

export function strategyNames(): string[] {
  return STRATEGIES.map((s) => s.kind);
}

/** The factory of strategy `name`; throws StrategyError('unknown-strategy') with "did you mean" help. */
export function getStrategy(name: string): StrategyFactory {
  const hit = STRATEGIES.find((s) => s.kind === name);
  if (hit) return hit;
  const names = strategyNames();
  const hint = didYouMean(name, names).replace(/^ Did/, '; did');
  throw new StrategyError(`unknown strategy '${name}'${hint || '.'} Known strategies: ${names.join(', ')}`, 'unknown-strategy');
}

/** A new strategy of kind `name` on `space`. */
export function createStrategy(name: string, space: AnySearchSpace, options: StrategyOptions = {}): Strategy {
  return getStrategy(name).create(space, options);
}

/** The strategy a `state()` was taken from, continuing exactly where it stood. */
export function restoreStrategy(space: AnySearchSpace, state: StrategyState): Strategy {
  if (state === null || typeof state !== 'object' || typeof state.kind !== 'string') {
    throw new StrategyError(`a strategy state must be a JSON object with a 'kind', got ${JSON.stringify(state)?.slice(0, 80)}`, 'invalid-state');
  }
  return getStrategy(state.kind).restore(space, state);
}
