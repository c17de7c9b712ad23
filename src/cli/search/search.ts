// `nasforge search` (run a study from a config file, in this process or in N worker processes)
// and `nasforge worker` (join a stored study from any machine): flags → runSearch /
// runStudyWorker → printing.
import { type SearchEvent, type SearchOutcome, loadSearchConfig, runSearch, runStudyWorker } from '../../search/index.js';
import { INTERRUPTED, UserError } from '../errors.js';
import { intFlag, numFlag } from '../flags.js';
import { interruptOnSignals } from './interrupt.js';
import { countsText, leaderboard } from './leaderboard.js';
import { storageFlag } from './storage-flag.js';

export interface SearchFlags {
  config: string;
  storage?: string;
  workers: string;
  study?: string;
  trials?: string;
  minutes?: string;
  seed?: string;
  threads?: string;
  json?: boolean;
}

export interface WorkerFlags {
  study: string;
  storage?: string;
  threads?: string;
  workdir?: string;
}

/** A log line on stderr; on a terminal it replaces a training progress bar being redrawn. */
export function logLine(line: string): void {
  process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

const printEvent = (e: SearchEvent): void => logLine(`${e.worker ? `[${e.worker}] ` : ''}${e.message}`);

async function trainingProgress(label: string, batchSize: number) {
  if (!process.stderr.isTTY) return undefined;
  const { progressBar } = await import('../../train/index.js');
  return progressBar(label, { unitsPerItem: batchSize, unit: 'img' });
}

export async function search(f: SearchFlags): Promise<void> {
  const config = await loadSearchConfig(f.config, {
    study: f.study,
    trials: f.trials === undefined ? undefined : intFlag('trials', f.trials, 1),
    minutes: f.minutes === undefined ? undefined : numFlag('minutes', f.minutes),
    seed: f.seed === undefined ? undefined : intFlag('seed', f.seed, 0),
  });
  const workers = intFlag('workers', f.workers, 1);
  const threads = f.threads === undefined ? undefined : intFlag('threads', f.threads, 1);
  const stop = interruptOnSignals(logLine);
  let out: SearchOutcome;
  try {
    const progress = config.evaluator.kind === 'train' && workers === 1 ? await trainingProgress('trial', config.evaluator.batchSize) : undefined;
    out = await runSearch(config, {
      storage: storageFlag(f.storage),
      workers,
      signal: stop.signal,
      onEvent: printEvent,
      file: f.config,
      ...(threads !== undefined ? { threads } : {}),
      ...(progress ? { progress } : {}),
    });
  } finally {
    stop.dispose();
  }
  if (out.interrupted) {
    throw new UserError(`interrupted; the study '${out.study}' is kept: re-run the same command to continue it`, INTERRUPTED);
  }
  printOutcome(out, Boolean(f.json));
}

export async function worker(f: WorkerFlags): Promise<void> {
  const threads = f.threads === undefined ? undefined : intFlag('threads', f.threads, 1);
  const stop = interruptOnSignals(logLine);
  try {
    const label = `pid ${process.pid}`;
    const out = await runStudyWorker({
      storage: storageFlag(f.storage),
      study: f.study,
      signal: stop.signal,
      label,
      onEvent: printEvent,
      ...(threads !== undefined ? { threads } : {}),
      ...(f.workdir ? { workdirRoot: f.workdir } : {}),
    });
    logLine(`[${label}] worker done: ${out.completed} complete, ${out.failed} failed, ${out.pruned} pruned`);
    if (out.interrupted) throw new UserError('worker interrupted; its trial went back to the queue', INTERRUPTED);
  } finally {
    stop.dispose();
  }
}

function printOutcome(out: SearchOutcome, json: boolean): void {
  const best = out.best;
  const c = out.config;
  if (json) {
    console.log(
      JSON.stringify({
        study: out.study,
        storage: out.storage,
        space: c.space,
        stack: c.stack,
        dataset: c.dataset,
        counts: out.counts,
        best: best
          ? { number: best.number, key: best.key, genotype: best.genotype, metrics: best.metrics, score: best.score, artifacts: best.artifacts }
          : null,
      }),
    );
    return;
  }
  console.log(`study '${out.study}': ${countsText(out.counts)}`);
  console.log(leaderboard(out.trials, out.objective));
  if (best) {
    const value = best.metrics?.[out.objective.metric];
    console.log(
      `best: trial ${best.number}, ${out.objective.metric} ${value === undefined ? '-' : Number(value.toFixed(4))} (score ${Number(best.score!.toFixed(4))}); its genotype:`,
    );
    console.log(JSON.stringify(best.genotype));
  }
}
