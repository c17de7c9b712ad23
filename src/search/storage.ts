// Which study storage a call uses: a Storage the caller opened (left open), or a URL opened for
// the call and closed after it.
import { type Storage, openStorage } from '../study/index.js';

/** A storage URL (`sqlite:PATH`, `postgres://...`) or an open Storage. */
export type StorageLike = string | Storage;

/**
 * The storage when none is named: $NASFORGE_STORAGE, else the SQLite file `nasforge.db` in the
 * current directory (so `search`, `status` and `best` run from one folder share it).
 */
export function defaultStorageUrl(): string {
  return process.env.NASFORGE_STORAGE ?? 'sqlite:nasforge.db';
}

export interface WithStorageOptions {
  /** only open storage that exists (reading commands never create a database at a mistyped path) */
  readonly mustExist?: boolean;
}

/** Runs `fn` on the storage (the default when absent); a storage opened here is closed afterwards. */
export async function withStorage<T>(storage: StorageLike | undefined, fn: (s: Storage) => Promise<T>, o: WithStorageOptions = {}): Promise<T> {
  if (storage !== undefined && typeof storage !== 'string') return fn(storage);
  const opened = await openStorage(storage ?? defaultStorageUrl(), { mustExist: o.mustExist ?? false });
  try {
    return await fn(opened);
  } finally {
    await opened.close();
  }
}
