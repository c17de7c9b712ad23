// Database rows to the study model (JSON columns parsed, BIGINTs as numbers). A JSON column
// that does not parse (the database was edited outside nasforge) is a StudyError naming the
// study, the trial and the column, never a raw SyntaxError.
import { type Json, parseJson } from '../util/index.js';
import { type Metrics } from '../strategies/index.js';
import { type Row, num, numOrNull } from './db.js';
import { StudyError } from './errors.js';
import { type Intermediate, type StudyRecord, type Trial, type TrialFailure, type TrialState } from './types.js';

export const TRIAL_COLUMNS =
  'number, state, genotype, key, fidelity, bracket, rung, parent, metrics, score, error, attempts, worker, artifacts, ' +
  'created_at, started_at, finished_at, heartbeat_at, progress, deaths, crashes, failure';

/** A JSON column's value; `where` names the row ("study 's', trial 3"), `column` the column. */
export function jsonColumn(text: unknown, where: string, column: string): Json {
  try {
    return parseJson(String(text), `${where}: column '${column}'`);
  } catch (e) {
    throw new StudyError(
      `${(e as Error).message}. The database was changed outside nasforge: fix or delete that row, or restore the database from a backup`,
      'corrupt-storage',
    );
  }
}

export function toStudy(r: Row): StudyRecord {
  const name = String(r.name);
  return { name, config: jsonColumn(r.config, `study '${name}'`, 'config'), createdAt: num(r.created_at) };
}

export function toTrial(r: Row, study: string): Trial {
  const number = num(r.number);
  const where = `study '${study}', trial ${number}`;
  return {
    number,
    state: String(r.state) as TrialState,
    genotype: jsonColumn(r.genotype, where, 'genotype'),
    key: String(r.key),
    fidelity: numOrNull(r.fidelity),
    bracket: numOrNull(r.bracket),
    rung: numOrNull(r.rung),
    parent: numOrNull(r.parent),
    metrics: r.metrics === null || r.metrics === undefined ? null : (jsonColumn(r.metrics, where, 'metrics') as Metrics),
    score: numOrNull(r.score),
    error: r.error === null || r.error === undefined ? null : String(r.error),
    attempts: num(r.attempts),
    worker: r.worker === null || r.worker === undefined ? null : String(r.worker),
    artifacts: jsonColumn(r.artifacts ?? '{}', where, 'artifacts') as Record<string, string>,
    createdAt: num(r.created_at),
    startedAt: numOrNull(r.started_at),
    finishedAt: numOrNull(r.finished_at),
    heartbeatAt: numOrNull(r.heartbeat_at),
    progress: num(r.progress ?? 0),
    deaths: num(r.deaths ?? 0),
    crashes: num(r.crashes ?? 0),
    failure: r.failure === null || r.failure === undefined ? null : (String(r.failure) as TrialFailure),
  };
}

export function toIntermediate(r: Row, study: string): Intermediate {
  const trial = num(r.trial);
  const step = num(r.step);
  return { trial, step, metrics: jsonColumn(r.metrics, `study '${study}', trial ${trial} step ${step}`, 'metrics') as Metrics };
}
