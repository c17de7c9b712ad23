// Random search: uniform samples of the space, never proposing a key it has proposed or been
// told before (a bounded number of redraws; past that, the space is taken as exhausted and a
// repeat is allowed). The baseline every NAS paper should beat (Li & Talwalkar, 2019).
import { type AnySearchSpace, type Genotype } from '../spaces/index.js';
import { Rng } from '../util/index.js';
import { StrategyError } from './errors.js';
import { checkInteger, checkState, resolveOptions, rngFromState } from './options.js';
import { type Strategy, type StrategyFactory, type StrategyOptions, type StrategyState, type TrialResult } from './strategy.js';

const KIND = 'random';
const DEFAULTS = { maxRetries: 100 };
/** the generator's stream id, so that a strategy's draws differ from a space test's with the same seed */
const STREAM = 0x5ea4c4;

export class RandomSearch implements Strategy {
  readonly kind = KIND;

  constructor(
    private readonly space: AnySearchSpace,
    private readonly rng: Rng,
    /** redraws before a repeat is accepted */
    readonly maxRetries: number,
    private readonly seen: Set<string> = new Set(),
  ) {}

  ask(n: number): Genotype[] {
    checkInteger(KIND, 'n', n, 0);
    const out: Genotype[] = [];
    for (let i = 0; i < n; i++) {
      let g = this.space.sample(this.rng);
      for (let r = 0; r < this.maxRetries && this.seen.has(this.space.key(g)); r++) g = this.space.sample(this.rng);
      this.seen.add(this.space.key(g));
      out.push(g);
    }
    return out;
  }

  tell(results: readonly TrialResult[]): void {
    for (const r of results) this.seen.add(r.key);
  }

  state(): StrategyState {
    return { kind: KIND, version: 1, space: this.space.name, rng: this.rng.state(), maxRetries: this.maxRetries, seen: [...this.seen] };
  }
}

export const randomStrategy: StrategyFactory = {
  kind: KIND,
  description: 'uniform random search without repeats (Li & Talwalkar, 2019)',
  defaults: DEFAULTS,
  create(space: AnySearchSpace, options: StrategyOptions): RandomSearch {
    const o = resolveOptions(KIND, DEFAULTS, options);
    checkInteger(KIND, 'maxRetries', o.maxRetries, 0);
    return new RandomSearch(space, new Rng(o.seed, STREAM), o.maxRetries);
  },
  restore(space: AnySearchSpace, state: StrategyState): RandomSearch {
    checkState(KIND, space, state);
    const seen = state.seen;
    const maxRetries = Number(state.maxRetries);
    checkInteger(KIND, 'maxRetries', maxRetries, 0);
    if (!Array.isArray(seen) || !seen.every((k) => typeof k === 'string'))
      throw new StrategyError('random: state.seen must be a list of keys', 'invalid-state');
    return new RandomSearch(space, rngFromState(KIND, state.rng), maxRetries, new Set(seen as string[]));
  },
};
