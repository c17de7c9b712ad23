// Removing a study: its records in the storage and its trials' folders (checkpoints, weights),
// so that a new study under the same name never resumes an old trial's checkpoint.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Storage } from '../study/index.js';
import { pickStudy } from './read.js';
import { type StorageLike, withStorage } from './storage.js';

export interface DeleteStudyRequest {
  readonly storage?: StorageLike;
  readonly study: string;
  /** where the study's trial folders are (default: the storage's) */
  readonly workdirRoot?: string;
}

export interface DeleteStudyResult {
  readonly study: string;
  readonly trials: number;
  /** the folder of its trials, removed */
  readonly workdir: string;
}

/** The folder that holds a study's trial folders. */
export function studyWorkdir(storage: Storage, study: string, workdirRoot?: string): string {
  return join(workdirRoot ?? storage.defaultWorkdirRoot, study);
}

export function deleteStudy(r: DeleteStudyRequest): Promise<DeleteStudyResult> {
  return withStorage(
    r.storage,
    async (storage) => {
      const s = await pickStudy(storage, r.study);
      const trials = (await storage.trials(s.name)).length;
      await storage.deleteStudy(s.name);
      const workdir = studyWorkdir(storage, s.name, r.workdirRoot);
      rmSync(workdir, { recursive: true, force: true });
      return { study: s.name, trials, workdir };
    },
    { mustExist: true },
  );
}
