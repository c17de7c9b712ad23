// The read side of a study, as data: its status, its trials, its best trial. The CLI prints
// these; a dashboard or a user's script reads them the same way.
import { type Objective } from '../strategies/index.js';
import { type Storage, type StudyRecord, type Trial, type TrialState } from '../study/index.js';
import { type Json } from '../util/index.js';
import { SearchError } from './errors.js';
import { objectiveOf } from './objective.js';
import { type StorageLike, withStorage } from './storage.js';

export interface StudyQuery {
  /** default: $NASFORGE_STORAGE, else sqlite:nasforge.db */
  readonly storage?: StorageLike;
  /** default: the only study in the storage */
  readonly study?: string;
}

/** The study named `name`, or the only study in the storage. */
export async function pickStudy(storage: Storage, name?: string): Promise<StudyRecord> {
  if (name !== undefined) {
    const s = await storage.getStudy(name);
    if (s) return s;
    await storage.trials(name); // throws 'unknown-study' with the names there
  }
  const all = await storage.listStudies();
  if (all.length === 1) return all[0]!;
  throw new SearchError(
    all.length === 0
      ? `no studies in ${storage.url}; run \`nasforge search --config FILE\` first, or name another storage`
      : `${storage.url} holds ${all.length} studies (${all.map((s) => s.name).join(', ')}); name one (--study)`,
    'no-study',
  );
}

/**
 * Complete trials, best first (ties: the earlier trial). In a multi-fidelity study a trial
 * trained longer ranks above one trained less (scores at different budgets do not compare; the
 * top rung's are the fully trained networks): by fidelity first, then score.
 */
export function ranked(trials: readonly Trial[]): Trial[] {
  const budget = (t: Trial): number => t.fidelity ?? Number.POSITIVE_INFINITY;
  return trials
    .filter((t) => t.state === 'complete' && t.score !== null)
    .sort((a, b) => (budget(a) === budget(b) ? 0 : budget(b) - budget(a)) || b.score! - a.score! || a.number - b.number);
}

export type StateCounts = Record<TrialState, number>;

/** Trial counts by state. */
export function stateCounts(trials: readonly Trial[]): StateCounts {
  const out: StateCounts = { complete: 0, failed: 0, pruned: 0, running: 0, queued: 0 };
  for (const t of trials) out[t.state]++;
  return out;
}

/** A top-level field of a study's stored config. */
export function configField(record: StudyRecord, field: string): Json | undefined {
  const c = record.config;
  return c !== null && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, Json>)[field] : undefined;
}

export function studyObjective(record: StudyRecord): Objective {
  return objectiveOf(configField(record, 'objective') ?? 'accuracy');
}

/** A trial as scripts read it (`trials --json`, `best --json`). */
export function trialJson(t: Trial): Record<string, unknown> {
  return {
    number: t.number,
    state: t.state,
    key: t.key,
    genotype: t.genotype,
    metrics: t.metrics,
    score: t.score,
    error: t.error,
    failure: t.failure,
    attempts: t.attempts,
    progress: t.progress,
    deaths: t.deaths,
    crashes: t.crashes,
    worker: t.worker,
    fidelity: t.fidelity,
    bracket: t.bracket,
    rung: t.rung,
    parent: t.parent,
    artifacts: t.artifacts,
    createdAt: t.createdAt,
    startedAt: t.startedAt,
    finishedAt: t.finishedAt,
  };
}

export interface RunningTrial {
  readonly number: number;
  readonly worker: string | null;
  readonly heartbeatSecondsAgo: number | null;
}

export interface StudyStatus {
  readonly study: StudyRecord;
  /** the storage's URL, password removed */
  readonly storage: string;
  readonly trials: readonly Trial[];
  readonly counts: StateCounts;
  readonly budget: { readonly trials?: number | null; readonly minutes?: number } | null;
  readonly minutesSinceStart: number;
  readonly objective: Objective;
  readonly best: Trial | null;
  readonly running: readonly RunningTrial[];
  readonly failed: readonly Trial[];
}

/** Where a study stands: counts by state, budget used, the best so far, running and failed trials. */
export function studyStatus(q: StudyQuery = {}): Promise<StudyStatus> {
  return withStorage(
    q.storage,
    async (storage) => {
      const study = await pickStudy(storage, q.study);
      const trials = await storage.trials(study.name);
      const now = Date.now();
      return {
        study,
        storage: storage.url,
        trials,
        counts: stateCounts(trials),
        budget: (configField(study, 'budget') as StudyStatus['budget'] | undefined) ?? null,
        minutesSinceStart: (now - study.createdAt) / 60000,
        objective: studyObjective(study),
        best: ranked(trials)[0] ?? null,
        running: trials
          .filter((t) => t.state === 'running')
          .map((t) => ({
            number: t.number,
            worker: t.worker,
            heartbeatSecondsAgo: t.heartbeatAt === null ? null : Math.round((now - t.heartbeatAt) / 1000),
          })),
        failed: trials.filter((t) => t.state === 'failed'),
      };
    },
    { mustExist: true },
  );
}

/** Every trial of a study, by number. */
export function studyTrials(q: StudyQuery = {}): Promise<{ study: StudyRecord; storage: string; trials: Trial[] }> {
  return withStorage(
    q.storage,
    async (storage) => {
      const study = await pickStudy(storage, q.study);
      return { study, storage: storage.url, trials: await storage.trials(study.name) };
    },
    { mustExist: true },
  );
}

/** The best complete trial (or trial `number`); SearchError when there is none. */
export function studyBest(q: StudyQuery & { readonly trial?: number } = {}): Promise<{ study: StudyRecord; storage: string; trial: Trial }> {
  return withStorage(
    q.storage,
    async (storage) => {
      const study = await pickStudy(storage, q.study);
      const trials = await storage.trials(study.name);
      return { study, storage: storage.url, trial: chooseTrial(study, trials, q.trial) };
    },
    { mustExist: true },
  );
}

/** Trial `number`, or the best complete trial when `number` is undefined. */
export function chooseTrial(study: StudyRecord, trials: readonly Trial[], number?: number): Trial {
  if (number !== undefined) {
    const hit = trials.find((t) => t.number === number);
    if (!hit) {
      throw new SearchError(
        `study '${study.name}' has no trial ${number}; ${trials.length ? `its trials are 0..${trials.length - 1}` : 'it has no trials yet'}`,
        'unknown-trial',
      );
    }
    return hit;
  }
  const best = ranked(trials)[0];
  if (!best) {
    const c = stateCounts(trials);
    const counts =
      Object.entries(c)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ') || 'no trials';
    throw new SearchError(`study '${study.name}' has no complete trial yet (${counts})`, 'no-complete-trial');
  }
  return best;
}
