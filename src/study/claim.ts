// One claim of the worker loop, in one transaction under the study's lock: re-queue trials
// whose worker died (a stale heartbeat, or a process of this host that is gone), failing only
// those that keep dying at the same point (charged deaths, see takeBackDead), let the
// searcher (the strategy, or a multi-fidelity scheduler around it) hear every finished trial it
// has not heard, then claim a queued trial or ask the searcher for a new one, and store its
// state. Because every step runs under the lock, workers on any number of machines share one
// searcher as if it ran alone, and no trial is handed out twice.
import { canonicalJson } from '../util/index.js';
import { type StrategyState, createHalving, createStrategy, restoreHalving, restoreStrategy } from '../strategies/index.js';
import { type Sql, num } from './db.js';
import { StudyError } from './errors.js';
import { processGone } from './host.js';
import { TRIAL_COLUMNS, jsonColumn, toTrial } from './rows.js';
import { SchedulerSearcher } from './scheduler-searcher.js';
import { type SearchOptions, type Searcher, FINISHED_COLUMNS, finishedOf } from './searcher.js';
import { type SqlStorage } from './storage.js';
import { StrategySearcher, numberList } from './strategy-searcher.js';
import { type StudyDefinition, type Trial } from './types.js';

/** The searcher as this process last stored it, reused while no other process changed it. */
export interface SearcherCache {
  seq: number;
  searcher: Searcher | null;
}

export type Claim =
  | { readonly kind: 'trial'; readonly trial: Trial }
  /**
   * nothing to start now, but trials still run elsewhere: wait and claim again (the budget is
   * used and one may come back to the queue, or a scheduler waits for a rung to complete)
   */
  | { readonly kind: 'wait'; readonly running: number }
  /** the budget is used and nothing is queued or running */
  | { readonly kind: 'done' };

export interface ClaimOptions extends SearchOptions {
  /** charged deaths of a trial before it is failed for good */
  readonly maxAttempts: number;
  /** a running trial whose heartbeat is older than this is taken back */
  readonly staleMs: number;
}

