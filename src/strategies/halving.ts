// Successive halving and Hyperband (Li et al., JMLR 2018 / ICLR 2017) over a training budget
// (e.g. epochs), as a scheduler around any Strategy: the strategy proposes configurations, the
// scheduler decides at which budget (fidelity) each is trained and which go on.
//
// Rungs: a bracket with s + 1 rungs trains n_0 configurations at maxBudget·η^-s, keeps the top
// ⌊n_i/η⌋ of rung i (at least 1; failures never go on) and trains them at η times the budget,
// up to maxBudget. Hyperband cycles s = s_max, ..., 0 with n_0 = ⌈(s_max+1)/(s+1)·η^s⌉, where
// s_max = ⌊log_η(maxBudget/minBudget)⌋; plain successive halving repeats s = s_max with
// `configs` configurations. A bracket's rung fills completely before it promotes (synchronous
// successive halving, as in the paper).
//
// What the inner strategy learns: each configuration's score at the highest fidelity it reached,
// told once that is known (when its rung completes without promoting it, or when it completes
// the top rung). So the strategy sees every configuration it proposed exactly once, in rung
// order, with low-budget scores for the ones stopped early.
//
// Use (the study's worker loop):
//   const job = hb.next();      // undefined: nothing can start until a running job reports
//   ... train job.genotype for job.fidelity epochs (warm-start from job.promotedFrom's checkpoint) ...
//   hb.report(job.key, job.fidelity, score, metrics);  // score null: the trial failed
//   store hb.state(); later restoreHalving(space, state) continues exactly, including the jobs
//   handed out and not yet reported (they must still be reported).
import { type AnySearchSpace, type Genotype } from '../spaces/index.js';
import { type Json } from '../util/index.js';
import { StrategyError } from './errors.js';
import { checkInteger } from './options.js';
import { restoreStrategy } from './registry.js';
import { type Metrics, type Strategy, type StrategyState } from './strategy.js';

export interface HalvingOptions {
  /** the smallest budget a rung may use (> 0) */
  readonly minBudget: number;
  /** the full budget (the top rung) */
  readonly maxBudget: number;
  /** the reduction factor η (> 1; the paper uses 3) */
  readonly eta: number;
  /** 'hyperband' cycles the brackets s = s_max..0; 'halving' repeats the most aggressive one */
  readonly mode: 'hyperband' | 'halving';
  /** halving: configurations in a bracket's first rung (default ⌈η^s_max⌉) */
  readonly configs?: number;
  /** stop after this many brackets; 0 = never stop */
  readonly brackets: number;
  /** brackets that may run at once: with idle workers a new one starts while another waits (default 1) */
  readonly maxActive: number;
}

export const HALVING_DEFAULTS = { eta: 3, mode: 'hyperband', brackets: 0, maxActive: 1 } as const;

/** One training a worker should run. */
export interface HalvingJob {
  readonly genotype: Genotype;
  readonly key: string;
  /** the budget to train for (e.g. epochs) */
  readonly fidelity: number;
  /** the budget it was trained for in the rung below, when it is a promotion (resume from that checkpoint) */
  readonly promotedFrom?: number;
  /** 0, 1, 2, ... in order of start */
  readonly bracket: number;
  readonly rung: number;
}

/** One rung of a bracket's plan. */
export interface RungPlan {
  readonly configs: number;
  readonly budget: number;
}

/** s_max = ⌊log_η(max/min)⌋, counted without floating-point logarithms. */
export function maxBracket(minBudget: number, maxBudget: number, eta: number): number {
  let s = 0;
  while (minBudget * eta ** (s + 1) <= maxBudget * (1 + 1e-12)) s++;
  return s;
}

/** The rungs of a bracket with s + 1 rungs and n_0 configurations. */
export function bracketPlan(s: number, n0: number, maxBudget: number, eta: number): RungPlan[] {
  const out: RungPlan[] = [];
  let n = n0;
  for (let i = 0; i <= s; i++) {
    out.push({ configs: n, budget: maxBudget / eta ** (s - i) });
    n = Math.max(1, Math.floor(n / eta));
  }
  return out;
}

/** Hyperband's brackets, s = s_max first (the paper's Table 1 for R = 81, η = 3). */
export function hyperbandBrackets(minBudget: number, maxBudget: number, eta: number): RungPlan[][] {
  const sMax = maxBracket(minBudget, maxBudget, eta);
  return Array.from({ length: sMax + 1 }, (_, k) => {
    const s = sMax - k;
    return bracketPlan(s, Math.ceil(((sMax + 1) / (s + 1)) * eta ** s - 1e-9), maxBudget, eta);
  });
}

/** The total budget a bracket spends: Σ_i n_i·r_i. */
export function bracketBudget(plan: readonly RungPlan[]): number {
  return plan.reduce((a, r) => a + r.configs * r.budget, 0);
}

type Status = 'waiting' | 'pending' | 'done' | 'failed';

interface JobRecord {
  genotype: Genotype;
  key: string;
  status: Status;
  score?: number;
  metrics?: Metrics;
  promotedFrom?: number;
}

