// One claimed trial, evaluated outside the study's lock: a heartbeat timer keeps the claim
// alive; the outcome is written only while this worker still holds the trial (same worker,
// same attempt, still running), so a trial taken back from a worker that looked dead is never
// recorded twice.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../util/index.js';
import { type Genotype } from '../spaces/index.js';
import { type Metrics } from '../strategies/index.js';
import { checkMetrics } from './checks.js';
import { type Param } from './db.js';
import { StudyError, TrialPruned } from './errors.js';
import { type SqlStorage } from './storage.js';
import { type Evaluate, type StudyDefinition, type Trial, type TrialContext } from './types.js';

export type TrialOutcome = 'complete' | 'failed' | 'pruned' | 'interrupted' | 'lost';

export interface RunTrialOptions {
  readonly worker: string;
  readonly heartbeatMs: number;
  readonly workdirRoot: string;
  readonly signal?: AbortSignal;
  readonly log: (line: string) => void;
}

const OWNED = "study = $1 AND number = $2 AND state = 'running' AND worker = $3 AND attempts = $4";

export async function runTrial(store: SqlStorage, def: StudyDefinition, evaluate: Evaluate, trial: Trial, o: RunTrialOptions): Promise<TrialOutcome> {
  const db = store.db;
  const owned: Param[] = [def.name, trial.number, o.worker, trial.attempts];
  const start = Date.now();
  const local = new AbortController();
  let lost = false;
  let finishing = false;
  const onAbort = (): void => local.abort(o.signal?.reason ?? new Error('interrupted'));
  if (o.signal?.aborted) onAbort();
  else o.signal?.addEventListener('abort', onAbort, { once: true });

  /** beats; false when the trial is no longer this worker's (it was taken back as stale) */
  const beat = async (): Promise<boolean> => {
    const n = await db.run(`UPDATE trials SET heartbeat_at = ${db.nowSql} WHERE ${OWNED}`, owned);
    if (n === 0 && !finishing && !lost) {
      lost = true;
      local.abort(new StudyError(`trial ${trial.number} was taken back from worker ${o.worker} (its heartbeat went stale)`, 'trial-lost'));
    }
    return n > 0;
  };
  let inFlight: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    inFlight = beat().catch((e: unknown) => o.log(`trial ${trial.number}: heartbeat failed (${(e as Error).message}); retrying`));
  }, o.heartbeatMs);

  const workdir = join(o.workdirRoot, def.name, `trial-${trial.number}`);
  const ctx: TrialContext = {
    study: def.name,
    trial,
    genotype: trial.genotype as Genotype,
    signal: local.signal,
    workdir,
    parentWorkdir: trial.parent === null ? null : join(o.workdirRoot, def.name, `trial-${trial.parent}`),
    report: async (step: number, metrics: Metrics) => {
      if (!Number.isInteger(step) || step < 0) throw new StudyError(`report: step must be a whole number ≥ 0, got ${step}`, 'invalid-trial');
      const m = checkMetrics(metrics, `trial ${trial.number} step ${step}`);
      if (!(await beat())) throw local.signal.reason as Error;
      await db.run(
        `INSERT INTO intermediates (study, trial, step, metrics) VALUES ($1, $2, $3, $4)
         ON CONFLICT (study, trial, step) DO UPDATE SET metrics = excluded.metrics`,
        [def.name, trial.number, step, canonicalJson(m)]);
    },
    artifact: async (name: string, path: string) => {
      const rows = await db.all(`SELECT artifacts FROM trials WHERE ${OWNED}`, owned);
      if (rows.length === 0) throw new StudyError(`trial ${trial.number} is no longer held by worker ${o.worker}`, 'trial-lost');
      const artifacts = { ...(JSON.parse(String(rows[0]!.artifacts)) as Record<string, string>), [name]: path };
      await db.run(`UPDATE trials SET artifacts = $5 WHERE ${OWNED}`, [...owned, canonicalJson(artifacts)]);
    },
  };

  let metrics: Metrics | null = null;
  let error: unknown = null;
  try {
    mkdirSync(workdir, { recursive: true });
    const genotype = def.space.validate(trial.genotype);
    metrics = await evaluate({ ...ctx, genotype });
  } catch (e) {
    error = e;
  } finally {
    finishing = true;
    clearInterval(timer);
    o.signal?.removeEventListener('abort', onAbort);
    await inFlight;
  }
  const secs = ((Date.now() - start) / 1000).toFixed(1);

  const finish = async (state: string, m: Metrics | null, score: number | null, err: string | null): Promise<boolean> => {
    const n = await db.run(
      `UPDATE trials SET state = $5, metrics = $6, score = $7, error = COALESCE($8, error), finished_at = ${db.nowSql}, heartbeat_at = ${db.nowSql} WHERE ${OWNED}`,
      [...owned, state, m && canonicalJson(m), score, err]);
    if (n === 0) lost = true;
    return n > 0;
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
      error = e;
    }
  }
  if (o.signal?.aborted) {
    const why = `interrupted on worker ${o.worker}; resumes from ${workdir}`;
    const n = await db.run(`UPDATE trials SET state = 'queued', attempts = attempts - 1, heartbeat_at = NULL, error = $5 WHERE ${OWNED}`, [...owned, why]);
    if (n === 0) return lostLine();
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
  if (!(await finish('failed', null, null, reason))) return lostLine();
  o.log(`trial ${trial.number} failed after ${secs} s: ${reason}`);
  return 'failed';
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