export async function claimTrial(store: SqlStorage, def: StudyDefinition, cache: SearcherCache, o: ClaimOptions): Promise<Claim> {
  const db = store.db;
  let nextCache: SearcherCache | null = null;
  const claim = await db.transaction({ study: def.name }, async (tx, info) => {
    nextCache = null; // set again only by the run that commits
    const studyRows = await tx.all(`SELECT created_at, strategy_state, state_seq, ${db.nowSql} AS now FROM studies WHERE name = $1`, [def.name]);
    if (studyRows.length === 0) throw new StudyError(`study '${def.name}' no longer exists in ${store.url}`, 'unknown-study');
    const study = studyRows[0]!;
    const now = num(study.now);
    // A run repeated after a COMMIT whose answer was lost: if that COMMIT landed, this worker
    // already holds the trial it claimed (a worker holds one trial at a time), so take it.
    if (info.afterUnknownCommit) {
      const held = await tx.all(
        `SELECT ${TRIAL_COLUMNS} FROM trials WHERE study = $1 AND state = 'running' AND worker = $2 AND host = $3 AND pid = $4
        ORDER BY number DESC LIMIT 1`,
        [def.name, o.worker, o.host, o.pid],
      );
      if (held.length > 0) return { kind: 'trial', trial: toTrial(held[0]!, def.name) } as const;
    }
    await takeBackDead(tx, def.name, now, o, db.reconnectedAt);

    // (b) the searcher hears every finished trial it has not heard yet, in finish order. The
    // cached searcher is used only while the stored state is the one it wrote, and it is
    // dropped from the cache until this transaction commits: a run that is rolled back (or
    // retried on a new connection) must not leave behind a searcher that heard or proposed
    // what was never stored.
    const seq = num(study.state_seq);
    let searcher = cache.seq === seq ? cache.searcher : null;
    cache.searcher = null;
    cache.seq = -1;
    let changed = false;
    if (!searcher) searcher = loadSearcher(def, study.strategy_state);
    const unheard = (
      await tx.all(
        `SELECT ${FINISHED_COLUMNS} FROM trials WHERE study = $1 AND state IN ('complete', 'failed', 'pruned') AND told = 0 ORDER BY finished_at, number`,
        [def.name],
      )
    ).map((r) => finishedOf(r, def.name));
    if (unheard.length > 0) {
      searcher.hear(unheard, o);
      await tx.run(`UPDATE trials SET told = 1 WHERE study = $1 AND number IN (${numberList(unheard)})`, [def.name]);
      changed = true;
    }

    // (c) budget, (d) a queued trial first, else a new proposal
    const counts = new Map<string, number>();
    for (const r of await tx.all('SELECT state, COUNT(*) AS n FROM trials WHERE study = $1 GROUP BY state', [def.name])) counts.set(String(r.state), num(r.n));
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const queued = await tx.all("SELECT number FROM trials WHERE study = $1 AND state = 'queued' ORDER BY number LIMIT 1", [def.name]);
    let number: number | null = null;
    let proposed = false;
    if (queued.length > 0) {
      number = num(queued[0]!.number);
      await tx.run(
        `UPDATE trials SET state = 'running', attempts = attempts + 1, worker = $3, host = $5, pid = $6, started_at = $4, heartbeat_at = $4
         WHERE study = $1 AND number = $2`,
        [def.name, number, o.worker, now, o.host, o.pid],
      );
    } else {
      const minutes = def.budget.minutes;
      const outOfTime = minutes !== undefined && now - num(study.created_at) >= minutes * 60_000;
      if (total < def.budget.trials && !outOfTime) {
        number = await searcher.propose(tx, def, now, o);
        proposed = true;
      }
    }

    // (e) the searcher's state, so that any worker continues from here (a scheduler that only
    // waited for a rung is unchanged: its polls write nothing)
    let newSeq = seq;
    if (changed || proposed) {
      const text = canonicalJson(searcher.state() as StrategyState);
      if (changed || text !== study.strategy_state) {
        newSeq = seq + 1;
        await tx.run('UPDATE studies SET strategy_state = $2, state_seq = $3 WHERE name = $1', [def.name, text, newSeq]);
      }
    }
    nextCache = { seq: newSeq, searcher };
    if (number !== null) {
      const rows = await tx.all(`SELECT ${TRIAL_COLUMNS} FROM trials WHERE study = $1 AND number = $2`, [def.name, number]);
      return { kind: 'trial', trial: toTrial(rows[0]!, def.name) } as const;
    }
    const running = counts.get('running') ?? 0;
    return running > 0 ? ({ kind: 'wait', running } as const) : ({ kind: 'done' } as const);
  });
  if (nextCache) Object.assign(cache, nextCache);
  return claim;
}

/**
 * (a) Running trials whose worker died go back to the queue: its heartbeat is stale, or it ran
 * on this host and its process is gone (noticed at once). A death is not the trial's fault, so
 * it uses up nothing, unless the trial made no progress since its previous death (the same
 * crash at the same point: the trial likely kills its process itself). Such a death is charged
 * (`crashes`); at maxAttempts charged deaths in a row the trial fails for good ('crashed'). A
 * first death is never charged, and progress since the last death clears the charges.
 * `reconnectedAt`: while this worker's database was away nobody's heartbeat could land, so
 * for one stale period after it came back no heartbeat is judged stale.
 */
