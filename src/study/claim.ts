// One claim of the worker loop, in one transaction under the study's lock: re-queue (or fail)
// trials whose worker stopped beating, tell the strategy every result it has not heard, then
// claim a queued trial or ask the strategy for a new one, and store the strategy's state.
// Because every step runs under the lock, workers on any number of machines share one strategy
// as if it ran alone, and no trial is handed out twice.
import { canonicalJson } from '../spaces/core/index.js';
import { type Metrics, type Strategy, type StrategyState, type TrialResult, createStrategy, restoreStrategy } from '../strategies/index.js';
import { type Row, type Sql, num } from './db.js';
import { StudyError } from './errors.js';
import { TRIAL_COLUMNS, toTrial } from './rows.js';
import { type SqlStorage, nextTrialNumber } from './storage.js';
import { type StudyDefinition, type Trial } from './types.js';

/** The strategy as this process last stored it, reused while no other process changed it. */
export interface StrategyCache {
  seq: number;
  strategy: Strategy | null;
}

export type Claim =
  | { readonly kind: 'trial'; readonly trial: Trial }
  /** the budget is used but trials still run elsewhere: wait (one may come back to the queue) */
  | { readonly kind: 'wait'; readonly running: number }
  /** the budget is used and nothing is queued or running */
  | { readonly kind: 'done' };

export interface ClaimOptions {
  readonly worker: string;
  readonly maxAttempts: number;
  /** a running trial whose heartbeat is older than this is taken back */
  readonly staleMs: number;
  /** proposals drawn to find a key that is not pending or complete before a duplicate is accepted */
  readonly maxReask: number;
  readonly log: (line: string) => void;
}

export async function claimTrial(store: SqlStorage, def: StudyDefinition, cache: StrategyCache, o: ClaimOptions): Promise<Claim> {
  const db = store.db;
  let nextCache: StrategyCache | null = null;
  const claim = await db.transaction({ study: def.name }, async (tx) => {
    const studyRows = await tx.all(`SELECT created_at, strategy_state, state_seq, ${db.nowSql} AS now FROM studies WHERE name = $1`, [def.name]);
    if (studyRows.length === 0) throw new StudyError(`study '${def.name}' no longer exists in ${store.url}`, 'unknown-study');
    const study = studyRows[0]!;
    const now = num(study.now);
    await takeBackStale(tx, def.name, now, o);

    // (b) the strategy, told every complete result it has not heard yet, in finish order
    const seq = num(study.state_seq);
    let strategy = cache.seq === seq ? cache.strategy : null;
    let changed = false;
    if (!strategy) strategy = loadStrategy(def, study.strategy_state);
    const untold = await tx.all(
      "SELECT number, genotype, key, metrics, score FROM trials WHERE study = $1 AND state = 'complete' AND told = 0 ORDER BY finished_at, number",
      [def.name]);
    if (untold.length > 0) {
      strategy.tell(untold.map(resultOf));
      await tx.run(`UPDATE trials SET told = 1 WHERE study = $1 AND number IN (${untold.map((r) => num(r.number)).join(', ')})`, [def.name]);
      changed = true;
    }

    // (c) budget, (d) a queued trial first, else a new proposal
    const counts = new Map<string, number>();
    for (const r of await tx.all('SELECT state, COUNT(*) AS n FROM trials WHERE study = $1 GROUP BY state', [def.name])) counts.set(String(r.state), num(r.n));
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const queued = await tx.all("SELECT number FROM trials WHERE study = $1 AND state = 'queued' ORDER BY number LIMIT 1", [def.name]);
    let number: number | null = null;
    if (queued.length > 0) {
      number = num(queued[0]!.number);
      await tx.run(
        `UPDATE trials SET state = 'running', attempts = attempts + 1, worker = $3, started_at = $4, heartbeat_at = $4
         WHERE study = $1 AND number = $2`, [def.name, number, o.worker, now]);
    } else {
      const minutes = def.budget.minutes;
      const outOfTime = minutes !== undefined && now - num(study.created_at) >= minutes * 60_000;
      if (total < def.budget.trials && !outOfTime) {
        number = await insertProposal(tx, def, strategy, now, o);
        changed = true;
      }
    }

    // (e) the strategy's state, so that any worker continues from here
    let newSeq = seq;
    if (changed) {
      newSeq = seq + 1;
      await tx.run('UPDATE studies SET strategy_state = $2, state_seq = $3 WHERE name = $1',
        [def.name, canonicalJson(strategy.state() as StrategyState), newSeq]);
    }
    nextCache = { seq: newSeq, strategy };
    if (number !== null) {
      const rows = await tx.all(`SELECT ${TRIAL_COLUMNS} FROM trials WHERE study = $1 AND number = $2`, [def.name, number]);
      return { kind: 'trial', trial: toTrial(rows[0]!) } as const;
    }
    const running = counts.get('running') ?? 0;
    return running > 0 ? ({ kind: 'wait', running } as const) : ({ kind: 'done' } as const);
  }).catch((e: unknown) => {
    // the in-memory strategy may have moved past what was stored: restore it next time
    cache.strategy = null;
    cache.seq = -1;
    throw e;
  });
  if (nextCache) Object.assign(cache, nextCache);
  return claim;
}

