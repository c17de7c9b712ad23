// `nasforge status`, `best`, `trials` and `export`: a study read back through the search
// facade and printed.
import {
  configField,
  deleteStudy,
  exportTrial as exportStudyTrial,
  stateCounts,
  studyBest,
  studyObjective,
  studyStatus,
  studyTrials,
  trialJson,
} from '../../search/index.js';
import { UserError } from '../errors.js';
import { intFlag } from '../flags.js';
import { countsText } from './leaderboard.js';
import { storageFlag } from './storage-flag.js';

export interface StudyFlags {
  study?: string;
  storage?: string;
  json?: boolean;
}

/** A metric for reading: four decimals at most. */
const round = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : String(Number(v.toFixed(4))));

const query = (f: StudyFlags) => ({ storage: storageFlag(f.storage), ...(f.study !== undefined ? { study: f.study } : {}) });

export async function status(f: StudyFlags): Promise<void> {
  const s = await studyStatus(query(f));
  // failure: 'error' or 'diverged' (the trial failed by itself), 'crashed' (its worker died again and again at the same point)
  const failures = s.failed.map((t) => ({ number: t.number, failure: t.failure, error: t.error }));
  const resumed = s.trials
    .filter((t) => t.state !== 'failed' && t.deaths > 0)
    .map((t) => ({ number: t.number, state: t.state, deaths: t.deaths, crashes: t.crashes }));
  if (f.json) {
    console.log(
      JSON.stringify({
        study: s.study.name,
        storage: s.storage,
        createdAt: s.study.createdAt,
        config: s.study.config,
        counts: s.counts,
        budget: s.budget,
        minutesSinceStart: s.minutesSinceStart,
        best: s.best ? trialJson(s.best) : null,
        running: s.running,
        failures,
        resumed,
      }),
    );
    return;
  }
  const objective = s.objective;
  const budget = s.budget;
  console.log(`study '${s.study.name}' in ${s.storage}, started ${new Date(s.study.createdAt).toISOString().replace('T', ' ').slice(0, 19)} UTC`);
  console.log(
    `space ${String(configField(s.study, 'space'))}, strategy ${JSON.stringify(configField(s.study, 'strategy'))}, objective ${JSON.stringify(configField(s.study, 'objective'))}`,
  );
  const done = s.counts.complete + s.counts.failed + s.counts.pruned;
  console.log(
    `trials: ${countsText(s.counts)}; ${done}${budget?.trials === null ? '' : ` of ${budget?.trials ?? '?'}`} finished; ${s.minutesSinceStart.toFixed(1)} minutes since the start${budget?.minutes ? ` (budget ${budget.minutes})` : ''}`,
  );
  const best = s.best;
  console.log(
    best
      ? `best so far: trial ${best.number}, ${objective.metric} ${round(best.metrics?.[objective.metric])} (score ${round(best.score)}), ${best.key}`
      : 'best so far: none',
  );
  for (const r of s.running) console.log(`running: trial ${r.number} on ${r.worker}, last heartbeat ${r.heartbeatSecondsAgo ?? '?'} s ago`);
  const why = { error: 'its evaluation failed', diverged: 'its training diverged', crashed: 'it crashed its worker again and again' } as const;
  for (const x of failures) console.log(`failed: trial ${x.number} (${x.failure ? why[x.failure] : 'failed'}): ${x.error}`);
  for (const r of resumed) {
    console.log(
      `resumed: trial ${r.number} (${r.state}) after ${r.deaths} worker death${r.deaths === 1 ? '' : 's'}` +
        `${r.crashes ? `, ${r.crashes} of them at the same point (charged)` : ' (not its failure: none charged)'}`,
    );
  }
}

export async function best(f: StudyFlags): Promise<void> {
  const { study, trial } = await studyBest(query(f));
  if (f.json) {
    // space, search stack and data set too, so the document retrains as `retrain --study` does
    console.log(
      JSON.stringify({
        study: study.name,
        space: configField(study, 'space') ?? null,
        stack: configField(study, 'stack') ?? null,
        dataset: configField(study, 'dataset') ?? null,
        ...trialJson(trial),
      }),
    );
    return;
  }
  const objective = studyObjective(study);
  console.log(
    `study '${study.name}': best is trial ${trial.number} (${objective.metric} ${round(trial.metrics?.[objective.metric])}, score ${round(trial.score)})`,
  );
  console.log(
    `metrics: ${Object.entries(trial.metrics ?? {})
      .map(([k, v]) => `${k} ${round(v)}`)
      .join(', ')}`,
  );
  for (const [k, v] of Object.entries(trial.artifacts)) console.log(`${k}: ${v}`);
  console.log(`key: ${trial.key}`);
  console.log(JSON.stringify(trial.genotype, null, 2));
}

export async function trials(f: StudyFlags): Promise<void> {
  const { study, trials } = await studyTrials(query(f));
  if (f.json) {
    console.log(JSON.stringify(trials.map(trialJson)));
    return;
  }
  const objective = studyObjective(study);
  // multi-fidelity studies: each trial's budget, and the trial it was promoted from
  const fidelity = trials.some((t) => t.fidelity !== null);
  const rows = trials.map((t) => [
    String(t.number),
    t.state,
    t.score === null ? '-' : t.score.toFixed(2),
    t.metrics?.[objective.metric] === undefined ? '-' : String(Number(t.metrics[objective.metric]!.toFixed(4))),
    String(t.attempts),
    ...(fidelity ? [round(t.fidelity), t.parent === null ? '-' : String(t.parent)] : []),
    t.state === 'failed' ? `${t.key}  (${t.error ?? ''})` : t.key,
  ]);
  const header = ['trial', 'state', 'score', objective.metric, 'attempts', ...(fidelity ? ['fidelity', 'from'] : []), 'key'];
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  for (const r of [header, ...rows]) console.log(r.map((c, j) => (j === r.length - 1 ? c : c.padEnd(widths[j]! + 2))).join(''));
  console.log(`${countsText(stateCounts(trials))}`);
}

export async function exportTrial(f: StudyFlags & { out: string; trial?: string }): Promise<void> {
  const out = await exportStudyTrial({ ...query(f), out: f.out, ...(f.trial !== undefined ? { trial: intFlag('trial', f.trial, 0) } : {}) });
  if (f.json) console.log(JSON.stringify({ study: out.study, trial: out.trial, files: out.files }));
  else for (const file of out.files) console.log(file);
  if (!out.weights) process.stderr.write(`trial ${out.trial} has no trained weights (a table lookup trains none); retrain it with \`nasforge retrain\`\n`);
}

export async function removeStudy(f: StudyFlags & { study: string; yes?: boolean }): Promise<void> {
  if (!f.yes) {
    const { study, trials } = await studyTrials(query(f));
    throw new UserError(
      `this would delete study '${study.name}' with its ${trials.length} trials and their folders; nothing was deleted. Add --yes to delete it`,
    );
  }
  const out = await deleteStudy({ storage: storageFlag(f.storage), study: f.study });
  if (f.json) console.log(JSON.stringify(out));
  else console.log(`deleted study '${out.study}' (${out.trials} trials) and ${out.workdir}`);
}
