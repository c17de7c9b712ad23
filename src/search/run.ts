// runSearch: a config to a finished (or interrupted) study. The config is resolved and checked
// before the study is created or continued, then the study runs: a weight-sharing method trains
// its supernet in this process; a black-box strategy's trials run in this process or in N worker
// processes (each a `runStudyWorker`), which any number of other machines may join.
import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { type Objective } from '../strategies/index.js';
import { type ConfigDifference, RUN_SETTINGS, type Storage, type Trial, configDifferences, describeDifferences, runWorker } from '../study/index.js';
import { type ProgressSink } from '../train/index.js';
import { type Json } from '../util/index.js';
import { type SearchConfig, resolveConfig } from './config.js';
import { describeEvaluator } from './definition.js';
import { SearchError } from './errors.js';
import { type SearchEventSink, logTo } from './events.js';
import { studyWorkdir } from './manage.js';
import { isWeightSharing } from './methods.js';
import { runOneShotSearch } from './oneshot-search.js';
import { type PreparedSearch, prepareSearch } from './prepare.js';
import { type StateCounts, ranked, stateCounts } from './read.js';
import { type StorageLike, defaultStorageUrl, withStorage } from './storage.js';
import { runWorkerProcesses } from './worker-processes.js';

export interface RunSearchOptions {
  /** default: $NASFORGE_STORAGE, else sqlite:nasforge.db in the current folder */
  readonly storage?: StorageLike;
  /** worker processes on this machine (default 1: the trials run in this process) */
  readonly workers?: number;
  /** libtorch threads in all, split between the worker processes (default: every core) */
  readonly threads?: number;
  /** aborting it stops the search cleanly: the running trials checkpoint and go back to the queue */
  readonly signal?: AbortSignal;
  readonly onEvent?: SearchEventSink;
  /** where trial workdirs go (default: beside the SQLite file; ./nasforge-studies for PostgreSQL) */
  readonly workdirRoot?: string;
  /** per-batch progress of proxy training in this process (a bar on a terminal) */
  readonly progress?: ProgressSink;
  /** names the config in messages (its file) */
  readonly file?: string;
}

export interface SearchOutcome {
  readonly study: string;
  /** the storage's URL, password removed */
  readonly storage: string;
  readonly config: SearchConfig;
  /** the signal stopped the search: the study is kept, and running it again continues it */
  readonly interrupted: boolean;
  readonly trials: readonly Trial[];
  readonly counts: StateCounts;
  readonly objective: Objective;
  readonly best: Trial | null;
  /** run settings (budget, worker) that this run changed against the stored config */
  readonly changed: readonly ConfigDifference[];
}

const isRunSetting = (path: string): boolean => RUN_SETTINGS.some((k) => path === k || path.startsWith(`${k}.`));

/** Runs (or continues) the study a config describes; see RunSearchOptions. */
export async function runSearch(input: SearchConfig | Readonly<Record<string, unknown>>, o: RunSearchOptions = {}): Promise<SearchOutcome> {
  const config = await resolveConfig(input, o.file ? { file: o.file } : {});
  const workers = o.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new SearchError(`workers must be a whole number of at least 1, got ${workers}`, 'invalid-request');
  const log = logTo(o.onEvent);
  // everything that can be checked without running a trial, before the study is created
  const prepared = await prepareSearch(config, { progress: o.progress, ...(o.file ? { file: o.file } : {}) });
  return withStorage(o.storage, async (storage) => {
    const changed = await openStudyRecord(storage, config, log, o.workdirRoot);
    log(
      `study '${config.study}' in ${storage.url}: space ${config.space}, strategy ${config.strategy.name}, ` +
        `budget ${config.budget.trials === null ? 'no trial limit' : `${config.budget.trials} trials`}${config.budget.minutes ? ` or ${config.budget.minutes} minutes` : ''}, seed ${config.seed}` +
        `${config.scheduler ? `, ${config.scheduler.name} scheduler over ${config.scheduler.minEpochs}-${config.scheduler.maxEpochs} epochs` : ''}`,
    );
    const signal = o.signal ?? new AbortController().signal;
    let interrupted: boolean;
    if (isWeightSharing(config.strategy.name)) {
      interrupted = (await runOneShotSearch(storage, config, signal, log)) === 'interrupted';
    } else {
      log(describeEvaluator(config));
      if (workers === 1) {
        await runPrepared(storage, prepared, { ...o, signal });
      } else {
        await runWorkerProcesses({
          url: workerUrl(o.storage, storage),
          study: config.study,
          workers,
          threads: o.threads ?? availableParallelism(),
          signal,
          onEvent: o.onEvent,
          ...(o.workdirRoot ? { workdirRoot: o.workdirRoot } : {}),
        });
      }
      interrupted = signal.aborted;
    }
    const trials = await storage.trials(config.study);
    return {
      study: config.study,
      storage: storage.url,
      config,
      interrupted,
      trials,
      counts: stateCounts(trials),
      objective: prepared.definition.objective,
      best: ranked(trials)[0] ?? null,
      changed,
    };
  });
}

