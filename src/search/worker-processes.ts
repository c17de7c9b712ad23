// N worker processes on one study, started by runSearch: each runs runStudyWorker with its
// share of the threads and sends its events and its end (done, or the error that stopped it)
// over the IPC channel. A worker killed from outside (a signal: SIGKILL, an out-of-memory kill)
// is replaced by a new one, whose claim re-queues the dead worker's trial at once: the search
// goes on and ends as if nothing happened. Workers that stop with an error stop the search.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NasforgeError } from '../util/index.js';
import { SearchError } from './errors.js';
import { type SearchEvent, type SearchEventSink, logTo } from './events.js';

/** Exit code of a worker stopped by SIGINT (128 + 2, as a shell reports it). */
export const WORKER_INTERRUPTED = 130;
/** replacements of killed workers before the search gives up (a machine killing every worker) */
const MAX_RESTARTS_PER_WORKER = 10;

/** What a worker process sends its parent. */
export type WorkerMessage =
  | { readonly kind: 'event'; readonly event: SearchEvent }
  | { readonly kind: 'error'; readonly name: string; readonly code: string | null; readonly message: string };

export interface WorkerArgs {
  readonly study: string;
  readonly threads: number;
  readonly workdirRoot?: string;
}

export interface WorkerProcessesOptions {
  /** the URL the workers open (with its password: it goes to them through the environment) */
  readonly url: string;
  readonly study: string;
  readonly workers: number;
  /** threads in all, split evenly */
  readonly threads: number;
  readonly signal: AbortSignal;
  readonly onEvent?: SearchEventSink;
  readonly workdirRoot?: string;
}

const ENTRY = fileURLToPath(new URL('./worker-process.js', import.meta.url));

export async function runWorkerProcesses(o: WorkerProcessesOptions): Promise<void> {
  const log = logTo(o.onEvent);
  const each = Math.max(1, Math.floor(o.threads / o.workers));
  const args: WorkerArgs = { study: o.study, threads: each, ...(o.workdirRoot ? { workdirRoot: o.workdirRoot } : {}) };
  // the URL goes through the environment: a PostgreSQL password stays out of process listings
  const env = { ...process.env, NASFORGE_STORAGE: o.url, NASFORGE_THREADS: String(each) };
  log(`starting ${o.workers} worker processes with ${each} thread${each === 1 ? '' : 's'} each`);
  const running = new Set<ChildProcess>();
  const errors: Error[] = [];
  let restarts = 0;

  const start = (): Promise<void> =>
    new Promise((done) => {
      const child = fork(ENTRY, [JSON.stringify(args)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env });
      running.add(child);
      let error: Error | null = null;
      child.on('message', (m: WorkerMessage) => {
        if (m.kind === 'event') o.onEvent?.(m.event);
        else if (m.kind === 'error') {
          // the worker's own error, as it was: a user's mistake stays one, a bug stays a bug
          error = m.code === null ? new Error(`worker process ${child.pid}: ${m.message}`) : new NasforgeError(m.message, m.code);
          error.name = m.name;
        }
      });
      let ended = false;
      const end = (code: number | null, signalName: NodeJS.Signals | null): void => {
        if (ended) return;
        ended = true;
        running.delete(child);
        if (error) errors.push(error);
        else if (code !== 0 && code !== WORKER_INTERRUPTED && !o.signal.aborted && errors.length === 0) {
          // killed from outside, or a crash without a word: a new worker takes its place
          const why = signalName ? `was killed (${signalName})` : `exited with code ${code}`;
          if (++restarts > MAX_RESTARTS_PER_WORKER * o.workers) {
            errors.push(
              new SearchError(
                `worker process ${child.pid} ${why}; ${restarts - 1} workers were replaced already, so the search stops (re-run it to continue)`,
                'workers-failed',
              ),
            );
          } else {
            log(`worker process ${child.pid} ${why}; starting another in its place (its trial resumes from its checkpoint)`);
            start().then(done, done);
            return;
          }
        }
        done();
      };
      child.on('exit', end);
      child.on('error', (e) => {
        errors.push(new SearchError(`a worker process could not start: ${e.message}`, 'workers-failed'));
        end(1, null);
      });
    });

  const forward = (): void => {
    for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGINT');
  };
  o.signal.addEventListener('abort', forward, { once: true });
  try {
    await Promise.all(Array.from({ length: o.workers }, start));
  } finally {
    o.signal.removeEventListener('abort', forward);
  }
  if (errors.length > 0) throw errors[0];
}
