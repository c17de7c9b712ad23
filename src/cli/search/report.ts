// `nasforge status`, `best`, `trials` and `export`: reading a study back from its storage.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Json } from '../../util/index.js';
import { type Objective } from '../../strategies/index.js';
import { type Storage, type StudyRecord, type Trial } from '../../study/index.js';
import { UserError } from '../errors.js';
import { intFlag } from '../flags.js';
import { countsText, leaderboard, ranked, stateCounts } from './leaderboard.js';
import { objectiveOf } from './objective.js';
import { storageUrl, withStorage } from './storage.js';

export interface StudyFlags { study?: string; storage?: string; json?: boolean }

/** The study named by --study, or the only study in the storage. */
export async function pickStudy(storage: Storage, name?: string): Promise<StudyRecord> {
  if (name !== undefined) {
    const s = await storage.getStudy(name);
    if (s) return s;
    await storage.trials(name); // throws 'unknown-study' with the names there
  }
  const all = await storage.listStudies();
  if (all.length === 1) return all[0]!;
  throw new UserError(all.length === 0
    ? `no studies in ${storage.url}; run \`nasforge search --config FILE\` first, or pass --storage`
    : `${storage.url} holds ${all.length} studies (${all.map((s) => s.name).join(', ')}); name one with --study`);
}

/** A metric for reading: four decimals at most. */
const round = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : String(Number(v.toFixed(4))));

function configField(record: StudyRecord, field: string): Json | undefined {
  const c = record.config;
  return c !== null && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, Json>)[field] : undefined;
}

export function studyObjective(record: StudyRecord): Objective {
  return objectiveOf(configField(record, 'objective') ?? 'accuracy');
}

/** A trial as scripts read it. */
export function trialJson(t: Trial): Record<string, unknown> {
  return {
    number: t.number, state: t.state, key: t.key, genotype: t.genotype, metrics: t.metrics, score: t.score, error: t.error,
    attempts: t.attempts, worker: t.worker, fidelity: t.fidelity, bracket: t.bracket, rung: t.rung, parent: t.parent, artifacts: t.artifacts,
    createdAt: t.createdAt, startedAt: t.startedAt, finishedAt: t.finishedAt,
  };
}

function bestOf(trials: readonly Trial[], study: string): Trial {
  const best = ranked(trials)[0];
  if (!best) throw new UserError(`study '${study}' has no complete trial yet (${countsText(stateCounts(trials))})`);
  return best;
}

export function status(f: StudyFlags): Promise<void> {
  return withStorage(storageUrl(f.storage), async (storage) => {
    const s = await pickStudy(storage, f.study);
    const trials = await storage.trials(s.name);
    const counts = stateCounts(trials);
    const budget = configField(s, 'budget') as { trials?: number; minutes?: number } | undefined;
    const minutes = (Date.now() - s.createdAt) / 60000;
    const best = ranked(trials)[0];
    const failures = trials.filter((t) => t.state === 'failed').map((t) => ({ number: t.number, error: t.error }));
    const running = trials.filter((t) => t.state === 'running').map((t) => ({
      number: t.number, worker: t.worker, heartbeatSecondsAgo: t.heartbeatAt === null ? null : Math.round((Date.now() - t.heartbeatAt) / 1000),
    }));
    if (f.json) {
      console.log(JSON.stringify({
        study: s.name, storage: storage.url, createdAt: s.createdAt, config: s.config, counts, budget: budget ?? null,
        minutesSinceStart: minutes, best: best ? trialJson(best) : null, running, failures,
      }));
      return;
    }
    const objective = studyObjective(s);
    console.log(`study '${s.name}' in ${storage.url}, started ${new Date(s.createdAt).toISOString().replace('T', ' ').slice(0, 19)} UTC`);
    console.log(`space ${String(configField(s, 'space'))}, strategy ${JSON.stringify(configField(s, 'strategy'))}, objective ${JSON.stringify(configField(s, 'objective'))}`);
    const done = counts.complete! + counts.failed! + counts.pruned!;
    console.log(`trials: ${countsText(counts)}; ${done} of ${budget?.trials ?? '?'} finished; ${minutes.toFixed(1)} minutes since the start${budget?.minutes ? ` (budget ${budget.minutes})` : ''}`);
    console.log(best ? `best so far: trial ${best.number}, ${objective.metric} ${round(best.metrics?.[objective.metric])} (score ${round(best.score)}), ${best.key}` : 'best so far: none');
    for (const r of running) console.log(`running: trial ${r.number} on ${r.worker}, last heartbeat ${r.heartbeatSecondsAgo ?? '?'} s ago`);
    for (const x of failures) console.log(`failed: trial ${x.number}: ${x.error}`);
  });
}

