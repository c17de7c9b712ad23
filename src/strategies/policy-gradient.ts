// What REINFORCE and PPO share: an LSTM controller proposing genotypes, proposals remembered
// until their results come back (in any order), results gathered into batches of `batchSize`,
// an exponential-moving-average baseline, and a JSON state that holds everything (weights,
// Adam's moments, baseline, generator, pending proposals, the partial batch) so a restored
// strategy proposes exactly what an uninterrupted one would.
//
// Results of genotypes the strategy did not propose (trials a user added) are used: they enter
// the batch with their decision vector, and their log-probability under the policy that made
// them is taken to be the current policy's (REINFORCE needs none; PPO's ratio starts at 1).
//
// With `unique` (the default) a sample whose key was already proposed or told is redrawn: on a
// query budget a converging controller would otherwise spend queries on repeats. Proposals are
// then draws of the policy restricted to unseen keys; the update still uses each proposal's
// log-probability under the unrestricted policy (the usual approximation).
import { type Tensor, tensor } from '../torch/index.js';
import { Adam, type OptimizerMeta } from '../optim/index.js';
import { type AnySearchSpace, type Genotype } from '../spaces/index.js';
import { type Json, Rng } from '../util/index.js';
import { Controller, type ControllerOptions } from './controller.js';
import { StrategyError } from './errors.js';
import { checkInteger, checkState, resolveOptions, rngFromState } from './options.js';
import { type Strategy, type StrategyFactory, type StrategyOptions, type StrategyState, type TrialResult } from './strategy.js';

/** the controllers' generator stream, apart from random search's and evolution's */
const STREAM = 0xc0a7e1;

/** Options both controllers take (see docs/strategies.md for where each default comes from). */
export const CONTROLLER_DEFAULTS = {
  hidden: 64,
  layers: 1,
  temperature: 5,
  tanhC: 2.5,
  lr: 0.05,
  batchSize: 5,
  baselineDecay: 0.95,
  entropyWeight: 0.0001,
  unique: true,
};

export type ControllerStrategyOptions = typeof CONTROLLER_DEFAULTS;

/** A proposal whose result has not come back yet. */
export interface Proposal {
  readonly key: string;
  readonly decisions: number[];
  /** log-probability under the policy that sampled it */
  readonly logProb: number;
}

/** A result waiting for its batch to fill. */
export interface Sample {
  readonly decisions: number[];
  readonly reward: number;
  /** the sampling policy's log-probability; null for results the strategy did not propose */
  readonly logProb: number | null;
}

/** Everything a controller strategy holds besides its options. */
export interface ControllerRun {
  readonly rng: Rng;
  readonly controller: Controller;
  readonly optimizer: Adam;
  pending: Proposal[];
  batch: Sample[];
  baseline: number | null;
  updates: number;
  /** keys proposed or told so far (with `unique`, a sample of one of them is redrawn) */
  seen: Set<string>;
  /** with `unique`: samples of the current policy not proposed yet (dropped at each update) */
  cache: Candidate[];
}

/** A sample of the policy with its log-probability. */
export interface Candidate {
  readonly decisions: number[];
  readonly logProb: number;
}

/** With `unique`: the sizes of the batches drawn, in turn, until one holds a new key. */
const REDRAW_PASSES = [32, 256];

export abstract class ControllerStrategy<O extends ControllerStrategyOptions = ControllerStrategyOptions> implements Strategy {
  abstract readonly kind: string;

  constructor(
    protected readonly space: AnySearchSpace,
    readonly options: O,
    protected readonly run: ControllerRun,
  ) {}

  /** The controller's network (for tests and inspection). */
  get controller(): Controller {
    return this.run.controller;
  }

  /** The moving-average baseline (null before the first batch). */
  get baseline(): number | null {
    return this.run.baseline;
  }

  /** Controller updates made so far. */
  get updates(): number {
    return this.run.updates;
  }