/** The URL worker processes open: the one given, or a SQLite storage's own (its path is absolute). */
function workerUrl(given: StorageLike | undefined, storage: Storage): string {
  if (typeof given === 'string') return storage.kind === 'sqlite' ? storage.url : given;
  if (given === undefined) return storage.kind === 'sqlite' ? storage.url : defaultStorageUrl();
  if (storage.kind === 'sqlite') return storage.url;
  throw new SearchError(
    'worker processes on PostgreSQL need the storage as a URL (its password reaches them through the environment): pass storage as a string',
    'invalid-request',
  );
}

/**
 * Creates the study or checks the stored config. Run settings may change (they are stored);
 * a study with no complete trial and none running takes a corrected config in full (its
 * earlier, failed trials are removed); otherwise a changed config is refused, naming the fields.
 */
async function openStudyRecord(storage: Storage, config: SearchConfig, log: (line: string) => void, workdirRoot?: string): Promise<ConfigDifference[]> {
  const given = config as unknown as Json;
  const before = await storage.getStudy(config.study);
  if (before) {
    const fixed = configDifferences(before.config, given).filter((d) => !isRunSetting(d.path));
    if (fixed.length > 0) {
      const trials = await storage.trials(config.study);
      if (!trials.some((t) => t.state === 'complete' || t.state === 'running')) {
        await storage.resetStudy(config.study, given);
        rmSync(studyWorkdir(storage, config.study, workdirRoot), { recursive: true, force: true });
        log(
          `study '${config.study}' had no complete trial, so it takes the corrected config (${describeDifferences(fixed)}); ` +
            `its ${trials.length} earlier trial${trials.length === 1 ? '' : 's'} were removed`,
        );
        return [];
      }
    }
  }
  const record = await storage.ensureStudy(config.study, given, { settings: RUN_SETTINGS });
  const changed = before ? configDifferences(before.config, record.config) : [];
  if (changed.length > 0) {
    const show = (v: Json | undefined): string => (v === undefined ? '(none)' : JSON.stringify(v));
    log(`study '${config.study}' continues with new run settings: ${changed.map((d) => `${d.path} ${show(d.stored)} → ${show(d.given)}`).join(', ')}`);
  }
  return changed;
}

export interface StudyWorkerOptions {
  readonly storage?: StorageLike;
  readonly study: string;
  /** libtorch threads of this worker (default: every core) */
  readonly threads?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: SearchEventSink;
  readonly workdirRoot?: string;
  readonly progress?: ProgressSink;
  /** this worker's name in the trials it holds (default: host:pid:random) */
  readonly worker?: string;
  /** names this worker in its log events (default: 'pid N') */
  readonly label?: string;
}

export interface StudyWorkerOutcome {
  readonly completed: number;
  readonly failed: number;
  readonly pruned: number;
  readonly interrupted: boolean;
}

/** Joins a stored study and works on it until its budget is used (what `nasforge worker` runs). */
export function runStudyWorker(o: StudyWorkerOptions): Promise<StudyWorkerOutcome> {
  return withStorage(
    o.storage,
    async (storage) => {
      const stored = await storage.getStudy(o.study);
      if (!stored) await storage.trials(o.study); // throws 'unknown-study' naming the studies there
      const config = await resolveConfig(stored!.config, { file: `the stored config of study '${o.study}'` });
      if (isWeightSharing(config.strategy.name)) {
        throw new SearchError(
          `study '${o.study}' is a weight-sharing search (${config.strategy.name}): it trains one supernet in the process that runs \`search\`, so there are no trials for another worker`,
          'invalid-request',
        );
      }
      const prepared = await prepareSearch(config, { progress: o.progress, stored: stored!.config as unknown as SearchConfig });
      const signal = o.signal ?? new AbortController().signal;
      const summary = await runPrepared(storage, prepared, { ...o, signal, label: o.label ?? `pid ${process.pid}` });
      return { ...summary, interrupted: signal.aborted };
    },
    { mustExist: true },
  );
}

interface RunPreparedOptions {
  readonly threads?: number;
  readonly signal: AbortSignal;
  readonly onEvent?: SearchEventSink;
  readonly workdirRoot?: string;
  readonly worker?: string;
  /** names this worker in its log events ('' in a search's own process) */
  readonly label?: string;
}

async function runPrepared(storage: Storage, p: PreparedSearch, o: RunPreparedOptions) {
  if (o.threads !== undefined) (await import('../torch/index.js')).setNumThreads(o.threads);
  return runWorker(storage, p.definition, p.evaluate, {
    signal: o.signal,
    log: logTo(o.onEvent, o.label ?? ''),
    ...(o.workdirRoot ? { workdirRoot: o.workdirRoot } : {}),
    ...(o.worker ? { worker: o.worker } : {}),
  });
}
