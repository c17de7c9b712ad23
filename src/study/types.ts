// The study model shared by the storage backends, the worker loop and the CLI: a study is a
// named search with its config; trials are its candidates with their state and results.
import { type Json } from '../util/index.js';
import { type AnySearchSpace, type Genotype } from '../spaces/index.js';
import { type HalvingOptions, type Metrics, type Objective, type StrategyOptions } from '../strategies/index.js';

/** queued → running → complete | failed | pruned; a running trial whose worker died goes back to queued. */
export type TrialState = 'queued' | 'running' | 'complete' | 'failed' | 'pruned';

/**
 * Why a failed trial failed: 'error' (its evaluation threw, or its metrics were invalid),
 * 'diverged' (the evaluation threw an error with code 'diverged': a NaN or infinite training
 * loss), 'crashed' (its worker died again and again at the same point without progress: the
 * trial itself likely kills its process, e.g. out of memory or a native crash).
 */
export type TrialFailure = 'error' | 'diverged' | 'crashed';

export interface StudyRecord {
  readonly name: string;
  /** the resolved config the study was created with (a later run must agree with it, but for its run settings, which it updates) */
  readonly config: Json;
  /** ms since the epoch */
  readonly createdAt: number;
}

export interface Trial {
  /** 0, 1, 2, ... in order of creation within the study */
  readonly number: number;
  readonly state: TrialState;
  readonly genotype: Json;
  /** the space's canonical key of `genotype` */
  readonly key: string;
  /** training budget for multi-fidelity schedulers (e.g. epochs); null = the evaluator's full budget */
  readonly fidelity: number | null;
  /** multi-fidelity trials: the scheduler's bracket (0, 1, ... in order of start) and rung within it; null otherwise */
  readonly bracket: number | null;
  readonly rung: number | null;
  /** a promotion: the number of the trial that trained this genotype in the rung below (its checkpoint is a warm start) */
  readonly parent: number | null;
  readonly metrics: Metrics | null;
  /** the objective's value of `metrics` (higher is better); null until complete */
  readonly score: number | null;
  /** why it failed (failed trials), or why it was re-queued last */
  readonly error: string | null;
  /**
   * How many times a worker claimed it (a claim interrupted cleanly, by SIGINT, is given back).
   * Informational: a claim whose worker died does not use up an attempt (see `crashes`).
   */
  readonly attempts: number;
  /** the work its checkpoint keeps, as its evaluator last reported it (TrialContext.progress); 0 before any */
  readonly progress: number;
  /** how many times a worker holding it died (killed, lost its machine, stopped beating) */
  readonly deaths: number;
  /** deaths charged to the trial: its worker died again with no progress since the death before; failed at maxAttempts */
  readonly crashes: number;
  /** failed trials: why (null otherwise) */
  readonly failure: TrialFailure | null;
  /** the worker that holds (or last held) it */
  readonly worker: string | null;
  /** name → path: weights, checkpoint directory, log, ... */
  readonly artifacts: Readonly<Record<string, string>>;
  /** ms since the epoch */
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly heartbeatAt: number | null;
}

/** One intermediate value of a trial, e.g. the validation accuracy after an epoch. */
export interface Intermediate {
  readonly trial: number;
  readonly step: number;
  readonly metrics: Metrics;
}

/** Everything a worker needs to run trials of a study: built from the stored config. */
export interface StudyDefinition {
  readonly name: string;
  /** stored on creation; a later run may change only its `settings` fields (the budget), else it is refused naming the fields that differ */
  readonly config: Json;
  readonly space: AnySearchSpace;
  readonly strategy: { readonly name: string; readonly options: StrategyOptions };
  /** seeds a new strategy (overrides `strategy.options.seed`); a stored strategy keeps its own generator */
  readonly seed?: number;
  readonly objective: Objective;
  /** stop asking after `trials` trials (complete + failed + pruned + pending) or `minutes` since the study began */
  readonly budget: { readonly trials: number; readonly minutes?: number };
  /**
   * Charged deaths of one trial before it is failed for good (default 3): a death is charged
   * when its worker died again with no progress since its previous death (see index.ts).
   */
  readonly maxAttempts?: number;
  /** how often a running trial's worker beats (default 5 s); stale after 3 missed beats */
  readonly heartbeatSeconds?: number;
  /**
   * Multi-fidelity: successive halving or Hyperband around the strategy (src/strategies/halving.ts).
   * Workers then ask the scheduler, trials get a `fidelity` (a budget such as epochs) and the
   * stored state is the scheduler's (which holds the strategy's).
   */
  readonly scheduler?: SchedulerSpec;
  /**
   * Top-level config fields a later run may change (they say how long and how workers run, not
   * what is searched); the stored config takes the new values. Default RUN_SETTINGS: budget, worker.
   */
  readonly settings?: readonly string[];
}

/** The scheduler of a multi-fidelity study: HalvingOptions with the defaults of createHalving. */
export type SchedulerSpec = Partial<HalvingOptions> & Pick<HalvingOptions, 'minBudget' | 'maxBudget'>;

/** What an evaluator gets for one trial. */
export interface TrialContext {
  readonly study: string;
  readonly trial: Trial;
  readonly genotype: Genotype;
  /** aborted on SIGINT: the evaluator checkpoints into `workdir` and throws (the trial is re-queued) */
  readonly signal: AbortSignal;
  /** a directory of this trial's own, kept across attempts (checkpoints to resume from, artifacts) */
  readonly workdir: string;
  /**
   * A promotion (trial.parent set): the workdir of the trial that trained this genotype in the
   * rung below, whose checkpoint may warm-start this one. It may be absent on this machine (the
   * parent ran elsewhere): then train from scratch.
   */
  readonly parentWorkdir: string | null;
  /** records an intermediate value (and beats the heartbeat) */
  report(step: number, metrics: Metrics): Promise<void>;
  /**
   * Call after a checkpoint was saved in `workdir`: `step` is a measure of the work it keeps
   * that only grows (e.g. optimiser steps done). A worker that dies after progress is not the
   * trial's fault; dying again with none is (see `Trial.crashes`). Also beats the heartbeat.
   */
  progress(step: number): Promise<void>;
  /** records an artifact path under `name` */
  artifact(name: string, path: string): Promise<void>;
}

/** Turns one trial into metrics; throwing fails the trial with the error's message. */
export type Evaluate = (ctx: TrialContext) => Promise<Metrics>;