  ask(n: number): Genotype[] {
    checkInteger(this.kind, 'n', n, 0);
    if (n === 0) return [];
    if (!this.options.unique) {
      const { decisions, logProbs } = this.run.controller.sample(n, this.run.rng);
      return decisions.map((d, i) => this.propose(d, logProbs[i]!));
    }
    const out: Genotype[] = [];
    while (out.length < n) out.push(this.proposeUnseen());
    return out;
  }

  /**
   * A sample whose key was neither proposed nor told before: rejection sampling, with the
   * policy's samples drawn in batches (one batch costs about what one sample does) and kept
   * until the next update changes the policy. When no batch of REDRAW_PASSES holds a new key,
   * the space is taken as exhausted near the policy and a repeat is proposed.
   */
  private proposeUnseen(): Genotype {
    const fresh = (c: Candidate): boolean => !this.run.seen.has(this.space.key(this.space.fromDecisions(c.decisions)));
    let repeat: Candidate | undefined;
    for (let pass = 0; pass <= REDRAW_PASSES.length; pass++) {
      while (this.run.cache.length > 0) {
        const c = this.run.cache.shift()!;
        repeat ??= c;
        if (fresh(c)) return this.propose(c.decisions, c.logProb);
      }
      if (pass === REDRAW_PASSES.length) break;
      const { decisions, logProbs } = this.run.controller.sample(REDRAW_PASSES[pass]!, this.run.rng);
      this.run.cache = decisions.map((d, i) => ({ decisions: d, logProb: logProbs[i]! }));
    }
    return this.propose(repeat!.decisions, repeat!.logProb);
  }

  private propose(decisions: number[], logProb: number): Genotype {
    const g = this.space.fromDecisions(decisions);
    const key = this.space.key(g);
    this.run.seen.add(key);
    this.run.pending.push({ key, decisions, logProb });
    return g;
  }

  tell(results: readonly TrialResult[]): void {
    for (const r of results) {
      if (!Number.isFinite(r.score)) {
        throw new StrategyError(`${this.kind}: the score of '${r.key}' is ${r.score}; scores must be finite numbers`, 'missing-metric');
      }
      const decisions = this.space.toDecisions(r.genotype);
      this.run.seen.add(r.key);
      const same = (p: Proposal): boolean => p.key === r.key && p.decisions.every((x, i) => x === decisions[i]);
      let at = this.run.pending.findIndex(same);
      if (at < 0) at = this.run.pending.findIndex((p) => p.key === r.key);
      const proposal = at < 0 ? undefined : this.run.pending.splice(at, 1)[0]!;
      this.run.batch.push({ decisions: proposal?.decisions ?? decisions, reward: r.score, logProb: proposal?.logProb ?? null });
      if (this.run.batch.length >= this.options.batchSize) this.learn();
    }
  }

  /** One controller update from the full batch; the baseline moves past each reward in turn. */
  private learn(): void {
    const batch = this.run.batch;
    this.run.batch = [];
    let b = this.run.baseline ?? batch.reduce((a, s) => a + s.reward, 0) / batch.length;
    const advantages = batch.map((s) => {
      const a = s.reward - b;
      b -= (1 - this.options.baselineDecay) * (b - s.reward);
      return a;
    });
    this.run.baseline = b;
    this.run.cache = [];
    this.update(batch, advantages);
    this.run.updates++;
  }

  /** The policy update of one batch with its advantages (reward minus baseline). */
  protected abstract update(batch: readonly Sample[], advantages: readonly number[]): void;

  /** One Adam step on `loss()` (a scalar built with gradients); returns the loss value. */
  protected step(loss: () => Tensor): number {
    const { optimizer } = this.run;
    optimizer.zeroGrad();
    const l = loss();
    l.backward();
    const v = l.item();
    l.dispose();
    optimizer.step();
    optimizer.zeroGrad();
    return v;
  }

