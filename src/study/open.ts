// openStorage: a storage URL to a ready Storage (connected, schema migrated).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Db } from './db.js';
import { StudyError } from './errors.js';
import { migrate } from './migrations.js';
import { PgDb } from './pg-db.js';
import { missingError } from './sqlite-file.js';
import { SqliteDb } from './sqlite-db.js';
import { SqlStorage, type Storage } from './storage.js';
import { parseStorageUrl, redactUrl } from './url.js';

export interface OpenOptions {
  /**
   * Refuse a SQLite path with no file (StudyError 'unknown-storage', naming the near .db files
   * of its folder) instead of creating one: for commands that only read a study.
   */
  readonly mustExist?: boolean;
  /** PostgreSQL: how long a lost connection is retried before StudyError('unreachable') (default 60 s) */
  readonly reconnectSeconds?: number;
  /** PostgreSQL: the time-out of one connection attempt (default 10 s) */
  readonly connectTimeoutSeconds?: number;
}

/**
 * Opens `sqlite:PATH` (the file is created if missing, unless `mustExist`; WAL mode) or
 * `postgres://...` / `postgresql://...` (no host: the local Unix socket, as libpq), and brings
 * its schema up to date. Errors are StudyErrors: 'invalid-url', 'unreachable' (PostgreSQL),
 * 'corrupt-storage' (the file is left untouched), 'read-only', 'unknown-storage',
 * 'schema-too-new', 'invalid-storage', 'storage-error'.
 */
export async function openStorage(url: string, o: OpenOptions = {}): Promise<Storage> {
  const parsed = parseStorageUrl(url);
  for (const k of ['reconnectSeconds', 'connectTimeoutSeconds'] as const) {
    const v = o[k];
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
      throw new StudyError(`openStorage: ${k} must be a number of seconds > 0, got ${String(v)}`, 'invalid-storage');
    }
  }
  let db: Db;
  let where: string;
  let root: string;
  if (parsed.kind === 'sqlite') {
    if (o.mustExist && parsed.path !== ':memory:' && !existsSync(parsed.path)) throw missingError(parsed.path);
    db = SqliteDb.open(parsed.path);
    where = parsed.path;
    root = parsed.path === ':memory:' ? resolve('nasforge-studies') : `${parsed.path}.studies`;
  } else {
    db = await PgDb.open(parsed.url, { reconnectSeconds: o.reconnectSeconds, connectTimeoutSeconds: o.connectTimeoutSeconds });
    where = redactUrl(parsed.url);
    root = resolve('nasforge-studies');
  }
  try {
    await migrate(db, where);
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
  return new SqlStorage(db, parsed.kind === 'sqlite' ? `sqlite:${parsed.path}` : redactUrl(parsed.url), root);
}
