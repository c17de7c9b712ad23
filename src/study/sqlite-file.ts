// The SQLite file under an open study: whether it is still the file at its path (a database
// deleted or replaced under a running search must stop it, after saving what the open
// connection still holds), whether it can be written, and whether it exists at all.
import { W_OK } from 'node:constants';
import { accessSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { didYouMean } from '../util/index.js';
import { StudyError } from './errors.js';

/** A file's identity: the same device and inode mean the same file, whatever its path. */
export interface FileId {
  readonly dev: number;
  readonly ino: number;
}

export function fileId(path: string): FileId | null {
  try {
    const s = statSync(path);
    return { dev: s.dev, ino: s.ino };
  } catch {
    return null;
  }
}

/** What became of the file opened as `id` at `path` (one stat: cheap enough for every write). */
export function fileChange(path: string, id: FileId): 'deleted' | 'replaced' | null {
  const now = fileId(path);
  if (now === null) return 'deleted';
  return now.dev === id.dev && now.ino === id.ino ? null : 'replaced';
}

/**
 * Copies what the open connection sees (the unlinked file and its write-ahead log) to a new
 * file beside `path` (else in the temporary folder); returns its path, or why it failed.
 */
export function saveRecovered(db: Database.Database, path: string): { file: string } | { error: string } {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const name = `${basename(path)}.recovered-${stamp}`;
  let last = '';
  for (const dir of [dirname(path), tmpdir()]) {
    const file = join(dir, name);
    try {
      mkdirSync(dir, { recursive: true });
      db.prepare('VACUUM INTO ?').run(file);
      return { file };
    } catch (e) {
      last = (e as Error).message;
    }
  }
  return { error: last };
}

/**
 * After a copy was saved: removes this connection's write-ahead log and shared-memory index
 * from beside `path` (only where they are still the files it opened). Left there, SQLite would
 * apply that log to whatever database is put at the path next, the recovered copy included.
 */
export function removeOrphans(_path: string, files: readonly (readonly [string, FileId | null])[]): void {
  for (const [file, id] of files) {
    if (id && fileChange(file, id) === null) rmSync(file, { force: true });
  }
}

export function goneError(path: string, change: 'deleted' | 'replaced', saved: { file: string } | { error: string }): StudyError {
  const what = change === 'deleted' ? 'was deleted' : 'was replaced by another file';
  const kept =
    'file' in saved
      ? `What this worker's connection still held (every trial recorded so far) is saved in ${saved.file}: ` +
        `to go on with the study, stop every nasforge using ${path}, move that file to ${path} and run again`
      : `Saving what this worker's connection still held failed (${saved.error}): copy it from a running process's view before it exits, or restore a backup`;
  return new StudyError(
    `the study database ${path} ${what} while this worker had it open, so nothing more is written (it would be lost). ${kept}`,
    'storage-gone',
  );
}

function writable(path: string): boolean {
  try {
    accessSync(path, W_OK);
    return true;
  } catch {
    return false;
  }
}

/** A StudyError('read-only') when `e` (from opening or writing `path`) means the file or its folder cannot be written; else null. */
export function readOnlyError(path: string, e: unknown): StudyError | null {
  const code = String((e as { code?: unknown }).code ?? '');
  const message = (e as Error).message;
  const dir = dirname(path);
  const fileRo = fileId(path) !== null && !writable(path);
  const dirRo = fileId(dir) !== null && !writable(dir);
  const denied =
    ['SQLITE_CANTOPEN', 'SQLITE_PERM', 'SQLITE_AUTH', 'EACCES', 'EPERM', 'EROFS'].some((c) => code.startsWith(c)) || code.startsWith('SQLITE_IOERR');
  if (!code.startsWith('SQLITE_READONLY') && !(denied && (fileRo || dirRo))) return null;
  const copy = 'or copy the database to a writable folder and pass --storage sqlite:COPY';
  if (fileRo || !dirRo) {
    return new StudyError(
      `the study database ${path} is read-only (${message}): nasforge writes to it to run a search or change a study (trials, heartbeats, schema upgrades). ` +
        `Make it writable (e.g. chmod u+w '${path}'), ${copy}`,
      'read-only',
    );
  }
  return new StudyError(
    `the folder ${dir} of the study database ${path} is read-only (${message}): SQLite keeps its -wal and -shm files beside the database, ` +
      `so the folder must be writable too. Make it writable (e.g. chmod u+w '${dir}'), ${copy}`,
    'read-only',
  );
}

/** StudyError('unknown-storage') for a SQLite path with no file (a read-only command never creates one). */
export function missingError(path: string): StudyError {
  const dir = dirname(path);
  let names: string[] | null = null;
  try {
    names = readdirSync(dir).filter((n) => /\.(db|sqlite3?)$/i.test(n));
  } catch {
    // no such folder either: said below
  }
  const hint =
    names === null
      ? ` (its folder ${dir} does not exist either)`
      : didYouMean(basename(path), names).replace(/^ Did/, '; did') || (names.length ? `; databases in ${dir}: ${names.join(', ')}` : '');
  const stop = hint.endsWith('?') ? '' : '.';
  return new StudyError(
    `no study database at ${path}${hint}${stop} Check the path given with --storage (or $NASFORGE_STORAGE), or run a search first to create one`,
    'unknown-storage',
  );
}
