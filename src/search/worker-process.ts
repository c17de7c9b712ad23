// The entry of a worker process that runSearch forks: runStudyWorker on the study named in its
// argument, with the storage URL from $NASFORGE_STORAGE; events and the error that stopped it go
// to the parent over IPC. SIGINT, SIGTERM or the parent going away stop it cleanly (its trial
// checkpoints and goes back to the queue).
import { NasforgeError } from '../util/index.js';
import { type SearchEvent } from './events.js';
import { runStudyWorker } from './run.js';
import { WORKER_INTERRUPTED, type WorkerArgs, type WorkerMessage } from './worker-processes.js';

const send = (m: WorkerMessage): void => {
  if (process.connected) process.send?.(m);
};

async function main(): Promise<number> {
  const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
  const stop = new AbortController();
  const abort = (): void => stop.abort(new Error('stopped'));
  process.on('SIGINT', abort);
  process.on('SIGTERM', abort);
  process.on('disconnect', abort);
  const label = `pid ${process.pid}`;
  try {
    const out = await runStudyWorker({
      study: args.study,
      threads: args.threads,
      signal: stop.signal,
      label,
      onEvent: (event: SearchEvent) => send({ kind: 'event', event }),
      ...(args.workdirRoot ? { workdirRoot: args.workdirRoot } : {}),
    });
    send({
      kind: 'event',
      event: { type: 'log', worker: label, time: Date.now(), message: `worker done: ${out.completed} complete, ${out.failed} failed, ${out.pruned} pruned` },
    });
    return out.interrupted ? WORKER_INTERRUPTED : 0;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    send({ kind: 'error', name: err.name, code: e instanceof NasforgeError ? e.code : null, message: err.message });
    if (!(e instanceof NasforgeError)) process.stderr.write(`${err.stack}\n`);
    return e instanceof NasforgeError ? 2 : 1;
  }
}

main().then((code) => {
  process.exitCode = code;
  if (process.connected) process.disconnect();
});