  state(): StrategyState {
    const { rng, controller, optimizer, pending, batch, baseline, updates } = this.run;
    const sd = optimizer.stateDict();
    return {
      kind: this.kind,
      version: 1,
      space: this.space.name,
      rng: rng.state(),
      options: { ...this.options } as unknown as Json,
      weights: controller.weights(),
      adam: { meta: sd.meta as unknown as Json, tensors: Object.fromEntries(Object.entries(sd.tensors).map(([k, t]) => [k, t.toArray()])) },
      baseline,
      updates,
      seen: [...this.run.seen],
      cache: this.run.cache.map((c) => ({ decisions: c.decisions, logProb: c.logProb })),
      pending: pending.map((p) => ({ key: p.key, decisions: p.decisions, logProb: p.logProb })),
      batch: batch.map((s) => ({ decisions: s.decisions, reward: s.reward, logProb: s.logProb })),
    };
  }

  /** Frees the controller's and optimiser's tensors (the strategy is unusable afterwards). */
  dispose(): void {
    this.run.optimizer.dispose();
    this.run.controller.dispose();
  }
}

function checkOptions(kind: string, o: ControllerStrategyOptions): void {
  checkInteger(kind, 'hidden', o.hidden, 1);
  checkInteger(kind, 'layers', o.layers, 1);
  checkInteger(kind, 'batchSize', o.batchSize, 1);
  const positive = (name: string, v: number, low = 0, high = Infinity, open = true): void => {
    if (!(open ? v > low : v >= low) || !(v <= high)) {
      throw new StrategyError(`${kind}: option '${name}' must be in ${open ? '(' : '['}${low}, ${high}], got ${v}`, 'invalid-option');
    }
  };
  positive('temperature', o.temperature);
  positive('tanhC', o.tanhC, 0, Infinity, false);
  positive('lr', o.lr);
  positive('baselineDecay', o.baselineDecay, 0, 1, false);
  positive('entropyWeight', o.entropyWeight, 0, Infinity, false);
}

/** A fresh run: controller and optimiser from the seed's generator. */
function freshRun(space: AnySearchSpace, o: ControllerStrategyOptions, rng: Rng): ControllerRun {
  const copts: ControllerOptions = { hidden: o.hidden, layers: o.layers, temperature: o.temperature, tanhC: o.tanhC };
  const controller = new Controller(
    space.decisions().map((d) => d.choices.length),
    copts,
    rng,
  );
  const optimizer = new Adam(controller.parameters(), { lr: o.lr });
  return { rng, controller, optimizer, pending: [], batch: [], baseline: null, updates: 0, seen: new Set(), cache: [] };
}

function invalid(kind: string, what: string): StrategyError {
  return new StrategyError(`${kind}: ${what}`, 'invalid-state');
}

function decisionList(kind: string, space: AnySearchSpace, v: unknown, where: string): number[] {
  if (!Array.isArray(v)) throw invalid(kind, `${where}.decisions must be a list`);
  try {
    space.fromDecisions(v as number[]);
  } catch (e) {
    throw invalid(kind, `${where}.decisions are not this space's (${(e as Error).message})`);
  }
  return [...(v as number[])];
}

