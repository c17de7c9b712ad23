// openStorage: a storage URL to a ready Storage (connected, schema migrated).
import { resolve } from 'node:path';
import { type Db } from './db.js';
import { migrate } from './migrations.js';
import { PgDb } from './pg-db.js';
import { SqliteDb } from './sqlite-db.js';
import { SqlStorage, type Storage } from './storage.js';
import { parseStorageUrl, redactUrl } from './url.js';

/**
 * Opens `sqlite:PATH` (the file is created if missing; WAL mode) or `postgres://...` /
 * `postgresql://...`, and brings its schema up to date. Errors are StudyErrors: 'invalid-url',
 * 'unreachable' (PostgreSQL), 'corrupt-storage' (the file is left untouched),
 * 'schema-too-new', 'invalid-storage', 'storage-error'.
 */
export async function openStorage(url: string): Promise<Storage> {
  const parsed = parseStorageUrl(url);
  let db: Db;
  let where: string;
  let root: string;
  if (parsed.kind === 'sqlite') {
    db = SqliteDb.open(parsed.path);
    where = parsed.path;
    root = parsed.path === ':memory:' ? resolve('nasforge-studies') : `${parsed.path}.studies`;
  } else {
    db = await PgDb.open(parsed.url);
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
