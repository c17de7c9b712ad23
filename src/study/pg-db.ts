// The PostgreSQL backend of the SQL surface, for workers on many machines: a small pool per
// process; a study's transactions lock its row (SELECT ... FOR UPDATE), migrations take an
// advisory lock, so concurrent workers never interleave a claim.
//
// A lost connection (a server restart, pg_terminate_backend, a network blip) is not an error
// of the study: every statement and transaction that failed because its connection dropped is
// retried on a new connection, with back-off, for up to `reconnectSeconds`; then the server is
// declared gone (StudyError 'unreachable'). SQL errors are never retried. A transaction is
// retried as a whole; when the connection dropped while COMMIT was in flight, its result is
// unknown, so the retry is told so (TxInfo.afterUnknownCommit) and a body that is not
// idempotent first looks for its own earlier effect (a claim adopts the trial it may already
// hold, addTrial finds the row it may have added). Single statements outside transactions are
// written to be idempotent (heartbeats, progress) or check the row after a retry (outcomes).
import { userInfo } from 'node:os';
import pg from 'pg';
import { type Db, type Lock, type Param, type Row, type Sql, type TxInfo } from './db.js';
import { StudyError } from './errors.js';
import { type PgTarget, connectError, describeTarget, pgTarget } from './pg-target.js';

export interface PgOptions {
  /** how long a lost connection is retried before the server is declared gone (default 60) */
  readonly reconnectSeconds?: number;
  /** the time-out of one connection attempt (default 10) */
  readonly connectTimeoutSeconds?: number;
}

const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOENT',
  '57P01', // admin_shutdown: pg_terminate_backend, a fast shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '55000', // "database is not currently accepting connections" (when connecting)
  '53300', // too_many_connections
]);
const CONNECTION_MESSAGES =
  /connection terminated|terminating connection|connection error|not queryable|timeout exceeded when trying to connect|timeout expired|socket hang up|read ECONNRESET/i;
/** a conflict between transactions: the whole transaction may be run again */
const CONFLICT_CODES = new Set(['40001', '40P01']);

/** Whether `e` says the connection (not the SQL) failed: worth a new connection and another try. */
export function isConnectionError(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  const code = String(err?.code ?? '');
  return CONNECTION_CODES.has(code) || code.startsWith('08') || CONNECTION_MESSAGES.test(String(err?.message ?? ''));
}

/** A failure to get a connection: retried unless the server said no for good (a password, a missing database). */
class ConnectFailed extends Error {
  constructor(readonly reason: unknown) {
    super((reason as Error)?.message ?? String(reason));
  }

  get lasting(): boolean {
    const code = String((this.reason as { code?: unknown })?.code ?? '');
    return code.startsWith('28') || code === '3D000';
  }
}