interface Bracket {
  index: number;
  plan: RungPlan[];
  /** the rungs reached so far; the last one is the current */
  rungs: JobRecord[][];
}

function checkOptions(o: HalvingOptions): void {
  const bad = (field: string, rule: string, v: unknown): never => {
    throw new StrategyError(`halving: '${field}' must be ${rule}, got ${JSON.stringify(v)}`, 'invalid-option');
  };
  if (!(o.minBudget > 0) || !Number.isFinite(o.minBudget)) bad('minBudget', 'a positive number', o.minBudget);
  if (!(o.maxBudget >= o.minBudget) || !Number.isFinite(o.maxBudget)) bad('maxBudget', `a number of at least minBudget (${o.minBudget})`, o.maxBudget);
  if (!(o.eta > 1) || !Number.isFinite(o.eta)) bad('eta', 'a number above 1 (the paper uses 3)', o.eta);
  if (o.mode !== 'hyperband' && o.mode !== 'halving') bad('mode', "'hyperband' or 'halving'", o.mode);
  if (o.configs !== undefined) checkInteger('halving', 'configs', o.configs, 1);
  checkInteger('halving', 'brackets', o.brackets, 0);
  checkInteger('halving', 'maxActive', o.maxActive, 1);
}

export class HyperbandScheduler {
  private readonly sMax: number;

  constructor(
    private readonly space: AnySearchSpace,
    /** the strategy that proposes configurations and learns their scores */
    readonly inner: Strategy,
    readonly options: HalvingOptions,
    private active: Bracket[] = [],
    private started = 0,
    private completed = 0,
    /** redraws of a configuration already in the bracket's first rung */
    private readonly maxRetries = 20,
  ) {
    checkOptions(options);
    this.sMax = maxBracket(options.minBudget, options.maxBudget, options.eta);
  }

  /** The plan of the bracket started `index`-th. */
  plan(index: number): RungPlan[] {
    const { eta, maxBudget, mode } = this.options;
    if (mode === 'halving') return bracketPlan(this.sMax, this.options.configs ?? Math.ceil(eta ** this.sMax - 1e-9), maxBudget, eta);
    return hyperbandBrackets(this.options.minBudget, maxBudget, eta)[index % (this.sMax + 1)]!;
  }

  /** Whether every bracket allowed by `brackets` has completed (never, with brackets = 0). */
  get finished(): boolean {
    return this.options.brackets > 0 && this.completed >= this.options.brackets;
  }

  /** Jobs handed out and not yet reported. */
  get pending(): number {
    return this.active.reduce((a, b) => a + b.rungs[b.rungs.length - 1]!.filter((j) => j.status === 'pending').length, 0);
  }

  /** The next training to run, or undefined when none can start until a pending job reports (or all brackets are done). */
  next(): HalvingJob | undefined {
    for (const b of this.active) {
      const job = this.jobIn(b);
      if (job) return job;
    }
    const mayStart = this.options.brackets === 0 || this.started < this.options.brackets;
    if (!mayStart || this.active.length >= this.options.maxActive) return undefined;
    const b: Bracket = { index: this.started++, plan: this.plan(this.started - 1), rungs: [[]] };
    this.active.push(b);
    return this.jobIn(b);
  }

  private jobIn(b: Bracket): HalvingJob | undefined {
    const i = b.rungs.length - 1;
    const rung = b.rungs[i]!;
    const fidelity = b.plan[i]!.budget;
    const waiting = rung.find((j) => j.status === 'waiting');
    if (waiting) {
      waiting.status = 'pending';
      return { genotype: waiting.genotype, key: waiting.key, fidelity, promotedFrom: waiting.promotedFrom!, bracket: b.index, rung: i };
    }
    if (i > 0 || rung.length >= b.plan[0]!.configs) return undefined;
    let g = this.ask();
    for (let r = 0; r < this.maxRetries && rung.some((j) => j.key === this.space.key(g)); r++) {
      this.inner.forget?.([{ genotype: g, key: this.space.key(g) }]); // dropped: never told
      g = this.ask();
    }
    const rec: JobRecord = { genotype: g, key: this.space.key(g), status: 'pending' };
    rung.push(rec);
    return { genotype: g, key: rec.key, fidelity, bracket: b.index, rung: 0 };
  }

  private ask(): Genotype {
    const [g] = this.inner.ask(1);
    if (g === undefined) throw new StrategyError(`halving: the inner strategy '${this.inner.kind}' proposed nothing`, 'invalid-state');
    return g;
  }

