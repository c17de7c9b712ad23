// One claimed trial, evaluated outside the study's lock: a heartbeat timer keeps the claim
// alive; the outcome is written only while this worker still holds the trial (same worker,
// same attempt, still running), so a trial taken back from a worker that looked dead is never
// recorded twice. The storage failing under it (a PostgreSQL server that stays away, a SQLite
// file deleted) is never recorded as the trial's failure: runTrial rejects with that error and
// the trial stays with its checkpoint for the next worker.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../util/index.js';
import { type Genotype } from '../spaces/index.js';
import { type Metrics } from '../strategies/index.js';
import { checkMetrics } from './checks.js';
import { type Param } from './db.js';
import { StudyError, TrialPruned } from './errors.js';
import { jsonColumn } from './rows.js';
import { type SqlStorage } from './storage.js';
import { type Evaluate, type StudyDefinition, type Trial, type TrialContext, type TrialFailure } from './types.js';

export type TrialOutcome = 'complete' | 'failed' | 'pruned' | 'interrupted' | 'lost';

export interface RunTrialOptions {
  readonly worker: string;
  readonly heartbeatMs: number;
  readonly workdirRoot: string;
  readonly signal?: AbortSignal;
  readonly log: (line: string) => void;
}

const OWNED = "study = $1 AND number = $2 AND state = 'running' AND worker = $3 AND attempts = $4";

/** Storage errors that end the worker (nothing more can be written); any other write error is logged and retried. */
const FATAL = new Set(['unreachable', 'storage-gone', 'read-only', 'corrupt-storage', 'storage-error']);

export function isFatalStorageError(e: unknown): e is StudyError {
  return e instanceof StudyError && FATAL.has(e.code);
}

