// The registry entries 'pnas' and 'popnas': options with their defaults, checks, and restoring
// a saved state. The defaults are the same on every space and table.
import { type AnySearchSpace } from '../../spaces/index.js';
import { SpaceError } from '../../spaces/core/index.js';
import { type Json, Rng, didYouMean } from '../../util/index.js';
import { StrategyError } from '../errors.js';
import { checkInteger, checkState, resolveOptions, rngFromState } from '../options.js';
import { type StrategyFactory, type StrategyOptions, type StrategyState } from '../strategy.js';
import { SURROGATE_KINDS, type SurrogateKind } from '../surrogates/index.js';
import { type Observation, type ProgressiveMemory, type ProgressiveOptions, ProgressiveSearch } from './progressive.js';

type Kind = 'pnas' | 'popnas';

const NUMERIC = { beamSize: 10, ensembleSize: 5, maxExpansions: 1000, hidden: 32, epochs: 50 };
const PNAS_DEFAULTS = { ...NUMERIC, surrogate: 'mlp-ensemble' };
/** both tables give the (recorded or simulated) training time as 'trainTime', in seconds */
const POPNAS_DEFAULTS = { ...PNAS_DEFAULTS, costMetric: 'trainTime' };
const STREAM: Record<Kind, number> = { pnas: 0x9a5, popnas: 0x909a5 };

/** The options over the kind's defaults, checked. */
function resolve(kind: Kind, options: StrategyOptions): ProgressiveOptions & { seed: number } {
  if (kind === 'pnas' && options.costMetric !== undefined) {
    throw new StrategyError(
      `pnas has no option 'costMetric' (it predicts accuracy only); use the strategy 'popnas' to trade accuracy against a cost`,
      'invalid-option',
    );
  }
  const defaults = kind === 'pnas' ? PNAS_DEFAULTS : POPNAS_DEFAULTS;
  // resolveOptions checks names and types (a string default takes strings only)
  const o = resolveOptions(kind, defaults as unknown as Record<string, number>, options) as unknown as typeof POPNAS_DEFAULTS & { seed: number };
  if (!(SURROGATE_KINDS as readonly string[]).includes(o.surrogate)) {
    throw new StrategyError(
      `${kind}: unknown surrogate '${o.surrogate}'.${didYouMean(o.surrogate, SURROGATE_KINDS)} Surrogates: ${SURROGATE_KINDS.join(', ')}`,
      'invalid-option',
    );
  }
  for (const name of Object.keys(NUMERIC) as (keyof typeof NUMERIC)[]) checkInteger(kind, name, o[name], 1);
  if (kind === 'popnas' && o.costMetric.length === 0)
    throw new StrategyError(`popnas: option 'costMetric' must name a metric, e.g. 'trainTime'`, 'invalid-option');
  const { costMetric, ...rest } = o;
  return { ...rest, surrogate: o.surrogate as SurrogateKind, ...(kind === 'popnas' ? { costMetric } : {}) };
}

function list(kind: Kind, state: StrategyState, field: string): unknown[] {
  const v = state[field];
  if (!Array.isArray(v)) throw new StrategyError(`${kind}: state.${field} must be a list`, 'invalid-state');
  return v;
}

function decisionVector(kind: Kind, space: AnySearchSpace, v: unknown, where: string): number[] {
  try {
    space.fromDecisions(v as number[]);
  } catch (e) {
    if (e instanceof SpaceError) throw new StrategyError(`${kind}: ${where} is not a decision vector of '${space.name}' (${e.message})`, 'invalid-state');
    throw e;
  }
  return [...(v as number[])];
}

function memoryOf(kind: Kind, space: AnySearchSpace, state: StrategyState, withCost: boolean): ProgressiveMemory {
  const strings = (field: string): string[] => {
    const v = list(kind, state, field);
    if (!v.every((k) => typeof k === 'string')) throw new StrategyError(`${kind}: state.${field} must be a list of keys`, 'invalid-state');
    return v as string[];
  };
  const history: Observation[] = list(kind, state, 'history').map((x, i) => {
    const r = x as { values?: unknown; key?: unknown; score?: unknown; cost?: unknown };
    if (typeof r.key !== 'string' || typeof r.score !== 'number' || (withCost && typeof r.cost !== 'number')) {
      throw new StrategyError(`${kind}: state.history[${i}] needs values, a key, a score${withCost ? ' and a cost' : ''}`, 'invalid-state');
    }
    const values = decisionVector(kind, space, r.values, `state.history[${i}].values`);
    return { values, key: r.key, score: r.score, ...(withCost ? { cost: r.cost as number } : {}) };
  });
  const step = Number(state.step);
  if (!Number.isInteger(step) || step < 0) throw new StrategyError(`${kind}: state.step must be a step count`, 'invalid-state');
  return {
    step,
    queue: list(kind, state, 'queue').map((v, i) => decisionVector(kind, space, v, `state.queue[${i}]`)),
    reserve: list(kind, state, 'reserve').map((v, i) => decisionVector(kind, space, v, `state.reserve[${i}]`)),
    waiting: strings('waiting'),
    seen: strings('seen'),
    history,
  };
}

function factory(kind: Kind, description: string, defaults: Readonly<Record<string, Json>>): StrategyFactory {
  return {
    kind,
    description,
    defaults,
    create(space: AnySearchSpace, options: StrategyOptions): ProgressiveSearch {
      const { seed, ...o } = resolve(kind, options);
      return new ProgressiveSearch(kind, space, new Rng(seed, STREAM[kind]), o);
    },
    restore(space: AnySearchSpace, state: StrategyState): ProgressiveSearch {
      checkState(kind, space, state);
      const { seed: _seed, ...o } = resolve(kind, (state.options ?? {}) as StrategyOptions);
      return new ProgressiveSearch(kind, space, rngFromState(kind, state.rng), o, memoryOf(kind, space, state, kind === 'popnas'));
    },
  };
}

export const pnasStrategy: StrategyFactory = factory(
  'pnas',
  'progressive model-based search, PNAS (Liu et al., 2018): grow one block per step, train the K expansions a surrogate (MLP ensemble or LSTM) ranks best',
  PNAS_DEFAULTS,
);

export const popnasStrategy: StrategyFactory = factory(
  'popnas',
  'Pareto-optimal progressive search, POPNASv3 (Falanti et al., 2023): PNAS with a cost predictor; trains the Pareto front of predicted accuracy vs. predicted cost',
  POPNAS_DEFAULTS,
);