const guarded = new WeakSet<pg.PoolClient>();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class PgDb implements Db {
  readonly kind = 'postgres' as const;
  readonly nowSql = 'CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)';
  reconnectedAt: number | null = null;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly target: PgTarget,
    private readonly reconnectMs: number,
    private readonly connectMs: number,
  ) {}

  static async open(url: string, o: PgOptions = {}): Promise<PgDb> {
    const target = pgTarget(url);
    const connectMs = (o.connectTimeoutSeconds ?? 10) * 1000;
    const pool = new pg.Pool({ connectionString: target.connectionString, max: 4, connectionTimeoutMillis: connectMs, keepAlive: true });
    // An idle client losing its server must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    try {
      await pool.query('SELECT 1');
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw connectError(target, e, connectMs);
    }
    return new PgDb(pool, target, (o.reconnectSeconds ?? 60) * 1000, connectMs);
  }

  all(sql: string, params: readonly Param[] = []): Promise<Row[]> {
    return this.retrying(false, () => this.withClient(async (c) => (await c.query(sql, params as Param[])).rows as Row[]));
  }

  run(sql: string, params: readonly Param[] = []): Promise<number> {
    return this.retrying(false, () => this.withClient(async (c) => (await c.query(sql, params as Param[])).rowCount ?? 0));
  }

  transaction<T>(lock: Lock, fn: (tx: Sql, info: TxInfo) => Promise<T>): Promise<T> {
    let unknownCommit = false; // once a COMMIT's answer was lost, every later run is told
    return this.retrying(true, () =>
      this.withClient(async (client) => {
        const info: TxInfo = { afterUnknownCommit: unknownCommit };
        let committing = false;
        try {
          await client.query('BEGIN');
          if (lock && 'study' in lock) await client.query('SELECT 1 FROM studies WHERE name = $1 FOR UPDATE', [lock.study]);
          if (lock && 'global' in lock) await client.query('SELECT pg_advisory_xact_lock($1)', [lock.global]);
          const out = await fn(sqlOf(client), info);
          committing = true;
          await client.query('COMMIT');
          return out;
        } catch (e) {
          if (isConnectionError(e)) {
            if (committing) unknownCommit = true;
          } else {
            await client.query('ROLLBACK').catch(() => undefined);
          }
          throw e;
        }
      }),
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** A pooled client for `fn`, with its own 'error' listener (the pool's covers idle clients only); dropped from the pool if its connection broke. */
  private async withClient<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw new ConnectFailed(e);
    }
    if (!guarded.has(client)) {
      // a checked-out client whose server goes away emits 'error': without a listener that is
      // an uncaught exception; the query in flight fails too, and that failure is retried
      client.on('error', () => undefined);
      guarded.add(client);
    }
    let broken: Error | undefined;
    try {
      return await fn(client);
    } catch (e) {
      if (isConnectionError(e)) broken = e as Error;
      throw e;
    } finally {
      client.release(broken);
    }
  }

  /** Runs `attempt` until it succeeds, fails with a non-connection error, or the reconnect time is used up. */
  private async retrying<T>(transactional: boolean, attempt: () => Promise<T>): Promise<T> {
    let since = 0;
    for (let i = 0; ; i++) {
      try {
        const out = await attempt();
        if (since) this.reconnectedAt = Date.now();
        return out;
      } catch (e) {
        const code = String((e as { code?: unknown })?.code ?? '');
        if (e instanceof ConnectFailed) {
          if (e.lasting) throw connectError(this.target, e.reason, this.connectMs);
        } else if (!isConnectionError(e) && !(transactional && CONFLICT_CODES.has(code))) {
          throw e;
        }
        since ||= Date.now();
        const left = this.reconnectMs - (Date.now() - since);
        if (left <= 0) throw this.goneError(e instanceof ConnectFailed ? e.reason : e);
        // the first retry at once (a pooled connection that died idle), then back off to 2 s
        await sleep(Math.min(i === 0 ? 0 : 100 * 2 ** (i - 1), 2000, left));
      }
    }
  }

  private goneError(last: unknown): StudyError {
    const why = (last as Error)?.message || String((last as { code?: unknown })?.code ?? last);
    return new StudyError(
      `lost the connection to PostgreSQL at ${describeTarget(this.target)} and could not get it back within ${this.reconnectMs / 1000} s ` +
        `(last error: ${why}). Is the server running and reachable? Nothing committed is lost: run again once it is back ` +
        '(a trial that was running resumes from its checkpoint)',
      'unreachable',
    );
  }
}

/** Like libpq, a URL without a user connects as $PGUSER or the operating system's user. */
export function withDefaultUser(url: string): string {
  if (/^postgres(ql)?:\/\/[^/?#]*@/.test(url) || /[?&]user=/.test(url)) return url;
  const user = process.env.PGUSER || userInfo().username;
  return url.replace(/^(postgres(ql)?:\/\/)/, `$1${encodeURIComponent(user)}@`);
}

function sqlOf(q: pg.PoolClient): Sql {
  return {
    all: async (sql, params = []) => (await q.query(sql, params as Param[])).rows as Row[],
    run: async (sql, params = []) => (await q.query(sql, params as Param[])).rowCount ?? 0,
  };
}
