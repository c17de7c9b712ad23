// Regularized (aging) evolution, AmoebaNet (Real et al., AAAI 2019, Algorithm 1): a population
// of P trained models; each cycle samples S of them uniformly (with replacement, as Algorithm 1
// draws), mutates the best of the sample into a child, adds the child and removes the oldest
// member. With `aging: false` the worst member is removed instead (the paper's non-regularized
// tournament baseline). Until P results are in, proposals are uniform samples; the random
// proposals still out are tracked by key, so that one told, or forgotten by the study (failed,
// pruned, dropped as a duplicate), frees its place and a failure never shortens the random phase.
// With `pareto` (signed metrics, e.g. 'valAccuracy,-flops') "best" and "worst" are NSGA-II's
// order over the population's metrics instead of the score: lower non-dominated rank first,
// then larger crowding distance (Deb et al., 2002), so the population spreads along the front.
import { type AnySearchSpace, type Genotype } from '../spaces/index.js';
import { type Json, Rng } from '../util/index.js';
import { StrategyError } from './errors.js';
import { checkInteger, checkState, resolveOptions, rngFromState } from './options.js';
import { readMetric } from './objective.js';
import { type ParetoMetric, crowdingDistances, nonDominatedRanks, parseParetoMetrics } from './pareto.js';
import { type Metrics, type Proposal, type Strategy, type StrategyFactory, type StrategyOptions, type StrategyState, type TrialResult } from './strategy.js';

const KIND = 'evolution';
/** AmoebaNet's CIFAR search used P = 100, S = 25; benchmarks scale both to the query budget. */
const DEFAULTS = { populationSize: 100, sampleSize: 25, aging: true, pareto: '' };
const STREAM = 0xa70eba;

/** A population member: its genotype, key and score, in order of arrival (oldest first). */
export interface Member {
  readonly genotype: Genotype;
  readonly key: string;
  readonly score: number;
  /** the metrics a Pareto selection reads (kept only with the `pareto` option) */
  readonly metrics?: Metrics;
}

export interface EvolutionOptions {
  readonly populationSize: number;
  readonly sampleSize: number;
  readonly aging: boolean;
  /** '' (select by score) or signed metrics to select by Pareto rank, e.g. 'valAccuracy,-flops' */
  readonly pareto: string;
}

export class RegularizedEvolution implements Strategy {
  readonly kind = KIND;

  constructor(
    private readonly space: AnySearchSpace,
    private readonly rng: Rng,
    readonly options: EvolutionOptions,
    private readonly members: Member[] = [],
    /**
     * keys of the initial random proposals asked and neither told nor forgotten, so that a batch
     * ask does not overfill the population ('' stands for one of unknown key, from an older state)
     */
    private readonly outstanding: string[] = [],
  ) {
    this.paretoMetrics = options.pareto ? parseParetoMetrics(options.pareto) : undefined;
  }

  private readonly paretoMetrics: readonly ParetoMetric[] | undefined;

  /** The current population, oldest first. */
  get population(): readonly Member[] {
    return this.members;
  }

  ask(n: number): Genotype[] {
    checkInteger(KIND, 'n', n, 0);
    const out: Genotype[] = [];
    for (let i = 0; i < n; i++) {
      if (this.members.length === 0 || this.members.length + this.outstanding.length < this.options.populationSize) {
        const g = this.space.sample(this.rng);
        this.outstanding.push(this.space.key(g));
        out.push(g);
      } else {
        out.push(this.space.mutate(this.tournament().genotype, this.rng));
      }
    }
    return out;
  }

  /** The best of `sampleSize` members drawn uniformly with replacement (the first drawn wins ties). */
  private tournament(): Member {
    const better = this.comparator();
    let best: number | undefined;
    for (let i = 0; i < this.options.sampleSize; i++) {
      const j = this.rng.int(this.members.length);
      if (best === undefined || better(j, best)) best = j;
    }
    return this.members[best!]!;
  }

  /** Whether member i is strictly better than member j: by score, or by NSGA-II order with `pareto`. */
  private comparator(): (i: number, j: number) => boolean {
    const ms = this.paretoMetrics;
    if (!ms) return (i, j) => this.members[i]!.score > this.members[j]!.score;
    const points = this.members.map((m) => ms.map((x) => m.metrics![x.name]!));
    const rank = nonDominatedRanks(
      points,
      ms.map((x) => x.direction),
    );
    const crowd = crowdingDistances(points, rank);
    return (i, j) => rank[i]! < rank[j]! || (rank[i] === rank[j] && crowd[i]! > crowd[j]!);
  }

