// What the worker loop asks for new trials, under the study's lock: the study's strategy, or a
// multi-fidelity scheduler (successive halving, Hyperband) around it. Both hear the finished
// trials they have not heard, propose the next trial (inserted as running, held by the worker
// that asked), and store their state as JSON.
import { type Metrics, type StrategyState, type TrialResult } from '../strategies/index.js';
import { genotypeText } from './checks.js';
import { type Row, type Sql, num, numOrNull } from './db.js';
import { jsonColumn } from './rows.js';
import { nextTrialNumber } from './storage.js';
import { type StudyDefinition, type TrialState } from './types.js';

export interface SearchOptions {
  readonly worker: string;
  /** this host's identity and this process, recorded with each claim (see host.ts) */
  readonly host: string;
  readonly pid: number;
  /** proposals drawn to find one that is not pending or complete before a duplicate is accepted */
  readonly maxReask: number;
  readonly log: (line: string) => void;
}

/** A finished trial the searcher has not heard of yet. */
export interface FinishedTrial {
  readonly number: number;
  readonly state: Exclude<TrialState, 'queued' | 'running'>;
  readonly genotype: object;
  readonly key: string;
  readonly fidelity: number | null;
  readonly bracket: number | null;
  readonly metrics: Metrics | null;
  readonly score: number | null;
}

export interface Searcher {
  /** learns from finished trials, in the order they finished */
  hear(trials: readonly FinishedTrial[], o: SearchOptions): void;
  /**
   * Inserts the next trial as running (held by `o.worker`) and returns its number; null when
   * nothing can start until a running trial finishes (a scheduler's rung is not complete yet)
   * or nothing is left to start.
   */
  propose(tx: Sql, def: StudyDefinition, now: number, o: SearchOptions): Promise<number | null>;
  state(): StrategyState;
}

export const FINISHED_COLUMNS = 'number, state, genotype, key, fidelity, bracket, metrics, score';

export function finishedOf(r: Row, study: string): FinishedTrial {
  const number = num(r.number);
  const where = `study '${study}', trial ${number}`;
  return {
    number,
    state: String(r.state) as FinishedTrial['state'],
    genotype: jsonColumn(r.genotype, where, 'genotype') as object,
    key: String(r.key),
    fidelity: numOrNull(r.fidelity),
    bracket: numOrNull(r.bracket),
    metrics: r.metrics === null || r.metrics === undefined ? null : (jsonColumn(r.metrics, where, 'metrics') as Metrics),
    score: numOrNull(r.score),
  };
}

/** A complete finished trial as the strategy hears it. */
export function resultOf(t: FinishedTrial): TrialResult {
  return { genotype: t.genotype, key: t.key, metrics: t.metrics ?? {}, score: t.score! };
}

export interface NewRunning {
  readonly genotype: object;
  readonly key: string;
  readonly fidelity?: number;
  readonly bracket?: number;
  readonly rung?: number;
  readonly parent?: number | null;
}

/** Inserts a new trial, running and held by the asking worker; returns its number. */
export async function insertRunning(tx: Sql, def: StudyDefinition, t: NewRunning, now: number, o: SearchOptions): Promise<number> {
  const genotype = genotypeText(t.genotype, `study '${def.name}': a proposal of strategy '${def.strategy.name}'`);
  const number = await nextTrialNumber(tx, def.name);
  await tx.run(
    `INSERT INTO trials (study, number, state, genotype, key, fidelity, bracket, rung, parent, attempts, worker, host, pid, created_at, started_at, heartbeat_at)
     VALUES ($1, $2, 'running', $3, $4, $5, $6, $7, $8, 1, $9, $10, $11, $12, $12, $12)`,
    [def.name, number, genotype, t.key, t.fidelity ?? null, t.bracket ?? null, t.rung ?? null, t.parent ?? null, o.worker, o.host, o.pid, now],
  );
  return number;
}