/** The run stored in `state` (checked piece by piece, so a bad state fails with what is wrong). */
function restoredRun(kind: string, space: AnySearchSpace, o: ControllerStrategyOptions, state: StrategyState): ControllerRun {
  // the plain fields first, so a bad state is refused before any tensor exists
  const rng = rngFromState(kind, state.rng);
  const list = (v: unknown, name: string): Record<string, unknown>[] => {
    if (!Array.isArray(v)) throw invalid(kind, `state.${name} must be a list`);
    return v as Record<string, unknown>[];
  };
  const pending = list(state.pending, 'pending').map((p, i) => {
    if (typeof p.key !== 'string' || typeof p.logProb !== 'number') throw invalid(kind, `state.pending[${i}] needs a key and a logProb`);
    return { key: p.key, decisions: decisionList(kind, space, p.decisions, `state.pending[${i}]`), logProb: p.logProb };
  });
  const batch = list(state.batch, 'batch').map((s, i) => {
    if (typeof s.reward !== 'number' || !(typeof s.logProb === 'number' || s.logProb === null))
      throw invalid(kind, `state.batch[${i}] needs a reward and a logProb`);
    return { decisions: decisionList(kind, space, s.decisions, `state.batch[${i}]`), reward: s.reward, logProb: s.logProb };
  });
  const baseline = state.baseline;
  if (!(baseline === null || typeof baseline === 'number')) throw invalid(kind, 'state.baseline must be a number or null');
  const updates = Number(state.updates);
  if (!Number.isInteger(updates) || updates < 0) throw invalid(kind, 'state.updates must be a count');
  const seen = state.seen;
  if (!Array.isArray(seen) || !seen.every((k) => typeof k === 'string')) throw invalid(kind, 'state.seen must be a list of keys');
  const cache = list(state.cache, 'cache').map((c, i) => {
    if (typeof c.logProb !== 'number') throw invalid(kind, `state.cache[${i}] needs a logProb`);
    return { decisions: decisionList(kind, space, c.decisions, `state.cache[${i}]`), logProb: c.logProb };
  });
  const adam = state.adam as { meta?: unknown; tensors?: unknown } | undefined;
  if (!adam || typeof adam.meta !== 'object' || adam.meta === null || typeof adam.tensors !== 'object' || adam.tensors === null) {
    throw invalid(kind, 'state.adam needs meta and tensors');
  }
  // the initial draws are overwritten by the stored weights; a throwaway generator keeps `rng` as saved
  const run = freshRun(space, o, new Rng(0));
  try {
    try {
      run.controller.loadWeights(state.weights as number[][]);
    } catch (e) {
      throw invalid(kind, `state.weights do not fit the controller (${(e as Error).message})`);
    }
    const params = run.controller.parameters();
    const tensors: Record<string, Tensor> = {};
    try {
      for (const [name, values] of Object.entries(adam.tensors as Record<string, unknown>)) {
        const p = params[Number(/^state\.(\d+)\./.exec(name)?.[1] ?? -1)];
        if (p === undefined || !Array.isArray(values) || values.length !== p.numel) throw new Error(`'${name}' does not match a parameter`);
        tensors[name] = tensor(Float32Array.from(values as number[]), p.shape);
      }
      run.optimizer.loadStateDict({ meta: adam.meta as OptimizerMeta, tensors });
    } catch (e) {
      throw invalid(kind, `the optimiser state is unreadable (${(e as Error).message})`);
    } finally {
      for (const t of Object.values(tensors)) t.dispose();
    }
  } catch (e) {
    run.optimizer.dispose();
    run.controller.dispose();
    throw e;
  }
  return { ...run, rng, pending, batch, baseline, updates, seen: new Set(seen as string[]), cache };
}

/** The registry entry of a controller strategy kind. */
export function controllerFactory<O extends ControllerStrategyOptions>(
  kind: string,
  description: string,
  defaults: O,
  make: (space: AnySearchSpace, options: O, run: ControllerRun) => ControllerStrategy<O>,
  check: (o: O) => void = () => {},
): StrategyFactory {
  const resolve = (options: StrategyOptions): O & { seed: number } => {
    const o = resolveOptions(kind, defaults as unknown as Record<string, number | boolean>, options) as unknown as O & { seed: number };
    checkOptions(kind, o);
    check(o);
    return o;
  };
  return {
    kind,
    description,
    defaults,
    create(space: AnySearchSpace, options: StrategyOptions): Strategy {
      const { seed, ...o } = resolve(options);
      return make(space, o as unknown as O, freshRun(space, o as unknown as O, new Rng(seed, STREAM)));
    },
    restore(space: AnySearchSpace, state: StrategyState): Strategy {
      checkState(kind, space, state);
      const { seed: _seed, ...o } = resolve((state.options ?? {}) as StrategyOptions);
      return make(space, o as unknown as O, restoredRun(kind, space, o as unknown as O, state));
    },
  };
}
