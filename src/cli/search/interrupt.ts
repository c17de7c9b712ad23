// Stopping a search cleanly: SIGINT or SIGTERM (or, in a worker process, its parent going away)
// aborts a signal; the running trial checkpoints and goes back to the queue.
export interface Interrupt {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function interruptOnSignals(log: (line: string) => void): Interrupt {
  const c = new AbortController();
  const stop = (why: string) => (): void => {
    if (c.signal.aborted) return;
    log(`${why}: stopping; the running trial checkpoints and goes back to the queue (re-run the same command to continue)`);
    c.abort(new Error(why));
  };
  const onInt = stop('SIGINT');
  const onTerm = stop('SIGTERM');
  const onParentGone = stop('the search process went away');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  // a worker started by `nasforge search` has an IPC channel to it: when it closes, stop too
  if (process.send) process.on('disconnect', onParentGone);
  return {
    signal: c.signal,
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('disconnect', onParentGone);
    },
  };
}