export async function runTrial(store: SqlStorage, def: StudyDefinition, evaluate: Evaluate, trial: Trial, o: RunTrialOptions): Promise<TrialOutcome> {
  const db = store.db;
  const owned: Param[] = [def.name, trial.number, o.worker, trial.attempts];
  const start = Date.now();
  const local = new AbortController();
  let lost = false;
  let finishing = false;
  let fatal: StudyError | null = null;
  const onAbort = (): void => local.abort(o.signal?.reason ?? new Error('interrupted'));
  if (o.signal?.aborted) onAbort();
  else o.signal?.addEventListener('abort', onAbort, { once: true });
  /** the storage is gone: stop the evaluation (it checkpoints and throws) and end the worker with `e` */
  const fail = (e: StudyError): void => {
    fatal ??= e;
    local.abort(e);
  };
  const takenBack = (): StudyError => new StudyError(`trial ${trial.number} was taken back from worker ${o.worker} (its heartbeat went stale)`, 'trial-lost');

  /** beats; false when the trial is no longer this worker's (it was taken back as stale) */
  const beat = async (): Promise<boolean> => {
    const n = await db.run(`UPDATE trials SET heartbeat_at = ${db.nowSql} WHERE ${OWNED}`, owned);
    if (n === 0 && !finishing && !lost) {
      lost = true;
      local.abort(takenBack());
    }
    return n > 0;
  };
  // One beat at a time: a beat waiting for the database to come back is not stacked with more.
  let beating: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (beating) return;
    beating = beat()
      .then(
        () => undefined,
        (e: unknown) => {
          if (isFatalStorageError(e)) fail(e);
          else o.log(`trial ${trial.number}: heartbeat failed (${(e as Error).message}); retrying`);
        },
      )
      .finally(() => {
        beating = null;
      });
  }, o.heartbeatMs);
  /** a context call whose storage error ends the worker, not the trial */
  const guard = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (e) {
      if (isFatalStorageError(e)) fail(e);
      throw e;
    }
  };

  const workdir = join(o.workdirRoot, def.name, `trial-${trial.number}`);
  const ctx: TrialContext = {
    study: def.name,
    trial,
    genotype: trial.genotype as Genotype,
    signal: local.signal,
    workdir,
    parentWorkdir: trial.parent === null ? null : join(o.workdirRoot, def.name, `trial-${trial.parent}`),
    report: (step: number, metrics: Metrics) =>
      guard(async () => {
        if (!Number.isInteger(step) || step < 0) throw new StudyError(`report: step must be a whole number ≥ 0, got ${step}`, 'invalid-trial');
        const m = checkMetrics(metrics, `trial ${trial.number} step ${step}`);
        if (!(await beat())) throw local.signal.reason as Error;
        await db.run(
          `INSERT INTO intermediates (study, trial, step, metrics) VALUES ($1, $2, $3, $4)
         ON CONFLICT (study, trial, step) DO UPDATE SET metrics = excluded.metrics`,
          [def.name, trial.number, step, canonicalJson(m)],
        );
      }),
    progress: (step: number) =>
      guard(async () => {
        if (typeof step !== 'number' || !Number.isFinite(step) || step < 0) {
          throw new StudyError(
            `progress: step must be a finite number ≥ 0 (e.g. the optimiser steps its checkpoint keeps), got ${String(step)}`,
            'invalid-trial',
          );
        }
        // never lowered: the work kept only grows (a lower value says nothing new)
        const n = await db.run(`UPDATE trials SET progress = CASE WHEN progress < $5 THEN $5 ELSE progress END, heartbeat_at = ${db.nowSql} WHERE ${OWNED}`, [
          ...owned,
          step,
        ]);
        if (n === 0) {
          if (!lost && !finishing) {
            lost = true;
            local.abort(takenBack());
          }
          throw takenBack();
        }
      }),
    artifact: (name: string, path: string) =>
      guard(async () => {
        const rows = await db.all(`SELECT artifacts FROM trials WHERE ${OWNED}`, owned);
        if (rows.length === 0) throw new StudyError(`trial ${trial.number} is no longer held by worker ${o.worker}`, 'trial-lost');
        const stored = jsonColumn(rows[0]!.artifacts, `study '${def.name}', trial ${trial.number}`, 'artifacts') as Record<string, string>;
        await db.run(`UPDATE trials SET artifacts = $5 WHERE ${OWNED}`, [...owned, canonicalJson({ ...stored, [name]: path })]);
      }),
  };

  let metrics: Metrics | null = null;
  let error: unknown = null;
  try {
    const uid = (await guard(() => db.all('SELECT uid FROM studies WHERE name = $1', [def.name])))[0]?.uid ?? null;
    prepareWorkdir(workdir, { study: def.name, uid: uid === null ? null : String(uid), number: trial.number, key: trial.key, fidelity: trial.fidelity }, o.log);
    const genotype = def.space.validate(trial.genotype);
    metrics = await evaluate({ ...ctx, genotype });
  } catch (e) {
    error = e;
  } finally {
    finishing = true;
    clearInterval(timer);
    o.signal?.removeEventListener('abort', onAbort);
    await beating;
  }
  // the storage went away under the evaluation: nothing can be recorded; the trial keeps its checkpoint
  if (fatal) throw fatal;
  const secs = ((Date.now() - start) / 1000).toFixed(1);

  /** whether the row shows this worker's own write (a retried write whose first try landed changes no row) */
  const shows = async (state: string, attempts: number): Promise<boolean> => {
    const rows = await db.all('SELECT state, worker, attempts FROM trials WHERE study = $1 AND number = $2', [def.name, trial.number]);
    const r = rows[0];
    return r !== undefined && String(r.state) === state && r.worker === o.worker && Number(r.attempts) === attempts;
  };
  const finish = async (state: string, m: Metrics | null, score: number | null, err: string | null, failure: TrialFailure | null = null): Promise<boolean> => {
    const n = await db.run(
      `UPDATE trials SET state = $5, metrics = $6, score = $7, error = COALESCE($8, error), failure = $9, finished_at = ${db.nowSql}, heartbeat_at = ${db.nowSql}
       WHERE ${OWNED}`,
      [...owned, state, m && canonicalJson(m), score, err, failure],
    );
    if (n > 0 || (await shows(state, trial.attempts))) return true;
    lost = true;
    return false;
  };
  const lostLine = (): TrialOutcome => {
    o.log(`trial ${trial.number}: taken back from this worker after its heartbeat went stale; this attempt's outcome is discarded`);
    return 'lost';
  };
  if (lost) return lostLine();

  if (error === null) {
    try {
      const m = checkMetrics(metrics, `trial ${trial.number}`);
      const score = def.objective.score(m);
      if (!(await finish('complete', m, score, null))) return lostLine();
      const at = trial.fidelity === null ? '' : ` at fidelity ${shown(trial.fidelity)}`;
      o.log(`trial ${trial.number} complete${at} in ${secs} s: ${def.objective.metric} ${shown(m[def.objective.metric])} (score ${shown(score)})`);
      return 'complete';
    } catch (e) {
      if (isFatalStorageError(e)) throw e;
      error = e;
    }
  }
  if (o.signal?.aborted) {
    const why = `interrupted on worker ${o.worker}; resumes from ${workdir}`;
    const n = await db.run(`UPDATE trials SET state = 'queued', attempts = attempts - 1, heartbeat_at = NULL, error = $5 WHERE ${OWNED}`, [...owned, why]);
    if (n === 0 && !(await shows('queued', trial.attempts - 1))) return lostLine();
    o.log(`trial ${trial.number} re-queued: ${why}`);
    return 'interrupted';
  }
  if (error instanceof TrialPruned) {
    const m = Object.keys(error.metrics).length ? checkMetrics(error.metrics, `trial ${trial.number}`) : null;
    if (!(await finish('pruned', m, null, error.message))) return lostLine();
    o.log(`trial ${trial.number} pruned after ${secs} s: ${error.message}`);
    return 'pruned';
  }
  const reason = reasonOf(error);
  const failure: TrialFailure = (error as { code?: unknown } | null)?.code === 'diverged' ? 'diverged' : 'error';
  if (!(await finish('failed', null, null, reason, failure))) return lostLine();
  o.log(`trial ${trial.number} failed after ${secs} s: ${reason}`);
  return 'failed';
}

const MARKER = '.nasforge-trial.json';

/**
 * The trial's workdir, kept across attempts. A marker names the trial it belongs to (with the
 * study's incarnation id): files of another trial with the same number (its study was deleted
 * or reset and made again) are cleared rather than resumed as this trial's checkpoint.
 */
function prepareWorkdir(
  workdir: string,
  owner: { study: string; uid: string | null; number: number; key: string; fidelity: number | null },
  log: (line: string) => void,
): void {
  const marker = join(workdir, MARKER);
  const mine = canonicalJson(owner);
  if (existsSync(marker) && readFileSync(marker, 'utf8') !== mine) {
    log(`trial ${owner.number}: ${workdir} held the files of an earlier trial ${owner.number} (a deleted or reset study); cleared`);
    rmSync(workdir, { recursive: true, force: true });
  }
  mkdirSync(workdir, { recursive: true });
  if (!existsSync(marker)) writeFileSync(marker, mine);
}

/** A metric for a log line: 4 decimals (4 significant digits below 1); stored values keep every digit. */
export function shown(v: number | undefined): string {
  if (v === undefined) return '-';
  if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  return String(Number(Math.abs(v) >= 1 ? v.toFixed(4) : v.toPrecision(4)));
}

function reasonOf(e: unknown): string {
  if (e instanceof Error) return e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message;
  return String(e);
}