export function best(f: StudyFlags): Promise<void> {
  return withStorage(storageUrl(f.storage), async (storage) => {
    const s = await pickStudy(storage, f.study);
    const best = bestOf(await storage.trials(s.name), s.name);
    if (f.json) {
      // space, search stack and data set too, so the document retrains as `retrain --study` does
      console.log(JSON.stringify({
        study: s.name, space: configField(s, 'space') ?? null, stack: configField(s, 'stack') ?? null, dataset: configField(s, 'dataset') ?? null,
        ...trialJson(best),
      }));
      return;
    }
    const objective = studyObjective(s);
    console.log(`study '${s.name}': best is trial ${best.number} (${objective.metric} ${round(best.metrics?.[objective.metric])}, score ${round(best.score)})`);
    console.log(`metrics: ${Object.entries(best.metrics ?? {}).map(([k, v]) => `${k} ${round(v)}`).join(', ')}`);
    for (const [k, v] of Object.entries(best.artifacts)) console.log(`${k}: ${v}`);
    console.log(`key: ${best.key}`);
    console.log(JSON.stringify(best.genotype, null, 2));
  });
}

export function trials(f: StudyFlags): Promise<void> {
  return withStorage(storageUrl(f.storage), async (storage) => {
    const s = await pickStudy(storage, f.study);
    const trials = await storage.trials(s.name);
    if (f.json) {
      console.log(JSON.stringify(trials.map(trialJson)));
      return;
    }
    const objective = studyObjective(s);
    // multi-fidelity studies: each trial's budget, and the trial it was promoted from
    const fidelity = trials.some((t) => t.fidelity !== null);
    const rows = trials.map((t) => [String(t.number), t.state, t.score === null ? '-' : t.score.toFixed(2),
      t.metrics?.[objective.metric] === undefined ? '-' : String(Number(t.metrics[objective.metric]!.toFixed(4))), String(t.attempts),
      ...(fidelity ? [round(t.fidelity), t.parent === null ? '-' : String(t.parent)] : []),
      t.state === 'failed' ? `${t.key}  (${t.error ?? ''})` : t.key]);
    const header = ['trial', 'state', 'score', objective.metric, 'attempts', ...(fidelity ? ['fidelity', 'from'] : []), 'key'];
    const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
    for (const r of [header, ...rows]) console.log(r.map((c, j) => (j === r.length - 1 ? c : c.padEnd(widths[j]! + 2))).join(''));
    console.log(`${countsText(stateCounts(trials))}`);
  });
}

export function exportTrial(f: StudyFlags & { out: string; trial?: string }): Promise<void> {
  return withStorage(storageUrl(f.storage), async (storage) => {
    const s = await pickStudy(storage, f.study);
    const trials = await storage.trials(s.name);
    let t: Trial;
    if (f.trial !== undefined) {
      const n = intFlag('trial', f.trial, 0);
      const hit = trials.find((x) => x.number === n);
      if (!hit) throw new UserError(`study '${s.name}' has no trial ${n}; its trials are 0..${trials.length - 1}`);
      t = hit;
    } else {
      t = bestOf(trials, s.name);
    }
    const dir = resolve(f.out);
    mkdirSync(dir, { recursive: true });
    const files = [join(dir, 'genotype.json')];
    writeFileSync(files[0]!, `${JSON.stringify({
      study: s.name, trial: t.number, space: configField(s, 'space') ?? null, stack: configField(s, 'stack') ?? null,
      dataset: configField(s, 'dataset') ?? null, key: t.key, genotype: t.genotype, metrics: t.metrics, score: t.score,
    }, null, 2)}\n`);
    const weights = t.artifacts.weights;
    if (weights && existsSync(weights)) {
      files.push(join(dir, 'weights.safetensors'));
      copyFileSync(weights, files[1]!);
    }
    if (f.json) console.log(JSON.stringify({ study: s.name, trial: t.number, files }));
    else for (const file of files) console.log(file);
    if (!weights) process.stderr.write(`trial ${t.number} has no trained weights (a table lookup trains none); retrain it with \`nasforge retrain\`\n`);
  });
}
