// `nasforge search` as a user runs it, on the tabular evaluator with a little simulated training
// time: killed with SIGKILL at random points and re-run, stopped with SIGINT, spread over worker
// processes; and the commands that read a study back (trials, best, status, export, worker).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { openStorage } from '../../src/study/index.js';
import { loadTable } from '../../src/tabular/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const ENV = { ...process.env, NASFORGE_THREADS: '1' };

let haveTable = true;
try {
  loadTable('nas-bench-macro');
} catch {
  haveTable = false;
}
const skip = haveTable ? false : 'the NAS-Bench-Macro table is not in ../shared/data';

function setup(name: string, config: object): { dir: string; file: string; storage: string } {
  const dir = mkdtempSync(join(tmpdir(), `nasforge-${name}-`));
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return { dir, file, storage: `sqlite:${join(dir, 'studies.db')}` };
}

function run(dir: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: ENV, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface TrialOut {
  number: number;
  state: string;
  key: string;
  metrics: Record<string, number> | null;
  score: number | null;
  attempts: number;
  worker: string | null;
  error: string | null;
  genotype: unknown;
}

function trialsOf(dir: string, storage: string, study: string): TrialOut[] {
  const r = run(dir, 'trials', '--study', study, '--storage', storage, '--json');
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as TrialOut[];
}

/** Resolves when `child` writes a line matching `pattern` to stderr (or exits). */
function waitFor(child: ChildProcess, pattern: RegExp): Promise<boolean> {
  return new Promise((done) => {
    let text = '';
    child.stderr!.on('data', (b: Buffer) => {
      text += b.toString();
      if (pattern.test(text)) done(true);
    });
    child.on('exit', () => done(false));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done(child.exitCode);
    else child.on('exit', (code) => done(code));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('SIGKILL at random points, six times, then a re-run: every trial accounted for, none duplicated', { skip }, async () => {
  const study = 'killed';
  const budget = 30;
  const { dir, file, storage } = setup(study, {
    study,
    evaluator: { kind: 'table', name: 'nas-bench-macro', simulatedSeconds: 0.15 },
    strategy: { name: 'evolution', population: 8, sample: 3 },
    budget: { trials: budget },
    seed: 5,
    worker: { heartbeatSeconds: 0.25, maxAttempts: 20 },
  });
  let seed = 12345;
  const uniform = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  let kills = 0;
  const progress: number[] = [];
  while (kills < 6) {
    const child = spawn(process.execPath, [CLI, 'search', '--config', file, '--storage', storage], { cwd: dir, env: ENV });
    child.stdout!.resume();
    // a random moment after the study is open: during a claim, an evaluation, a write or the strategy's state
    const started = await waitFor(child, /study 'killed' in/);
    if (started) await sleep(150 + uniform() * 1200);
    if (child.exitCode !== null) break; // the study finished before this kill
    child.kill('SIGKILL');
    await exited(child);
    kills++;
    const store = await openStorage(storage);
    progress.push((await store.trials(study, { states: ['complete'] }).catch(() => [])).length);
    await store.close();
  }
  assert.ok(kills >= 5, `killed ${kills} times before the study finished (complete trials after each kill: ${progress.join(', ')})`);
  const last = run(dir, 'search', '--config', file, '--storage', storage);
  assert.equal(last.code, 0, last.err);
  assert.match(last.out, /study 'killed': 30 complete/);
  assert.match(last.out, /^rank\s+trial\s+score\s+valAccuracy/m, 'a leaderboard');
  assert.doesNotMatch(last.err, /database is locked/);

  const trials = trialsOf(dir, storage, study);
  assert.equal(trials.length, budget, 'exactly the budget of trials');
  assert.deepEqual(
    trials.map((t) => t.number),
    [...Array(budget).keys()],
    'numbered 0..n-1 without gaps or repeats',
  );
  assert.ok(
    trials.every((t) => t.state === 'complete'),
    trials
      .filter((t) => t.state !== 'complete')
      .map((t) => `${t.number} ${t.state} ${t.error}`)
      .join('; '),
  );
  assert.equal(new Set(trials.map((t) => t.key)).size, budget, 'no architecture evaluated twice');
  assert.ok(
    progress.some((n) => n > 0 && n < budget),
    `some kills landed mid-study (complete after each kill: ${progress.join(', ')})`,
  );

  // the shapes scripts read
  const t0 = trials[0]!;
  assert.equal(typeof t0.key, 'string');
  assert.deepEqual(Object.keys(t0.metrics!).sort(), ['flops', 'params', 'testAccuracy', 'testAccuracyStd', 'trainTime', 'valAccuracy']);
  assert.equal(t0.score, t0.metrics!.valAccuracy);
  const best = JSON.parse(run(dir, 'best', '--study', study, '--storage', storage, '--json').out) as TrialOut & { study: string; space: string };
  assert.equal(best.study, study);
  assert.equal(best.space, 'nas-bench-macro');
  assert.equal(best.score, Math.max(...trials.map((t) => t.score!)));
  assert.deepEqual(best.genotype, trials.find((t) => t.number === best.number)!.genotype);
  const status = JSON.parse(run(dir, 'status', '--storage', storage, '--json').out) as { counts: Record<string, number>; best: { number: number } };
  assert.equal(status.counts.complete, budget);
  assert.equal(status.best.number, best.number);
  const exported = run(dir, 'export', '--storage', storage, '--out', join(dir, 'out'));
  assert.equal(exported.code, 0, exported.err);
  const g = JSON.parse(readFileSync(join(dir, 'out', 'genotype.json'), 'utf8')) as { space: string; key: string; trial: number };
  assert.deepEqual([g.space, g.key, g.trial], ['nas-bench-macro', best.key, best.number]);
  assert.ok(!existsSync(join(dir, 'out', 'weights.safetensors')), 'a table lookup trains no weights');
  // a worker that joins a finished study has nothing to do
  const w = run(dir, 'worker', '--study', study, '--storage', storage);
  assert.equal(w.code, 0, w.err);
  assert.match(w.err, /worker done: 0 complete/);
});

test('SIGINT stops cleanly (exit 130, the trial back in the queue); the same command continues', { skip }, async () => {
  const study = 'interrupted';
  const { dir, file, storage } = setup(study, {
    study,
    evaluator: { kind: 'table', name: 'nas-bench-macro', simulatedSeconds: 1 },
    strategy: 'random',
    budget: { trials: 2 },
  });
  const child = spawn(process.execPath, [CLI, 'search', '--config', file, '--storage', storage], { cwd: dir, env: ENV });
  child.stdout!.resume();
  let err = '';
  child.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
  });
  assert.ok(await waitFor(child, /each trial looks its result up/));
  await sleep(600);
  child.kill('SIGINT');
  assert.equal(await exited(child), 130, err);
  assert.match(err, /SIGINT: stopping/);
  const after = trialsOf(dir, storage, study);
  const requeued = after.filter((t) => t.state === 'queued');
  assert.equal(requeued.length, 1, JSON.stringify(after));
  assert.match(requeued[0]!.error ?? '', /interrupted/);
  const again = run(dir, 'search', '--config', file, '--storage', storage, '--json');
  assert.equal(again.code, 0, again.err);
  const out = JSON.parse(again.out) as { counts: Record<string, number>; best: { number: number } };
  assert.equal(out.counts.complete, 2);
  assert.equal(trialsOf(dir, storage, study).length, 2, 'the interrupted trial was finished, not added again');
});

test('--workers 2 runs two worker processes on one study', { skip }, () => {
  const study = 'parallel';
  const { dir, file, storage } = setup(study, {
    study,
    evaluator: { kind: 'table', name: 'nas-bench-macro', simulatedSeconds: 0.2 },
    strategy: 'evolution',
    budget: { trials: 10 },
  });
  const r = run(dir, 'search', '--config', file, '--storage', storage, '--workers', '2');
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /starting 2 worker processes with 1 thread each/);
  const trials = trialsOf(dir, storage, study);
  assert.equal(trials.length, 10);
  assert.ok(trials.every((t) => t.state === 'complete'));
  assert.equal(new Set(trials.map((t) => t.worker)).size, 2, 'both workers evaluated trials');
  assert.equal(new Set(trials.map((t) => t.key)).size, 10, 'parallel workers never evaluated one architecture twice');
});

test('reading a study back: unknown names, several studies, a changed config, a study extended with a larger budget and more workers', { skip }, () => {
  const { dir, file, storage } = setup('reader', { study: 'one', evaluator: 'nas-bench-macro', strategy: 'random', budget: { trials: 2 } });
  assert.equal(run(dir, 'search', '--config', file, '--storage', storage).code, 0);
  const unknown = run(dir, 'best', '--study', 'onr', '--storage', storage);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /no study named 'onr'.*did you mean 'one'\?/);
  assert.equal(run(dir, 'search', '--config', file, '--storage', storage, '--study', 'two').code, 0);
  const ambiguous = run(dir, 'trials', '--storage', storage);
  assert.equal(ambiguous.code, 2);
  assert.match(ambiguous.err, /holds 2 studies \(one, two\); name one \(--study\)/);
  const changed = run(dir, 'search', '--config', file, '--storage', storage, '--seed', '9');
  assert.equal(changed.code, 2);
  assert.match(changed.err, /study 'one' was created with another config \(seed: stored 0, given 9/);
  const text = run(dir, 'trials', '--study', 'one', '--storage', storage);
  assert.match(text.out, /^trial\s+state\s+score\s+valAccuracy\s+attempts\s+key/m);
  assert.match(text.out, /2 complete/);
  // the budget (and the number of workers) may change between runs: the study goes on
  const extended = run(dir, 'search', '--config', file, '--storage', storage, '--trials', '4', '--workers', '2', '--json');
  assert.equal(extended.code, 0, extended.err);
  assert.match(extended.err, /study 'one' continues with new run settings: budget\.trials 2 → 4/);
  assert.equal((JSON.parse(extended.out) as { counts: Record<string, number> }).counts.complete, 4);
  const trials = trialsOf(dir, storage, 'one');
  assert.deepEqual(
    trials.map((t) => t.number),
    [0, 1, 2, 3],
    'the first two kept, two more added',
  );
  assert.equal(new Set(trials.map((t) => t.key)).size, 4);
  const status = JSON.parse(run(dir, 'status', '--study', 'one', '--storage', storage, '--json').out) as { budget: { trials: number } };
  assert.equal(status.budget.trials, 4, 'the stored config holds the new budget');
});

test('storage mistakes: a corrupt SQLite file (left untouched) and an unreachable server exit 3, an unknown URL 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-storage-'));
  const corrupt = join(dir, 'corrupt.db');
  const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251));
  writeFileSync(corrupt, bytes);
  const c = run(dir, 'status', '--storage', `sqlite:${corrupt}`);
  assert.equal(c.code, 3);
  assert.match(c.err, /corrupt\.db is not a readable SQLite database/);
  assert.deepEqual(readFileSync(corrupt), bytes, 'the file is left as it was');
  const pg = run(dir, 'best', '--storage', 'postgres://someone:secret@127.0.0.1:1/none');
  assert.equal(pg.code, 3);
  assert.match(pg.err, /cannot connect to PostgreSQL at host 127\.0\.0\.1, port 1, database none \(postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/none\)/);
  assert.doesNotMatch(pg.err, /secret/, 'no password in messages');
  const url = run(dir, 'trials', '--storage', 'mysql://x');
  assert.equal(url.code, 2);
  assert.match(url.err, /unknown storage URL 'mysql:\/\/x': use 'sqlite:PATH'/);
});
