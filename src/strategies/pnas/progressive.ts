// Progressive model-based search: PNAS (Liu et al., ECCV 2018, Algorithm 1) and, with a cost
// predictor and Pareto selection, POPNASv3 (Falanti et al., 2023).
//   step 1: the architectures with only block 1 grown (the rest at their fill) are trained (at
//           most K of them, drawn at random when there are more);
//   step b ≤ B: the K best results so far with at most b−1 blocks grown (that still have an
//           unseen expansion) are expanded by every setting of block b; a surrogate fitted
//           from scratch on every result so far (on their ranks) scores the expansions, and the
//           K best (POPNAS: the Pareto front of predicted accuracy vs. predicted cost, capped
//           at K and filled by accuracy) are trained;
//   step b > B: every block is grown, so the K best results so far are expanded by every
//           one-decision change instead (a surrogate-guided local search that goes on for as
//           long as the study asks).
// A step ends when all of its K candidates are told; until then, extra asks get the step's
// next-best scored expansions (its reserve), then uniform samples. Keys already proposed or
// told are never proposed again by a step. The surrogate is refitted at each step's end from the
// stored results and a seed drawn from the stored generator, so the state holds no weights.
import { type AnySearchSpace, type Genotype } from '../../spaces/index.js';
import { type Rng } from '../../util/index.js';
import { StrategyError } from '../errors.js';
import { checkInteger } from '../options.js';
import { type Strategy, type StrategyState, type TrialResult } from '../strategy.js';
import { type SurrogateKind, fitSurrogate } from '../surrogates/index.js';
import { type Growth, expandBlock, growthOf, levelOf, neighbours } from './growth.js';
import { paretoSelect } from './pareto.js';

export interface ProgressiveOptions {
  /** K: candidates trained per step, and parents expanded per step */
  readonly beamSize: number;
  readonly surrogate: SurrogateKind;
  /** MLPs in the ensemble (the LSTM surrogate is one network) */
  readonly ensembleSize: number;
  /** expansions scored per step at most (a random subset when there are more) */
  readonly maxExpansions: number;
  /** hidden units of the surrogates' layers */
  readonly hidden: number;
  /** full-batch Adam steps per surrogate fit */
  readonly epochs: number;
  /** POPNAS only: the metric the cost predictor learns (lower is better), e.g. 'trainTime' */
  readonly costMetric?: string;
}

/** One told result as the strategy keeps it. */
export interface Observation {
  readonly values: readonly number[];
  readonly key: string;
  readonly score: number;
  /** POPNAS: the cost metric's value */
  readonly cost?: number;
}

/** What the last surrogate-scored step saw and chose (for inspection; not part of the state). */
export interface StepScoring {
  readonly step: number;
  readonly candidates: readonly (readonly number[])[];
  readonly accuracy: readonly number[];
  readonly cost?: readonly number[];
  /** indices into candidates, in proposal order */
  readonly chosen: readonly number[];
}

export interface ProgressiveMemory {
  step: number;
  queue: number[][];
  reserve: number[][];
  waiting: string[];
  history: Observation[];
  seen: string[];
}

const LR = 0.02;
/** how many next-best expansions a step keeps for asks made while its results are outstanding */
const RESERVE_PER_BEAM = 4;
const UNIFORM_RETRIES = 100;

/** Each value's rank scaled to [0, 1] (ties keep their order of arrival). */
function rankTargets(y: readonly number[]): number[] {
  const order = y.map((_, i) => i).sort((a, b) => y[a]! - y[b]! || a - b);
  const r = new Array<number>(y.length);
  order.forEach((i, k) => {
    r[i] = k / Math.max(1, y.length - 1);
  });
  return r;
}

export class ProgressiveSearch implements Strategy {
  private readonly growth: Growth;
  private step: number;
  private queue: number[][];
  private reserve: number[][];
  private readonly waiting: Set<string>;
  private readonly history: Observation[];
  private readonly seen: Set<string>;
  private scoring: StepScoring | null = null;

