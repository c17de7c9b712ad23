// Database rows to the study model (JSON columns parsed, BIGINTs as numbers).
import { type Json } from '../util/index.js';
import { type Metrics } from '../strategies/index.js';
import { type Row, num, numOrNull } from './db.js';
import { type Intermediate, type StudyRecord, type Trial, type TrialState } from './types.js';

export const TRIAL_COLUMNS = 'number, state, genotype, key, fidelity, bracket, rung, parent, metrics, score, error, attempts, worker, artifacts, '
  + 'created_at, started_at, finished_at, heartbeat_at';

export function toStudy(r: Row): StudyRecord {
  return { name: String(r.name), config: JSON.parse(String(r.config)) as Json, createdAt: num(r.created_at) };
}

export function toTrial(r: Row): Trial {
  return {
    number: num(r.number),
    state: String(r.state) as TrialState,
    genotype: JSON.parse(String(r.genotype)) as Json,
    key: String(r.key),
    fidelity: numOrNull(r.fidelity),
    bracket: numOrNull(r.bracket),
    rung: numOrNull(r.rung),
    parent: numOrNull(r.parent),
    metrics: r.metrics === null || r.metrics === undefined ? null : (JSON.parse(String(r.metrics)) as Metrics),
    score: numOrNull(r.score),
    error: r.error === null || r.error === undefined ? null : String(r.error),
    attempts: num(r.attempts),
    worker: r.worker === null || r.worker === undefined ? null : String(r.worker),
    artifacts: JSON.parse(String(r.artifacts ?? '{}')) as Record<string, string>,
    createdAt: num(r.created_at),
    startedAt: numOrNull(r.started_at),
    finishedAt: numOrNull(r.finished_at),
    heartbeatAt: numOrNull(r.heartbeat_at),
  };
}

export function toIntermediate(r: Row): Intermediate {
  return { trial: num(r.trial), step: num(r.step), metrics: JSON.parse(String(r.metrics)) as Metrics };
}