/** (a) running trials whose worker stopped beating go back to the queue, or fail after maxAttempts claims */
async function takeBackStale(tx: Sql, study: string, now: number, o: ClaimOptions): Promise<void> {
  const stale = await tx.all(
    "SELECT number, attempts, worker, heartbeat_at FROM trials WHERE study = $1 AND state = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < $2)",
    [study, now - o.staleMs]);
  for (const r of stale) {
    const n = num(r.number);
    const attempts = num(r.attempts);
    const age = r.heartbeat_at === null ? 'never' : `${((now - num(r.heartbeat_at)) / 1000).toFixed(1)} s ago`;
    const why = `worker ${String(r.worker)} stopped beating (last heartbeat ${age}) on attempt ${attempts} of ${o.maxAttempts}`;
    if (attempts >= o.maxAttempts) {
      await tx.run("UPDATE trials SET state = 'failed', error = $3, finished_at = $4 WHERE study = $1 AND number = $2",
        [study, n, `${why}; failed for good`, now]);
      o.log(`trial ${n} failed: ${why}`);
    } else {
      await tx.run("UPDATE trials SET state = 'queued', error = $3, heartbeat_at = NULL WHERE study = $1 AND number = $2", [study, n, why]);
      o.log(`trial ${n} re-queued: ${why}`);
    }
  }
}

function loadStrategy(def: StudyDefinition, stored: unknown): Strategy {
  if (stored === null || stored === undefined) {
    const options = def.seed === undefined ? def.strategy.options : { ...def.strategy.options, seed: def.seed };
    return createStrategy(def.strategy.name, def.space, options);
  }
  const state = JSON.parse(String(stored)) as StrategyState;
  if (state.kind !== def.strategy.name) {
    throw new StudyError(`study '${def.name}' stores the state of strategy '${state.kind}', but '${def.strategy.name}' was asked for`, 'config-mismatch');
  }
  return restoreStrategy(def.space, state);
}

function resultOf(r: Row): TrialResult {
  return {
    genotype: JSON.parse(String(r.genotype)) as object,
    key: String(r.key),
    metrics: JSON.parse(String(r.metrics)) as Metrics,
    score: num(r.score),
  };
}

/**
 * Asks for a proposal whose key is neither pending nor complete. A complete duplicate is not
 * evaluated again: its stored result is told as the result of the new proposal (what a
 * re-evaluation by a deterministic evaluator would give) and another proposal is drawn. After
 * `maxReask` duplicates the space is taken as exhausted and the last one is evaluated again.
 */
async function insertProposal(tx: Sql, def: StudyDefinition, strategy: Strategy, now: number, o: ClaimOptions): Promise<number> {
  let genotype: object | null = null;
  let key = '';
  let pending = 0;
  let complete = 0;
  for (let i = 0; i <= o.maxReask; i++) {
    const [g] = strategy.ask(1);
    if (!g) throw new StudyError(`strategy '${def.strategy.name}' proposed nothing`, 'invalid-trial');
    genotype = g;
    key = def.space.key(g);
    const dup = await tx.all(
      "SELECT state, genotype, key, metrics, score FROM trials WHERE study = $1 AND key = $2 AND state IN ('queued', 'running', 'complete') ORDER BY number LIMIT 1",
      [def.name, key]);
    if (dup.length === 0) break;
    if (i === o.maxReask) o.log(`no new architecture after ${o.maxReask + 1} proposals: the space looks exhausted, evaluating ${key} again`);
    else if (dup[0]!.state === 'complete') {
      strategy.tell([{ ...resultOf(dup[0]!), genotype: g }]);
      complete++;
    } else pending++;
  }
  const number = await nextTrialNumber(tx, def.name);
  if (pending + complete > 0) o.log(`trial ${number}: skipped ${pending + complete} duplicate proposals (${complete} complete, told their results; ${pending} pending)`);
  await tx.run(
    `INSERT INTO trials (study, number, state, genotype, key, attempts, worker, created_at, started_at, heartbeat_at)
     VALUES ($1, $2, 'running', $3, $4, 1, $5, $6, $6, $6)`,
    [def.name, number, canonicalJson(genotype), key, o.worker, now]);
  return number;
}
