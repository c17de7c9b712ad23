// `nasforge search` (run a study from a config file, in this process or in N worker processes)
// and `nasforge worker` (join a stored study from any machine).
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { type Json } from '../../util/index.js';
import { RUN_SETTINGS, type Storage, type StudyDefinition, configDifferences, runWorker } from '../../study/index.js';
import { UserError } from '../errors.js';
import { intFlag, numFlag } from '../flags.js';
import { type SearchConfig, loadSearchConfig, resolveConfig } from './config.js';
import { buildEvaluator, describeEvaluator, studyDefinition } from './definition.js';
import { interruptOnSignals } from './interrupt.js';
import { countsText, leaderboard, ranked, stateCounts } from './leaderboard.js';
import { ONESHOT_NAMES } from './methods.js';
import { runOneShotSearch } from './oneshot-search.js';
import { storageUrl, withStorage } from './storage.js';

export interface SearchFlags {
  config: string; storage?: string; workers: string; study?: string; trials?: string; minutes?: string; seed?: string;
  threads?: string; json?: boolean;
}

export interface WorkerFlags { study: string; storage?: string; threads?: string; workdir?: string }

const log = (line: string): void => {
  // on a terminal the line replaces a training progress bar being redrawn
  process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${new Date().toISOString().slice(11, 19)} ${line}\n`);
};

/** Exit code of a search stopped by SIGINT (128 + 2, as a shell reports it). */
const INTERRUPTED = 130;

export async function search(f: SearchFlags): Promise<void> {
  const config = await loadSearchConfig(f.config, {
    study: f.study, trials: f.trials === undefined ? undefined : intFlag('trials', f.trials, 1),
    minutes: f.minutes === undefined ? undefined : numFlag('minutes', f.minutes), seed: f.seed === undefined ? undefined : intFlag('seed', f.seed, 0),
  });
  const workers = intFlag('workers', f.workers, 1);
  const threads = f.threads === undefined ? undefined : intFlag('threads', f.threads, 1);
  const url = storageUrl(f.storage);
  await withStorage(url, async (storage) => {
    const before = await storage.getStudy(config.study);
    const record = await storage.ensureStudy(config.study, config as unknown as Json, { settings: RUN_SETTINGS });
    const changed = before ? configDifferences(before.config, record.config) : [];
    if (changed.length > 0) {
      const show = (v: Json | undefined): string => (v === undefined ? '(none)' : JSON.stringify(v));
      log(`study '${config.study}' continues with new run settings: ${changed.map((d) => `${d.path} ${show(d.stored)} → ${show(d.given)}`).join(', ')}`);
    }
    log(`study '${config.study}' in ${storage.url}: space ${config.space}, strategy ${config.strategy.name}, `
      + `budget ${config.budget.trials} trials${config.budget.minutes ? ` or ${config.budget.minutes} minutes` : ''}, seed ${config.seed}`
      + `${config.scheduler ? `, ${config.scheduler.name} scheduler over ${config.scheduler.minEpochs}-${config.scheduler.maxEpochs} epochs` : ''}`);
    const stop = interruptOnSignals(log);
    try {
      if (ONESHOT_NAMES.includes(config.strategy.name)) {
        const out = await runOneShotSearch(storage, config, stop.signal, log);
        if (out === 'interrupted') throw new UserError('interrupted; re-run the same command to resume the supernet from its checkpoint', INTERRUPTED);
      } else {
        log(describeEvaluator(config));
        if (workers === 1) await work(storage, config, studyDefinition(config), stop.signal, threads);
        else await searchInWorkers(url, storage, config, workers, threads ?? availableParallelism(), stop.signal);
        if (stop.signal.aborted) throw new UserError(`interrupted; the study '${config.study}' is kept: re-run the same command to continue it`, INTERRUPTED);
      }
    } finally {
      stop.dispose();
    }
    await printResult(storage, config, studyDefinition(config), Boolean(f.json));
  });
}

export async function worker(f: WorkerFlags): Promise<void> {
  const threads = f.threads === undefined ? undefined : intFlag('threads', f.threads, 1);
  await withStorage(storageUrl(f.storage), async (storage) => {
    const stored = await storage.getStudy(f.study);
    if (!stored) await storage.trials(f.study); // throws 'unknown-study' naming the studies there
    const config = await resolveConfig(stored!.config, { file: `the stored config of study '${f.study}'` });
    const def = studyDefinition(config, stored!.config);
    const stop = interruptOnSignals(log);
    const prefix = `[pid ${process.pid}] `;
    try {
      const summary = await work(storage, config, def, stop.signal, threads, f.workdir, prefix);
      log(`${prefix}worker done: ${summary.completed} complete, ${summary.failed} failed, ${summary.pruned} pruned`);
    } finally {
      stop.dispose();
    }
    if (stop.signal.aborted) throw new UserError('worker interrupted; its trial went back to the queue', INTERRUPTED);
  });
}

async function work(storage: Storage, config: SearchConfig, def: StudyDefinition, signal: AbortSignal, threads: number | undefined, workdirRoot?: string, prefix = '') {
  const torch = await import('../../torch/index.js');
  if (threads !== undefined) torch.setNumThreads(threads);
  let progress;
  if (config.evaluator.kind === 'train' && process.stderr.isTTY) {
    const { progressBar } = await import('../../train/index.js');
    progress = progressBar('trial', { unitsPerItem: config.evaluator.batchSize, unit: 'img' });
  }
  const evaluate = await buildEvaluator(config, def.space, { progress });
  return runWorker(storage, def, evaluate, { signal, log: (line) => log(`${prefix}${line}`), ...(workdirRoot ? { workdirRoot } : {}) });
}

/** N `nasforge worker` processes on this study; each gets its share of the threads. */
async function searchInWorkers(url: string, storage: Storage, config: SearchConfig, n: number, threads: number, signal: AbortSignal): Promise<void> {
  // the data set or table is read once here, so a missing file stops the search before any worker starts
  await buildEvaluator(config, studyDefinition(config).space);
  const each = Math.max(1, Math.floor(threads / n));
  const script = process.argv[1]!;
  // the URL goes through the environment: a PostgreSQL password stays out of process listings
  const env = { ...process.env, NASFORGE_STORAGE: storage.kind === 'sqlite' ? storage.url : url };
  log(`starting ${n} worker processes with ${each} thread${each === 1 ? '' : 's'} each`);
  const children = Array.from({ length: n }, () => spawn(process.execPath, [script, 'worker', '--study', config.study, '--threads', String(each)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env }));
  const forward = (): void => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGINT');
  };
  signal.addEventListener('abort', forward, { once: true });
  const codes = await Promise.all(children.map((c) => new Promise<number | null>((done) => {
    c.on('exit', (code) => done(code));
    c.on('error', (e) => {
      log(`a worker process could not start: ${e.message}`);
      done(1);
    });
  })));
  signal.removeEventListener('abort', forward);
  const bad = codes.filter((c) => c !== 0 && c !== INTERRUPTED);
  if (bad.length > 0 && !signal.aborted) throw new UserError(`${bad.length} of ${n} worker processes failed (exit codes ${bad.join(', ')}); their messages are above`, 1);
}

async function printResult(storage: Storage, config: SearchConfig, def: StudyDefinition, json: boolean): Promise<void> {
  const trials = await storage.trials(config.study);
  const best = ranked(trials)[0];
  const counts = stateCounts(trials);
  if (json) {
    console.log(JSON.stringify({
      study: config.study, storage: storage.url, space: config.space, stack: config.stack, dataset: config.dataset, counts,
      best: best ? { number: best.number, key: best.key, genotype: best.genotype, metrics: best.metrics, score: best.score, artifacts: best.artifacts } : null,
    }));
    return;
  }
  console.log(`study '${config.study}': ${countsText(counts)}`);
  console.log(leaderboard(trials, def.objective));
  if (best) {
    const value = best.metrics?.[def.objective.metric];
    console.log(`best: trial ${best.number}, ${def.objective.metric} ${value === undefined ? '-' : Number(value.toFixed(4))} (score ${Number(best.score!.toFixed(4))}); its genotype:`);
    console.log(JSON.stringify(best.genotype));
  }
}
