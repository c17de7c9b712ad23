// The SQLite backend of the SQL surface: one file in WAL mode (readers never block the writer),
// a busy timeout so that concurrent processes wait for the write lock instead of failing, and
// BEGIN IMMEDIATE so that a transaction takes the write lock before it reads. Before every
// write and transaction the file at the path must still be the one opened (a stat): a file
// deleted or replaced under a running study stops it with StudyError('storage-gone') after
// what the connection still holds is saved beside it (sqlite-file.ts).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type Db, type Lock, type Param, type Row, type Sql, type TxInfo } from './db.js';
import { StudyError } from './errors.js';
import { type FileId, fileChange, fileId, goneError, readOnlyError, removeOrphans, saveRecovered } from './sqlite-file.js';

/** how long one statement waits for another process's write lock (blocks this process's event loop) */
const BUSY_TIMEOUT_MS = 2_000;
/** how long in total a statement keeps retrying a busy database before giving up */
const BUSY_GIVE_UP_MS = 120_000;

interface Prepared {
  readonly stmt: Database.Statement;
  /** parameter index (0-based) for each `?` in order */
  readonly order: readonly number[];
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

function corruptError(path: string, e: unknown): StudyError {
  return new StudyError(
    `${path} is not a readable SQLite database (${(e as Error).message}). It was left untouched: ` +
      'restore it from a backup, or pass a new file with --storage sqlite:NEW_PATH',
    'corrupt-storage',
  );
}

/**
 * One better-sqlite3 connection per file and process, shared by every storage opened on it:
 * the driver is synchronous, so a second connection of the same process waiting for the write
 * lock would block the event loop that the first one needs to finish its transaction.
 */
class Connection {
  readonly cache = new Map<string, Prepared>();
  /** the tail of this connection's queue: statements never interleave with an open transaction */
  queue: Promise<unknown> = Promise.resolve();
  refs = 0;
  /** set once the file at `path` is no longer the one opened: every later call fails with it */
  gone: StudyError | null = null;

  /** the identities of the opened file (null for :memory:) and of its -wal and -shm files */
  readonly id: FileId | null;
  /** -wal and -shm: known once they exist while the file is still ours (SQLite makes them on first use) */
  private readonly sidecars: [string, FileId | null][];

  constructor(
    readonly db: Database.Database,
    readonly path: string,
  ) {
    this.id = path === ':memory:' ? null : fileId(path);
    this.sidecars = this.id
      ? [
          [`${path}-wal`, null],
          [`${path}-shm`, null],
        ]
      : [];
  }

  /** throws StudyError('storage-gone') once the file at the path is not the one opened (saving what the connection holds first) */
  checkFile(): void {
    if (this.gone) throw this.gone;
    if (this.id === null) return;
    const change = fileChange(this.path, this.id);
    if (change === null) {
      for (const s of this.sidecars) s[1] ??= fileId(s[0]);
      return;
    }
    const saved = saveRecovered(this.db, this.path);
    if ('file' in saved) removeOrphans(this.path, this.sidecars);
    this.gone = goneError(this.path, change, saved);
    throw this.gone;
  }

  serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  exec(sql: string, params: readonly Param[], rows: boolean): Row[] | number {
    const p = this.prepare(sql);
    const args = p.order.map((i) => params[i] ?? null);
    try {
      return retryBusy(() => (rows ? (p.stmt.all(...args) as Row[]) : p.stmt.run(...args).changes));
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) throw corruptError(this.path, e);
      throw readOnlyError(this.path, e) ?? e;
    }
  }

  private prepare(sql: string): Prepared {
    let p = this.cache.get(sql);
    if (!p) {
      const order: number[] = [];
      const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
        order.push(Number(n) - 1);
        return '?';
      });
      p = { stmt: this.db.prepare(text), order };
      this.cache.set(sql, p);
    }
    return p;
  }
}

const open = new Map<string, Connection>();
const NO_RETRY: TxInfo = { afterUnknownCommit: false };

