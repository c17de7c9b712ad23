// openStudy: a study for a user's own training code, as Optuna users know it. nasforge's
// strategy proposes (ask), the user's code trains and measures, and tells the result; the study
// is stored like any other (`nasforge status`, `trials`, `best` read it) and many processes may
// ask and tell on it at once, on SQLite or PostgreSQL.
//
//   const study = await openStudy({ storage: 'sqlite:my.db', name: 'cells', space: 'nas-bench-201' });
//   for (let t = await study.ask(); t; t = await study.ask()) {
//     await study.tell(t, { valAccuracy: await trainAndValidate(study.space.build(t.genotype)) });
//   }
import { type AnySearchSpace, type Genotype, type SpaceNetwork, type Stack } from '../spaces/index.js';
import { type Metrics } from '../strategies/index.js';
import { AskTellTrials, type HeldTrial, type Storage, type Trial, openStorage } from '../study/index.js';
import { type Json, NasforgeError } from '../util/index.js';
import { type SearchConfig, resolveConfig } from './config.js';
import { studyDefinition } from './definition.js';
import { SearchError } from './errors.js';
import { ranked } from './read.js';
import { type StorageLike, defaultStorageUrl } from './storage.js';

export interface OpenStudyOptions {
  /** default: $NASFORGE_STORAGE, else sqlite:nasforge.db in the current folder */
  readonly storage?: StorageLike;
  /** the study's name: letters, digits, '.', '_' and '-' */
  readonly name: string;
  /** a registered space, e.g. 'nas-bench-201', 'darts', 'mnasnet' */
  readonly space: string;
  /** a strategy name, or its name with options: { name: 'evolution', population: 20, sample: 5 } (default evolution) */
  readonly strategy?: string | { readonly name: string; readonly [option: string]: Json };
  /** what `tell`'s metrics are scored by: 'accuracy' (valAccuracy), a metric, a Pareto list, {name: 'mnasnet', ...} */
  readonly objective?: Json;
  /** default: no limit (ask always proposes) */
  readonly budget?: { readonly trials?: number; readonly minutes?: number };
  /** the stack your code builds at, stored for the record (`study.stack`; default: the space's smallest) */
  readonly stack?: Readonly<Record<string, Json>>;
  readonly seed?: number;
  /**
   * How often a held trial's heartbeat is written (default 60 s; stale, and given to another
   * process, after 3 missed beats). A synchronous training loop blocks the timer: call
   * `report` now and then in long trainings, or raise this.
   */
  readonly heartbeatSeconds?: number;
}

/** A trial handed out by `ask`: the architecture to train. */
export interface AskedTrial {
  /** the trial's number in the study */
  readonly number: number;
  readonly genotype: Genotype;
  /** the space's canonical key of the genotype */
  readonly key: string;
  /** @internal the claim it is held under */
  readonly held: HeldTrial;
}

export interface AskTellStudy {
  readonly name: string;
  readonly space: AnySearchSpace;
  /** the stack the study records (the space's smallest unless openStudy was given one) */
  readonly stack: Readonly<Record<string, Json>>;
  readonly config: SearchConfig;
  /** the network of a trial's genotype at the study's stack (`stack` fields over it, e.g. { classes: 10 }) */
  build(trial: AskedTrial, stack?: Readonly<Record<string, Json>>): SpaceNetwork;
  /** the next architecture to evaluate, claimed for this process; null once the budget is used */
  ask(): Promise<AskedTrial | null>;
  /** records the trial's metrics (scored by the study's objective); the strategy learns from them */
  tell(trial: AskedTrial, metrics: Metrics): Promise<Trial>;
  /** records the trial as failed, with the error's message */
  fail(trial: AskedTrial, error: unknown): Promise<Trial>;
  /** records an intermediate value (e.g. per epoch) and keeps the claim alive */
  report(trial: AskedTrial, step: number, metrics: Metrics): Promise<void>;
  /** every trial of the study, by number */
  trials(): Promise<Trial[]>;
  /** the best complete trial so far, or null */
  best(): Promise<Trial | null>;
  /** stops the heartbeats and closes a storage openStudy opened */
  close(): Promise<void>;
}

/** Opens (or creates) an ask/tell study; see OpenStudyOptions. */
export async function openStudy(o: OpenStudyOptions): Promise<AskTellStudy> {
  if (o === null || typeof o !== 'object' || typeof o.name !== 'string' || typeof o.space !== 'string') {
    throw new SearchError('openStudy needs at least { name, space }, e.g. openStudy({ name: "cells", space: "nas-bench-201" })', 'invalid-request');
  }
  const config = await resolveConfig(
    {
      study: o.name,
      space: o.space,
      strategy: o.strategy ?? 'evolution',
      objective: o.objective ?? 'accuracy',
      budget: { trials: o.budget?.trials ?? null, ...(o.budget?.minutes !== undefined ? { minutes: o.budget.minutes } : {}) },
      ...(o.stack ? { stack: o.stack } : {}),
      seed: o.seed ?? 0,
      evaluator: { kind: 'external' },
      worker: { heartbeatSeconds: o.heartbeatSeconds ?? 60, maxAttempts: 3 },
    },
    { file: `openStudy('${o.name}')` },
  );
  const def = studyDefinition(config);
  const own = o.storage === undefined || typeof o.storage === 'string';
  const storage: Storage = own ? await openStorage((o.storage as string | undefined) ?? defaultStorageUrl()) : (o.storage as Storage);
  let trials: AskTellTrials;
  try {
    trials = await AskTellTrials.open(storage, def);
  } catch (e) {
    if (own) await storage.close();
    throw e;
  }
  const asked = (t: AskedTrial): HeldTrial => {
    if (!t || typeof t !== 'object' || !t.held) throw new SearchError('tell, fail and report take the trial that ask() returned', 'invalid-request');
    return t.held;
  };
  return {
    name: config.study,
    space: def.space,
    stack: config.stack,
    config,
    async ask() {
      const held = await trials.ask();
      if (!held) return null;
      const genotype = def.space.validate(held.trial.genotype);
      return { number: held.trial.number, genotype, key: held.trial.key, held };
    },
    build(t, stack = {}) {
      asked(t);
      return def.space.build(t.genotype, { ...config.stack, ...stack } as Partial<Stack>);
    },
    tell: (t, metrics) => trials.tell(asked(t), metrics),
    fail: (t, error) => trials.fail(asked(t), error instanceof NasforgeError || error instanceof Error ? error.message : String(error)),
    report: (t, step, metrics) => trials.report(asked(t), step, metrics),
    trials: () => storage.trials(config.study),
    best: async () => ranked(await storage.trials(config.study))[0] ?? null,
    async close() {
      trials.close();
      if (own) await storage.close();
    },
  };
}
