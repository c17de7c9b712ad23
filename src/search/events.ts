// What a running search tells its caller: log lines of the search and its workers. The CLI
// prints them; a library user (or a dashboard) may show, filter or store them.

export interface SearchLogEvent {
  readonly type: 'log';
  readonly message: string;
  /** the worker that wrote it ('' for the search itself) */
  readonly worker: string;
  /** ms since the epoch */
  readonly time: number;
}

export type SearchEvent = SearchLogEvent;

export type SearchEventSink = (event: SearchEvent) => void;

/** A log function that sends its lines to `sink` as events of `worker`. */
export function logTo(sink: SearchEventSink | undefined, worker = ''): (message: string) => void {
  return (message) => sink?.({ type: 'log', message, worker, time: Date.now() });
}