function connect(path: string): Connection {
  if (path !== ':memory:') {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      throw readOnlyError(path, e) ?? new StudyError(`cannot create the folder of ${path} (${(e as Error).message}); pass a writable path`, 'storage-error');
    }
  }
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  } catch (e) {
    throw readOnlyError(path, e) ?? new StudyError(`cannot open ${path} as a SQLite database (${(e as Error).message}); pass a writable path`, 'storage-error');
  }
  try {
    // Read before anything writes: a file that is not a database (or is damaged) is refused
    // here, before WAL mode or a migration could touch it.
    const check = retryBusy(() => db.pragma('quick_check', { simple: true }));
    if (check !== 'ok') throw new Error(`integrity check: ${String(check)}`);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map(
      (r) => r.name,
    );
    if (tables.length > 0 && !tables.includes('schema_version')) {
      throw new StudyError(
        `${path} is a SQLite database of another program (tables: ${tables.slice(0, 5).join(', ')}); ` +
          'nasforge will not write into it: pass a new file with --storage sqlite:NEW_PATH',
        'invalid-storage',
      );
    }
    retryBusy(() => db.pragma('journal_mode = WAL'));
    db.pragma('synchronous = NORMAL'); // WAL + NORMAL: a killed process never loses a commit
    db.pragma('foreign_keys = ON');
  } catch (e) {
    db.close();
    if (e instanceof StudyError) throw e;
    const ro = readOnlyError(path, e);
    if (ro) throw ro;
    const code = (e as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT') || (e as Error).message.startsWith('integrity check')) {
      throw corruptError(path, e);
    }
    throw new StudyError(`cannot open ${path} (${(e as Error).message})`, 'storage-error');
  }
  return new Connection(db, path);
}

export class SqliteDb implements Db {
  readonly kind = 'sqlite' as const;
  readonly nowSql = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";
  /** a file never drops its connection */
  readonly reconnectedAt = null;
  private readonly direct: Sql;
  private closed = false;

  private constructor(private readonly conn: Connection) {
    this.direct = {
      all: async (sql, params = []) => conn.exec(sql, params, true) as Row[],
      run: async (sql, params = []) => conn.exec(sql, params, false) as number,
    };
  }

  get path(): string {
    return this.conn.path;
  }

  static open(path: string): SqliteDb {
    let conn = path === ':memory:' ? undefined : open.get(path);
    if (conn && (conn.gone || (conn.id && fileChange(path, conn.id)))) {
      // the file this process opened is gone from its path: never reuse (nor close) that connection
      open.delete(path);
      conn = undefined;
    }
    if (!conn) {
      conn = connect(path);
      if (path !== ':memory:') open.set(path, conn);
    }
    conn.refs++;
    return new SqliteDb(conn);
  }

  all(sql: string, params: readonly Param[] = []): Promise<Row[]> {
    return this.conn.serial(() => {
      if (this.conn.gone) throw this.conn.gone;
      return this.direct.all(sql, params);
    });
  }

  run(sql: string, params: readonly Param[] = []): Promise<number> {
    return this.conn.serial(() => {
      this.conn.checkFile();
      return this.direct.run(sql, params);
    });
  }

  transaction<T>(_lock: Lock, fn: (tx: Sql, info: TxInfo) => Promise<T>): Promise<T> {
    const db = this.conn.db;
    return this.conn.serial(async () => {
      this.conn.checkFile();
      try {
        retryBusy(() => db.exec('BEGIN IMMEDIATE'));
      } catch (e) {
        throw readOnlyError(this.conn.path, e) ?? e;
      }
      try {
        const out = await fn(this.direct, NO_RETRY);
        retryBusy(() => db.exec('COMMIT'));
        return out;
      } catch (e) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw e;
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const conn = this.conn;
    await conn.serial(async () => {
      if (--conn.refs > 0) return;
      if (open.get(conn.path) === conn) open.delete(conn.path);
      // A connection whose file is gone is left open until the process exits: closing it would
      // checkpoint and delete `<path>-wal` by name, which may belong to the file now there.
      const moved = conn.gone !== null || (conn.id !== null && fileChange(conn.path, conn.id) !== null);
      if (conn.db.open && !moved) conn.db.close();
    });
  }
}

/**
 * Runs `fn`, retrying while the database is busy: the busy timeout covers most waits, but
 * SQLite returns BUSY at once in a few cases (a WAL recovery or checkpoint in another process).
 */
function retryBusy<T>(fn: () => T): T {
  const start = Date.now();
  for (let i = 0; ; i++) {
    try {
      return fn();
    } catch (e) {
      if (!isBusy(e)) throw e;
      if (Date.now() - start > BUSY_GIVE_UP_MS) {
        throw new StudyError(
          `the SQLite database stayed locked for over ${BUSY_GIVE_UP_MS / 1000} s (${(e as Error).message}); is another program holding a transaction open?`,
          'storage-error',
        );
      }
      sleepSync(Math.min(5 * (i + 1), 50));
    }
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
