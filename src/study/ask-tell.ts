// Ask/tell for a user's own training code (as Optuna's study.ask() / study.tell()): `ask` claims
// a trial exactly as a worker does (under the study's lock: the strategy hears every finished
// trial, then a queued trial is taken or a new one proposed, and its state stored), so any
// number of processes may ask and tell on one study at once, beside search workers. Every asked
// trial is held under a name of its own (the handle's name and a sequence number): the claim
// rules, made for a worker holding one trial at a time, then hold for each of them; a timer
// beats for every held trial while this process's event loop runs.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type Metrics } from '../strategies/index.js';
import { canonicalJson } from '../util/index.js';
import { checkMetrics } from './checks.js';
import { type SearcherCache, claimTrial } from './claim.js';
import { StudyError } from './errors.js';
import { hostIdentity } from './host.js';
import { readTrial, SqlStorage, type Storage } from './storage.js';
import { type StudyDefinition, type Trial } from './types.js';
import { MAX_REASK, RUN_SETTINGS, STALE_BEATS } from './worker.js';

/** A trial handed out by `ask`, held until it is told or failed. */
export interface HeldTrial {
  readonly trial: Trial;
  /** the name it is held under */
  readonly holder: string;
}

export interface AskTellOptions {
  /** names this handle's trials (default: host:pid:random) */
  readonly worker?: string;
  readonly log?: (line: string) => void;
}

/** Trials claimed and finished by code outside the worker loop; see the file's header. */
export class AskTellTrials {
  private readonly cache: SearcherCache = { seq: -1, searcher: null };
  private readonly held = new Map<string, { held: HeldTrial; timer: NodeJS.Timeout }>();
  private seq = 0;
  private readonly worker: string;
  private readonly heartbeatMs: number;
  private readonly log: (line: string) => void;

  private constructor(
    private readonly store: SqlStorage,
    readonly def: StudyDefinition,
    o: AskTellOptions,
  ) {
    this.worker = o.worker ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.heartbeatMs = (def.heartbeatSeconds ?? 5) * 1000;
    this.log = o.log ?? (() => undefined);
  }

  /** Creates the study (or checks its stored config) and returns the handle. */
  static async open(storage: Storage, def: StudyDefinition, o: AskTellOptions = {}): Promise<AskTellTrials> {
    if (!(storage instanceof SqlStorage)) throw new StudyError('ask/tell needs a storage made by openStorage', 'invalid-storage');
    await storage.ensureStudy(def.name, def.config, { settings: def.settings ?? RUN_SETTINGS });
    return new AskTellTrials(storage, def, o);
  }

  /** The next trial to evaluate, claimed for this process; null when the budget is used. */
  async ask(): Promise<HeldTrial | null> {
    const holder = `${this.worker}/${++this.seq}`;
    const claim = await claimTrial(this.store, this.def, this.cache, {
      worker: holder,
      maxAttempts: this.def.maxAttempts ?? 3,
      staleMs: STALE_BEATS * this.heartbeatMs,
      maxReask: MAX_REASK,
      log: this.log,
      host: hostIdentity(),
      pid: process.pid,
    });
    if (claim.kind !== 'trial') return null;
    const held: HeldTrial = { trial: claim.trial, holder };
    const timer = setInterval(() => {
      this.beat(held).catch((e: unknown) => this.log(`trial ${held.trial.number}: heartbeat failed (${(e as Error).message}); retrying`));
    }, this.heartbeatMs);
    timer.unref(); // a held trial must not keep the process alive
    this.held.set(holder, { held, timer });
    return held;
  }

  /** Records a result: the trial is complete with the objective's score of `metrics`. */
  async tell(held: HeldTrial, metrics: Metrics): Promise<Trial> {
    const m = checkMetrics(metrics, `study '${this.def.name}' trial ${held.trial.number}`);
    const score = this.def.objective.score(m); // a missing metric throws here, and the trial stays held
    return this.finish(held, 'complete', m, score, null);
  }

  /** Records the trial as failed by itself, with the reason. */
  async fail(held: HeldTrial, reason: string): Promise<Trial> {
    return this.finish(held, 'failed', null, null, reason);
  }

  /** Records an intermediate value (a learning curve), counts its step as the trial's progress, and beats. */
  async report(held: HeldTrial, step: number, metrics: Metrics): Promise<void> {
    if (!Number.isInteger(step) || step < 0) throw new StudyError(`report: step must be a whole number ≥ 0, got ${step}`, 'invalid-trial');
    const m = checkMetrics(metrics, `study '${this.def.name}' trial ${held.trial.number} step ${step}`);
    // a reported step is work done: a process that dies after it did not die at the same point
    const db = this.store.db;
    const n = await db.run(
      `UPDATE trials SET heartbeat_at = ${db.nowSql}, progress = CASE WHEN progress < $4 THEN $4 ELSE progress END
       WHERE study = $1 AND number = $2 AND state = 'running' AND worker = $3`,
      [this.def.name, held.trial.number, held.holder, step],
    );
    if (n === 0) throw this.lost(held);
    await db.run(
      `INSERT INTO intermediates (study, trial, step, metrics) VALUES ($1, $2, $3, $4)
       ON CONFLICT (study, trial, step) DO UPDATE SET metrics = excluded.metrics`,
      [this.def.name, held.trial.number, step, canonicalJson(m)],
    );
  }

  /** Stops beating for every held trial (they are re-queued once their heartbeat goes stale, or at once on this host when this process ends). */
  close(): void {
    for (const { timer } of this.held.values()) clearInterval(timer);
    this.held.clear();
  }

  private async beat(held: HeldTrial): Promise<boolean> {
    const db = this.store.db;
    const n = await db.run(`UPDATE trials SET heartbeat_at = ${db.nowSql} WHERE study = $1 AND number = $2 AND state = 'running' AND worker = $3`, [
      this.def.name,
      held.trial.number,
      held.holder,
    ]);
    return n > 0;
  }

  private lost(held: HeldTrial): StudyError {
    return new StudyError(
      `trial ${held.trial.number} of study '${this.def.name}' is no longer held by this process (its heartbeat went stale and it was ` +
        'handed to another worker, or it was told already); its result was not recorded',
      'trial-lost',
    );
  }

  /**
   * Writes the outcome while the trial is this holder's: still running under its name, or
   * re-queued after its heartbeat went stale but not claimed since (the result is still the
   * one asked for).
   */
  private async finish(held: HeldTrial, state: 'complete' | 'failed', m: Metrics | null, score: number | null, reason: string | null): Promise<Trial> {
    const db = this.store.db;
    const n = await db.run(
      `UPDATE trials SET state = $4, metrics = $5, score = $6, error = $7, failure = $8, finished_at = ${db.nowSql}, heartbeat_at = ${db.nowSql}
       WHERE study = $1 AND number = $2 AND worker = $3 AND state IN ('running', 'queued')`,
      [this.def.name, held.trial.number, held.holder, state, m && canonicalJson(m), score, reason, state === 'failed' ? 'error' : null],
    );
    const entry = this.held.get(held.holder);
    if (entry) clearInterval(entry.timer);
    this.held.delete(held.holder);
    if (n === 0) throw this.lost(held);
    return (await readTrial(db, this.def.name, held.trial.number))!;
  }
}