  constructor(
    readonly kind: 'pnas' | 'popnas',
    private readonly space: AnySearchSpace,
    private readonly rng: Rng,
    readonly options: ProgressiveOptions,
    memory?: ProgressiveMemory,
  ) {
    this.growth = growthOf(space);
    this.step = memory?.step ?? 0;
    this.queue = memory?.queue ?? [];
    this.reserve = memory?.reserve ?? [];
    this.waiting = new Set(memory?.waiting ?? []);
    this.history = memory?.history ?? [];
    this.seen = new Set(memory?.seen ?? []);
    if (memory === undefined) this.advance();
  }

  /** The current step (1 = one block grown; above the block count: refinement). */
  get currentStep(): number {
    return this.step;
  }
  /** The blocks the space grows through. */
  get blocks(): readonly (readonly number[])[] {
    return this.growth.blocks;
  }
  /** What the last surrogate-scored step chose from (null before the first, or after a restore). */
  get lastScoring(): StepScoring | null {
    return this.scoring;
  }

  ask(n: number): Genotype[] {
    checkInteger(this.kind, 'n', n, 0);
    const out: Genotype[] = [];
    while (out.length < n) {
      const fromQueue = this.queue.length > 0;
      const v = fromQueue ? this.queue.shift()! : this.reserve.length > 0 ? this.reserve.shift()! : null;
      if (v === null) {
        out.push(this.uniform());
        continue;
      }
      const g = this.space.fromDecisions(v);
      const key = this.space.key(g);
      if (this.seen.has(key)) continue; // told meanwhile (e.g. a trial the user added)
      this.seen.add(key);
      if (fromQueue) this.waiting.add(key);
      out.push(g);
    }
    return out;
  }

  private uniform(): Genotype {
    let g = this.space.sample(this.rng);
    for (let r = 0; r < UNIFORM_RETRIES && this.seen.has(this.space.key(g)); r++) g = this.space.sample(this.rng);
    this.seen.add(this.space.key(g));
    return g;
  }

  tell(results: readonly TrialResult[]): void {
    const metric = this.options.costMetric;
    const add: Observation[] = results.map((r) => {
      if (!Number.isFinite(r.score))
        throw new StrategyError(`${this.kind}: the score of '${r.key}' is ${r.score}; scores must be finite numbers`, 'missing-metric');
      if (metric === undefined) return { values: this.space.toDecisions(r.genotype), key: r.key, score: r.score };
      const cost = r.metrics[metric];
      if (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0) {
        const have = Object.keys(r.metrics).join(', ') || 'none';
        throw new StrategyError(
          `${this.kind} predicts the cost metric '${metric}', but the result of '${r.key}' has ${JSON.stringify(cost)} (a non-negative number is needed); metrics given: ${have}. Set the option costMetric to one of them`,
          'missing-metric',
        );
      }
      return { values: this.space.toDecisions(r.genotype), key: r.key, score: r.score, cost };
    });
    for (const o of add) {
      this.history.push(o);
      this.seen.add(o.key);
      this.waiting.delete(o.key);
    }
    if (this.queue.length === 0 && this.waiting.size === 0) this.advance();
  }

  /** Moves to the next step with new candidates (skipping steps with none); past the last, asks fall back to uniform samples. */
  private advance(): void {
    for (let tries = 0; tries <= this.growth.blocks.length + 1; tries++) {
      this.step++;
      const candidates = this.expansions();
      if (candidates.length === 0) continue;
      this.choose(candidates);
      return;
    }
  }

  /** The observations best first (distinct keys, earlier first among equals) that pass `keep`. */
  private ranked(keep: (o: Observation) => boolean): Observation[] {
    const seen = new Set<string>();
    return this.history
      .map((o, i) => [o, i] as const)
      .filter(([o]) => keep(o))
      .sort(([a, i], [b, j]) => b.score - a.score || i - j)
      .flatMap(([o]) => {
        if (seen.has(o.key)) return [];
        seen.add(o.key);
        return [o];
      });
  }