  tell(results: readonly TrialResult[]): void {
    for (const r of results) {
      if (!Number.isFinite(r.score))
        throw new StrategyError(`evolution: the score of '${r.key}' is ${r.score}; scores must be finite numbers`, 'missing-metric');
      this.settle(r.key);
      const metrics = this.paretoMetrics ? Object.fromEntries(this.paretoMetrics.map((m) => [m.name, readMetric(m.name, r.metrics)])) : undefined;
      this.members.push({ genotype: r.genotype, key: r.key, score: r.score, ...(metrics ? { metrics } : {}) });
      if (this.members.length > this.options.populationSize) this.members.splice(this.victim(), 1);
    }
  }

  forget(proposals: readonly Proposal[]): void {
    for (const p of proposals) this.settle(p.key);
  }

  /** A proposal of `key` is no longer out: its own entry goes, else one of unknown key. */
  private settle(key: string): void {
    let i = this.outstanding.indexOf(key);
    if (i < 0) i = this.outstanding.indexOf('');
    if (i >= 0) this.outstanding.splice(i, 1);
  }

  /** The index of the member that dies: the oldest (aging) or the worst, the oldest among equals. */
  private victim(): number {
    if (this.options.aging) return 0;
    const better = this.comparator();
    let worst = 0;
    this.members.forEach((_, i) => {
      if (better(worst, i)) worst = i;
    });
    return worst;
  }

  state(): StrategyState {
    return {
      kind: KIND,
      version: 1,
      space: this.space.name,
      rng: this.rng.state(),
      options: { ...this.options },
      outstanding: [...this.outstanding],
      population: this.members.map((m) => ({ genotype: m.genotype as Json, key: m.key, score: m.score, ...(m.metrics ? { metrics: { ...m.metrics } } : {}) })),
    };
  }
}

function checkOptions(o: EvolutionOptions): void {
  checkInteger(KIND, 'populationSize', o.populationSize, 1);
  checkInteger(KIND, 'sampleSize', o.sampleSize, 1);
  try {
    if (o.pareto) parseParetoMetrics(o.pareto);
  } catch (e) {
    throw new StrategyError(`evolution: option 'pareto': ${(e as Error).message}`, 'invalid-option');
  }
  if (o.sampleSize > o.populationSize) {
    throw new StrategyError(`evolution: sampleSize (${o.sampleSize}) must not exceed populationSize (${o.populationSize})`, 'invalid-option');
  }
}

export const evolutionStrategy: StrategyFactory = {
  kind: KIND,
  description:
    "regularized (aging) evolution, AmoebaNet (Real et al., 2019); aging: false removes the worst instead; pareto: 'valAccuracy,-flops' selects by non-dominated rank and crowding (NSGA-II)",
  defaults: DEFAULTS,
  create(space: AnySearchSpace, options: StrategyOptions): RegularizedEvolution {
    const { seed, ...o } = resolveOptions(KIND, DEFAULTS, options);
    checkOptions(o);
    return new RegularizedEvolution(space, new Rng(seed, STREAM), o);
  },
  restore(space: AnySearchSpace, state: StrategyState): RegularizedEvolution {
    checkState(KIND, space, state);
    const { seed: _seed, ...o } = resolveOptions(KIND, DEFAULTS, (state.options ?? {}) as StrategyOptions);
    checkOptions(o);
    const pop = state.population;
    if (!Array.isArray(pop)) throw new StrategyError('evolution: state.population must be a list', 'invalid-state');
    const members = pop.map((m, i) => {
      const r = m as { genotype?: unknown; key?: unknown; score?: unknown; metrics?: unknown };
      if (typeof r.key !== 'string' || typeof r.score !== 'number') {
        throw new StrategyError(`evolution: state.population[${i}] needs a key and a score`, 'invalid-state');
      }
      const metrics = r.metrics as Metrics | undefined;
      if (o.pareto && (metrics === undefined || parseParetoMetrics(o.pareto).some((x) => typeof metrics[x.name] !== 'number'))) {
        throw new StrategyError(`evolution: state.population[${i}] lacks the metrics ${o.pareto} that its Pareto selection reads`, 'invalid-state');
      }
      return { genotype: space.validate(r.genotype), key: r.key, score: r.score, ...(o.pareto ? { metrics: metrics! } : {}) };
    });
    // a count (states written before proposals were tracked by key) stands for that many unknown keys
    const o2 = state.outstanding;
    const outstanding =
      typeof o2 === 'number' && Number.isInteger(o2) && o2 >= 0
        ? Array.from({ length: o2 }, () => '')
        : Array.isArray(o2) && o2.every((k) => typeof k === 'string')
          ? (o2 as string[])
          : null;
    if (!outstanding) throw new StrategyError('evolution: state.outstanding must be a list of keys (or a count)', 'invalid-state');
    return new RegularizedEvolution(space, rngFromState(KIND, state.rng), o, members, outstanding);
  },
};
