// The Strategy interface: ask/tell over genotypes and metrics, with a JSON state from which a
// study resumes exactly (the generator's state is part of it). Strategies never see a network.
import { type AnySearchSpace, type Genotype } from '../spaces/index.js';
import { type Json } from '../util/index.js';

/** What an evaluator measured for one candidate (accuracies in percent, times in seconds). */
export type Metrics = Readonly<Record<string, number>>;

/** One evaluated candidate, as the study tells it back. */
export interface TrialResult<G extends Genotype = Genotype> {
  readonly genotype: G;
  /** the space's canonical key of `genotype` */
  readonly key: string;
  readonly metrics: Metrics;
  /** the objective's value of `metrics`: higher is better */
  readonly score: number;
}

/** A proposal the study drops: its genotype and the space's key of it. */
export interface Proposal<G extends Genotype = Genotype> {
  readonly genotype: G;
  readonly key: string;
}

/** A strategy's resumable state: plain JSON, tagged with the strategy kind and the space. */
export interface StrategyState {
  readonly kind: string;
  readonly version: 1;
  readonly space: string;
  readonly [field: string]: Json;
}

export interface Strategy<G extends Genotype = Genotype> {
  /** the registry name, fixed (stored with the state): e.g. 'evolution' */
  readonly kind: string;
  /**
   * Called by the study whenever it has room for `n` more trials (a worker is free). Returns
   * `n` genotypes of the strategy's space; proposals may repeat when the space is exhausted.
   * Results of earlier proposals may still be outstanding.
   */
  ask(n: number): G[];
  /**
   * Called by the study when trials finish, in the order they finished; the results may be of
   * proposals from any earlier `ask` (or of trials the user added), each exactly once.
   */
  tell(results: readonly TrialResult<G>[]): void;
  /**
   * Optional. Called by the study for proposals that will never be told: trials that failed or
   * were pruned, and proposals it dropped unevaluated (a duplicate of a pending trial). A
   * strategy that counts its outstanding proposals stops counting these.
   */
  forget?(proposals: readonly Proposal<G>[]): void;
  /**
   * Called by the study after each `tell` (and before it stops) to store the strategy: a plain
   * JSON object from which `restoreStrategy` gives a strategy whose next proposals equal
   * this one's.
   */
  state(): StrategyState;
}

/** Options every strategy takes; each kind adds its own. */
export interface StrategyOptions {
  /** seeds the strategy's generator: the same seed, space and results give the same proposals */
  readonly seed?: number;
  readonly [option: string]: Json | undefined;
}

/** How the registry makes and restores a strategy of one kind. */
export interface StrategyFactory {
  readonly kind: string;
  /** one line: what the strategy is and where it comes from */
  readonly description: string;
  /** the kind's options with their defaults (unknown options are refused) */
  readonly defaults: Readonly<Record<string, Json>>;
  create(space: AnySearchSpace, options: StrategyOptions): Strategy;
  restore(space: AnySearchSpace, state: StrategyState): Strategy;
}