  /**
   * The result of a job `next` handed out: its score at `fidelity` (higher is better), or null
   * when the training failed (it is never promoted, and the inner strategy is not told).
   * Completing a rung promotes its best and tells the inner strategy about the rest.
   */
  report(key: string, fidelity: number, score: number | null, metrics: Metrics = {}): void {
    if (score !== null && !Number.isFinite(score))
      throw new StrategyError(`halving: the score of '${key}' is ${score}; give a finite number, or null for a failed training`, 'missing-metric');
    for (const b of this.active) {
      const i = b.rungs.length - 1;
      if (b.plan[i]!.budget !== fidelity) continue;
      const rec = b.rungs[i]!.find((j) => j.key === key && j.status === 'pending');
      if (!rec) continue;
      if (score === null) {
        rec.status = 'failed';
        this.inner.forget?.([{ genotype: rec.genotype, key: rec.key }]);
      } else Object.assign(rec, { status: 'done', score, metrics: { ...metrics } });
      this.maybePromote(b);
      return;
    }
    throw new StrategyError(
      `halving: no job for '${key}' at fidelity ${fidelity} is waiting for a result (${this.pending} pending); report only jobs that next() handed out, once each`,
      'invalid-state',
    );
  }

  private maybePromote(b: Bracket): void {
    const i = b.rungs.length - 1;
    const rung = b.rungs[i]!;
    const full = i > 0 || rung.length >= b.plan[0]!.configs;
    if (!full || rung.some((j) => j.status === 'waiting' || j.status === 'pending')) return;
    const done = rung.filter((j) => j.status === 'done');
    const last = i === b.plan.length - 1;
    // the best first; equal scores keep the order they were proposed in (sort is stable)
    const ranked = [...done].sort((x, y) => y.score! - x.score!);
    const keep = last ? [] : ranked.slice(0, b.plan[i + 1]!.configs);
    const stopped = done.filter((j) => !keep.includes(j));
    if (stopped.length > 0) {
      this.inner.tell(stopped.map((j) => ({ genotype: j.genotype, key: j.key, metrics: j.metrics ?? {}, score: j.score! })));
    }
    if (keep.length > 0) {
      b.rungs.push(keep.map((j) => ({ genotype: j.genotype, key: j.key, status: 'waiting', promotedFrom: b.plan[i]!.budget })));
    } else {
      this.active.splice(this.active.indexOf(b), 1);
      this.completed++;
    }
  }

  state(): StrategyState {
    return {
      kind: 'halving',
      version: 1,
      space: this.space.name,
      options: { ...this.options } as unknown as Json,
      started: this.started,
      completed: this.completed,
      active: this.active.map((b) => ({
        index: b.index,
        rungs: b.rungs.map((r) =>
          r.map((j) => ({
            genotype: j.genotype as Json,
            key: j.key,
            status: j.status,
            ...(j.score !== undefined ? { score: j.score } : {}),
            ...(j.metrics ? { metrics: { ...j.metrics } } : {}),
            ...(j.promotedFrom !== undefined ? { promotedFrom: j.promotedFrom } : {}),
          })),
        ),
      })),
      inner: this.inner.state() as unknown as Json,
    };
  }
}

/** A scheduler around `inner` (a fresh strategy); options over HALVING_DEFAULTS. */
export function createHalving(
  space: AnySearchSpace,
  inner: Strategy,
  options: Partial<HalvingOptions> & Pick<HalvingOptions, 'minBudget' | 'maxBudget'>,
): HyperbandScheduler {
  return new HyperbandScheduler(space, inner, { ...HALVING_DEFAULTS, ...options });
}

/** The scheduler a `state()` was taken from, its inner strategy included, continuing exactly. */
export function restoreHalving(space: AnySearchSpace, state: StrategyState): HyperbandScheduler {
  const bad = (what: string): never => {
    throw new StrategyError(`halving: state ${what}`, 'invalid-state');
  };
  if (state === null || typeof state !== 'object' || state.kind !== 'halving')
    bad(`must be a halving scheduler's state, got kind ${JSON.stringify((state as { kind?: unknown } | null)?.kind)}`);
  if (state.version !== 1) bad(`version ${String(state.version)} is not readable (expected 1)`);
  if (state.space !== space.name) bad(`was saved on space '${String(state.space)}', not '${space.name}'`);
  const options = state.options as unknown as HalvingOptions;
  const inner = restoreStrategy(space, state.inner as unknown as StrategyState);
  const started = Number(state.started);
  const completed = Number(state.completed);
  if (!Number.isInteger(started) || !Number.isInteger(completed) || !Array.isArray(state.active)) bad('needs started, completed and active');
  const s = new HyperbandScheduler(space, inner, options, [], started, completed);
  const active = (
    state.active as { index: number; rungs: { genotype: unknown; key: string; status: Status; score?: number; metrics?: Metrics; promotedFrom?: number }[][] }[]
  ).map((b) => {
    if (!Number.isInteger(b.index) || !Array.isArray(b.rungs) || b.rungs.length === 0) bad('has a malformed bracket');
    return {
      index: b.index,
      plan: s.plan(b.index),
      rungs: b.rungs.map((r) =>
        r.map((j) => {
          if (typeof j.key !== 'string' || !['waiting', 'pending', 'done', 'failed'].includes(j.status))
            bad(`has a malformed job ${JSON.stringify(j).slice(0, 80)}`);
          return { ...j, genotype: space.validate(j.genotype) };
        }),
      ),
    };
  });
  return new HyperbandScheduler(space, inner, options, active, started, completed);
}
