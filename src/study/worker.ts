// The worker loop: claim a trial under the study's lock, evaluate it outside the lock, record
// its outcome, until the budget is used and nothing is left running. Any number of workers,
// in one process or on many machines, can run it on one study at once. A storage that cannot
// be used any more (StudyError 'unreachable', 'storage-gone', ...) ends the loop: runWorker
// rejects with it and the trial in progress keeps its checkpoint (see index.ts).
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { type SearcherCache, claimTrial } from './claim.js';
import { StudyError } from './errors.js';
import { hostIdentity } from './host.js';
import { SqlStorage, type Storage } from './storage.js';
import { runTrial } from './trial-run.js';
import { type Evaluate, type StudyDefinition } from './types.js';

export interface WorkerOptions {
  /** this worker's name in the trials it holds (default: host:pid:random) */
  readonly worker?: string;
  /** aborting it (e.g. on SIGINT) interrupts the running trial, puts it back in the queue and returns */
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  /** trial workdirs go to `<workdirRoot>/<study>/trial-<number>` (default: the storage's `defaultWorkdirRoot`) */
  readonly workdirRoot?: string;
}

export interface WorkerSummary {
  /** trials this worker evaluated, by outcome */
  readonly completed: number;
  readonly failed: number;
  readonly pruned: number;
}

/** heartbeats a running trial may miss before another worker takes it back */
export const STALE_BEATS = 3;
/** proposals drawn for a new architecture before a duplicate is accepted (the space is taken as exhausted) */
export const MAX_REASK = 20;
/**
 * Config fields a later run of a study may change: how long it runs (`budget`) and how workers
 * hold trials (`worker`: heartbeat, attempts). Everything else says what is searched.
 */
export const RUN_SETTINGS: readonly string[] = ['budget', 'worker'];

export function defaultWorkerName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export async function runWorker(storage: Storage, def: StudyDefinition, evaluate: Evaluate, opts: WorkerOptions = {}): Promise<WorkerSummary> {
  if (!(storage instanceof SqlStorage)) throw new StudyError('runWorker needs a storage made by openStorage', 'invalid-storage');
  const heartbeatSeconds = def.heartbeatSeconds ?? 5;
  const maxAttempts = def.maxAttempts ?? 3;
  if (!(heartbeatSeconds > 0)) throw new StudyError(`heartbeatSeconds must be > 0, got ${heartbeatSeconds}`, 'invalid-trial');
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1)) {
    throw new StudyError(`maxAttempts (charged deaths before a trial fails for good) must be a whole number ≥ 1, got ${maxAttempts}`, 'invalid-trial');
  }
  const worker = opts.worker ?? defaultWorkerName();
  const log = opts.log ?? (() => undefined);
  const heartbeatMs = heartbeatSeconds * 1000;
  const claimOptions = { worker, maxAttempts, staleMs: STALE_BEATS * heartbeatMs, maxReask: MAX_REASK, log, host: hostIdentity(), pid: process.pid };
  const runOptions = { worker, heartbeatMs, workdirRoot: opts.workdirRoot ?? storage.defaultWorkdirRoot, signal: opts.signal, log };
  const counts = { completed: 0, failed: 0, pruned: 0 };
  const cache: SearcherCache = { seq: -1, searcher: null };

  await storage.ensureStudy(def.name, def.config, { settings: def.settings ?? RUN_SETTINGS });
  while (!opts.signal?.aborted) {
    const claim = await claimTrial(storage, def, cache, claimOptions);
    if (claim.kind === 'done') break;
    if (claim.kind === 'wait') {
      // nothing to start until a trial running elsewhere finishes (the budget is used, or a
      // scheduler's rung is incomplete): a short poll (one small transaction) so that the
      // worker goes on soon after
      await sleep(Math.max(50, Math.min(heartbeatMs / 2, 250)), opts.signal);
      continue;
    }
    const outcome = await runTrial(storage, def, evaluate, claim.trial, runOptions);
    if (outcome === 'complete') counts.completed++;
    else if (outcome === 'failed') counts.failed++;
    else if (outcome === 'pruned') counts.pruned++;
    else if (outcome === 'interrupted') break;
  }
  return counts;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
