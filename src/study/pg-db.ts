// The PostgreSQL backend of the SQL surface, for workers on many machines: a small pool per
// process; a study's transactions lock its row (SELECT ... FOR UPDATE), migrations take an
// advisory lock, so concurrent workers never interleave a claim.
import { userInfo } from 'node:os';
import pg from 'pg';
import { type Db, type Lock, type Param, type Row, type Sql } from './db.js';
import { StudyError } from './errors.js';
import { redactUrl } from './url.js';

const CONNECT_TIMEOUT_MS = 10_000;

function connectError(url: string, e: unknown): StudyError {
  const err = e as { code?: string; message?: string };
  const where = redactUrl(url);
  const why = err.message || err.code || String(e);
  let hint = 'is the server running and reachable, and is the host and port right?';
  if (err.code === '3D000') hint = 'the database does not exist: create it first (e.g. `createdb NAME`) or name another one in the URL';
  else if (err.code === '28P01' || err.code === '28000') hint = 'the server refused the user or password: check them in the URL';
  else if (err.code === 'ENOENT') hint = 'no server socket at that path: is PostgreSQL running (e.g. `pg_ctlcluster 15 main start`)?';
  return new StudyError(`cannot connect to PostgreSQL at ${where} (${why}); ${hint}`, 'unreachable');
}

export class PgDb implements Db {
  readonly kind = 'postgres' as const;
  readonly nowSql = 'CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)';
  private readonly direct: Sql;

  private constructor(private readonly pool: pg.Pool) {
    this.direct = sqlOf(pool);
  }

  static async open(url: string): Promise<PgDb> {
    const pool = new pg.Pool({ connectionString: withDefaultUser(url), max: 4, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // An idle client losing its server must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    try {
      await pool.query('SELECT 1');
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw connectError(url, e);
    }
    return new PgDb(pool);
  }

  all(sql: string, params: readonly Param[] = []): Promise<Row[]> {
    return this.direct.all(sql, params);
  }

  run(sql: string, params: readonly Param[] = []): Promise<number> {
    return this.direct.run(sql, params);
  }

  async transaction<T>(lock: Lock, fn: (tx: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx = sqlOf(client);
    try {
      await client.query('BEGIN');
      if (lock && 'study' in lock) await client.query('SELECT 1 FROM studies WHERE name = $1 FOR UPDATE', [lock.study]);
      if (lock && 'global' in lock) await client.query('SELECT pg_advisory_xact_lock($1)', [lock.global]);
      const out = await fn(tx);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Like libpq, a URL without a user connects as $PGUSER or the operating system's user. */
export function withDefaultUser(url: string): string {
  if (/^postgres(ql)?:\/\/[^/?#]*@/.test(url) || /[?&]user=/.test(url)) return url;
  const user = process.env.PGUSER || userInfo().username;
  return url.replace(/^(postgres(ql)?:\/\/)/, `$1${encodeURIComponent(user)}@`);
}

function sqlOf(q: pg.Pool | pg.PoolClient): Sql {
  return {
    all: async (sql, params = []) => (await q.query(sql, params as Param[])).rows as Row[],
    run: async (sql, params = []) => (await q.query(sql, params as Param[])).rowCount ?? 0,
  };
}