async function takeBackDead(tx: Sql, study: string, now: number, o: ClaimOptions, reconnectedAt: number | null): Promise<void> {
  const graced = reconnectedAt !== null && Date.now() - reconnectedAt < o.staleMs;
  const candidates = await tx.all(
    `SELECT number, worker, heartbeat_at, host, pid, progress, deaths, death_progress, crashes FROM trials WHERE study = $1 AND state = 'running'
     AND (heartbeat_at IS NULL OR heartbeat_at < $2 OR host = $3)`,
    [study, now - o.staleMs, o.host],
  );
  for (const r of candidates) {
    const n = num(r.number);
    const stale = !graced && (r.heartbeat_at === null || num(r.heartbeat_at) < now - o.staleMs);
    const pid = r.pid === null || r.pid === undefined ? null : num(r.pid);
    let cause: string;
    if (String(r.host) === o.host && pid !== null && processGone(pid)) {
      cause = `worker ${String(r.worker)} died (its process ${pid} on this host is gone)`;
    } else if (stale) {
      const age = r.heartbeat_at === null ? 'never' : `${((now - num(r.heartbeat_at)) / 1000).toFixed(1)} s ago`;
      cause = `worker ${String(r.worker)} stopped beating (last heartbeat ${age})`;
    } else continue;
    const progress = num(r.progress);
    const last = r.death_progress === null || r.death_progress === undefined ? null : num(r.death_progress);
    const deaths = num(r.deaths) + 1;
    const charged = last !== null && progress <= last;
    const crashes = charged ? num(r.crashes) + 1 : 0;
    const at = `progress ${shownProgress(progress)}`;
    const columns = [study, n, deaths, crashes, progress];
    if (crashes >= o.maxAttempts) {
      const why =
        `${cause}: its worker died ${crashes + 1} times at the same point (${at}) without progress in between; ` +
        'the trial itself likely crashes its process (out of memory, a native crash). ' +
        `Failed for good after ${crashes} charged deaths (maxAttempts ${o.maxAttempts})`;
      await tx.run(
        `UPDATE trials SET state = 'failed', failure = 'crashed', error = $6, finished_at = $7, deaths = $3, crashes = $4, death_progress = $5
        WHERE study = $1 AND number = $2`,
        [...columns, why, now],
      );
      o.log(`trial ${n} failed: ${why}`);
    } else {
      const charge =
        last === null
          ? 'a first death is not charged'
          : charged
            ? `charged: no progress since the death before (${crashes} of ${o.maxAttempts} charged deaths at ${at})`
            : `not charged: progress since the death before (${shownProgress(last)} → ${shownProgress(progress)})`;
      const why = `${cause}; death ${deaths}, ${charge}; it resumes from its checkpoint`;
      await tx.run(
        `UPDATE trials SET state = 'queued', error = $6, heartbeat_at = NULL, deaths = $3, crashes = $4, death_progress = $5
        WHERE study = $1 AND number = $2`,
        [...columns, why],
      );
      o.log(`trial ${n} re-queued: ${why}`);
    }
  }
}

function shownProgress(p: number): string {
  return Number.isInteger(p) ? String(p) : String(Number(p.toPrecision(6)));
}

/** The searcher from its stored state, or a new one (seeded) for a new study. */
function loadSearcher(def: StudyDefinition, stored: unknown): Searcher {
  const fresh = (): ReturnType<typeof createStrategy> => {
    const options = def.seed === undefined ? def.strategy.options : { ...def.strategy.options, seed: def.seed };
    return createStrategy(def.strategy.name, def.space, options);
  };
  const mismatch = (what: string): StudyError => new StudyError(`study '${def.name}' stores the state of ${what}`, 'config-mismatch');
  if (def.scheduler) {
    if (stored === null || stored === undefined) return new SchedulerSearcher(createHalving(def.space, fresh(), def.scheduler));
    const state = jsonColumn(stored, `study '${def.name}'`, 'strategy_state') as unknown as StrategyState;
    if (state.kind !== 'halving') throw mismatch(`strategy '${state.kind}' without a scheduler, but a scheduler was asked for`);
    const inner = (state.inner as { kind?: unknown } | null)?.kind;
    if (inner !== def.strategy.name) throw mismatch(`a scheduler around strategy '${String(inner)}', but '${def.strategy.name}' was asked for`);
    return new SchedulerSearcher(restoreHalving(def.space, state));
  }
  if (stored === null || stored === undefined) return new StrategySearcher(fresh());
  const state = jsonColumn(stored, `study '${def.name}'`, 'strategy_state') as unknown as StrategyState;
  if (state.kind !== def.strategy.name) {
    throw mismatch(`${state.kind === 'halving' ? 'a scheduler' : `strategy '${state.kind}'`}, but '${def.strategy.name}' was asked for`);
  }
  return new StrategySearcher(restoreStrategy(def.space, state));
}