  /**
   * The step's new candidates: the expansions of the K best parents that still have an unseen
   * expansion (so a beam whose neighbourhood is exhausted moves on to the next-best results),
   * each key once, at most maxExpansions of them (a random subset when there are more).
   */
  private expansions(): number[][] {
    const { blocks, fill } = this.growth;
    const cap = this.options.maxExpansions;
    const b = this.step;
    const grow = b <= blocks.length;
    let pool: (readonly number[])[] = [];
    if (!grow) pool = this.ranked(() => true).map((o) => o.values);
    else if (b > 1) pool = this.ranked((o) => levelOf(this.growth, o.values) <= b - 1).map((o) => o.values);
    if (pool.length === 0) pool = [fill];
    const keys = new Set<string>();
    const out: number[][] = [];
    let parents = 0;
    for (const p of pool) {
      if (parents === this.options.beamSize) break;
      const fresh = (grow ? expandBlock(this.space, p, blocks[b - 1]!, cap, this.rng) : neighbours(this.space, p)).filter((v) => {
        const k = this.space.key(this.space.fromDecisions(v));
        if (this.seen.has(k) || keys.has(k)) return false;
        keys.add(k);
        return true;
      });
      if (fresh.length === 0) continue;
      parents++;
      out.push(...fresh);
    }
    if (out.length <= cap) return out;
    return Array.from(this.rng.permutation(out.length).subarray(0, cap), (i) => out[i]!);
  }

  /** Fills the queue with the step's K candidates (scored by the surrogates when there is a choice) and the reserve with the next best. */
  private choose(candidates: number[][]): void {
    const k = this.options.beamSize;
    const keepReserve = RESERVE_PER_BEAM * k;
    const seed = this.rng.int(0x7fffffff);
    if (candidates.length <= k || this.history.length < 2) {
      // every candidate is trained (nothing to choose), or nothing to learn from yet: a
      // uniform choice, in a random order
      const order = Array.from(this.rng.permutation(candidates.length));
      this.queue = order.slice(0, k).map((i) => candidates[i]!);
      this.reserve = order.slice(k, k + keepReserve).map((i) => candidates[i]!);
      return;
    }
    const fit = (targets: number[], s: number) =>
      fitSurrogate(
        this.space,
        this.history.map((o) => o.values),
        targets,
        {
          kind: this.options.surrogate,
          ensembleSize: this.options.ensembleSize,
          hidden: this.options.hidden,
          epochs: this.options.epochs,
          lr: LR,
          seed: s,
        },
      );
    // the surrogate learns ranks, not raw scores: only the order matters for choosing, and
    // partial cells include degenerate ones (an output fed by `none` edges scores 10%) whose
    // squared error would otherwise swamp the differences among good cells
    const accuracy = fit(rankTargets(this.history.map((o) => o.score)), seed).predict(candidates);
    let order: number[];
    let cost: number[] | undefined;
    const byAccuracy = accuracy.map((_, i) => i).sort((a, b) => accuracy[b]! - accuracy[a]! || a - b);
    if (this.options.costMetric !== undefined) {
      // costs span orders of magnitude: the predictor learns their logarithm
      cost = fit(
        this.history.map((o) => Math.log1p(o.cost!)),
        seed + 1,
      ).predict(candidates);
      const chosen = paretoSelect(accuracy, cost, k);
      const on = new Set(chosen);
      order = [...chosen, ...byAccuracy.filter((i) => !on.has(i))];
    } else {
      order = byAccuracy;
    }
    this.queue = order.slice(0, k).map((i) => candidates[i]!);
    this.reserve = order.slice(k, k + keepReserve).map((i) => candidates[i]!);
    this.scoring = { step: this.step, candidates, accuracy, ...(cost ? { cost } : {}), chosen: order.slice(0, k) };
  }

  state(): StrategyState {
    return {
      kind: this.kind,
      version: 1,
      space: this.space.name,
      rng: this.rng.state(),
      options: { ...this.options },
      step: this.step,
      queue: this.queue,
      reserve: this.reserve,
      waiting: [...this.waiting],
      seen: [...this.seen],
      history: this.history.map((o) => ({ values: [...o.values], key: o.key, score: o.score, ...(o.cost !== undefined ? { cost: o.cost } : {}) })),
    };
  }
}
