// Opening a study storage for a command: the default URL, errors turned into exit codes.
import { type Storage, StudyError, openStorage } from '../../study/index.js';
import { UserError } from '../errors.js';

/**
 * The storage when --storage is not given: $NASFORGE_STORAGE, else the SQLite file
 * `nasforge.db` in the current directory (so `search`, `status` and `best` run from one folder
 * share it).
 */
export function storageUrl(flag?: string): string {
  return flag ?? process.env.NASFORGE_STORAGE ?? 'sqlite:nasforge.db';
}

/** Exit codes: 2 for what the user named wrongly, 3 for a storage that cannot be used as it is. */
const STORAGE_EXIT: Readonly<Partial<Record<string, number>>> = {
  'unreachable': 3, 'corrupt-storage': 3, 'schema-too-new': 3, 'storage-error': 3, 'invalid-storage': 3,
};

/** A StudyError as the user sees it; other errors pass through. */
export function studyUserError(e: unknown): unknown {
  if (e instanceof StudyError) return new UserError(e.message, STORAGE_EXIT[e.code] ?? 2);
  return e;
}

/** Runs `fn` on the storage at `url`, closing it afterwards. */
export async function withStorage<T>(url: string, fn: (s: Storage) => Promise<T>): Promise<T> {
  let storage: Storage;
  try {
    storage = await openStorage(url);
  } catch (e) {
    throw studyUserError(e);
  }
  try {
    return await fn(storage);
  } catch (e) {
    throw studyUserError(e);
  } finally {
    await storage.close();
  }
}
