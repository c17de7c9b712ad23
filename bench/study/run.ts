// Study throughput: trials/hour with 1, 2 and 4 worker processes on one study, on SQLite and
// PostgreSQL, with a cheap evaluator (a NAS-Bench-Macro lookup that sleeps the architecture's
// simulated training time × a scale), and the storage overhead per trial (the same loop with
// no sleep: claim, strategy restore/tell/ask/store, record).
//
//   node dist/bench/study/run.js [--trials 100] [--scale 0.0001] [--json]
//
// Wall time runs from the study's first claim to its last recorded result.
//
// PostgreSQL: $NASFORGE_TEST_PG (default the local server's socket); the benchmark creates and
// drops its own database. Trials/hour are real (wall-clock) trials with the scaled sleep;
// "ideal" is workers × 3600 / mean sleep, so efficiency shows what the storage and the lock cost.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openStorage, runWorker, redactUrl } from '../../src/study/index.js';
import { withDefaultUser } from '../../src/study/pg-db.js';
import { loadNasBenchMacro, tableEvaluator } from '../../src/tabular/index.js';
import { type BenchSpec, benchDefinition } from './worker.js';

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'worker.js');
const PG_BASE = process.env.NASFORGE_TEST_PG || 'postgres:///postgres?host=/var/run/postgresql';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: withDefaultUser(PG_BASE) });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

interface Row {
  backend: string;
  workers: number;
  trials: number;
  seconds: number;
  trialsPerHour: number;
  ideal: number;
  efficiency: number;
}

async function throughput(backend: string, url: string, workers: number, trials: number, scale: number, dir: string, meanSleep: number): Promise<Row> {
  const go = join(dir, `go-${backend}-${workers}`);
  const spec: BenchSpec = { url, study: `bench-${workers}`, trials, scale, go, workdirRoot: join(dir, 'work') };
  const procs: ChildProcess[] = [];
  const runs = Array.from(
    { length: workers },
    () =>
      new Promise<{ start: number; end: number; completed: number }>((resolve, reject) => {
        const p = spawn(process.execPath, [WORKER], { env: { ...process.env, NASFORGE_BENCH_CHILD: JSON.stringify(spec) }, stdio: ['ignore', 'pipe', 'pipe'] });
        procs.push(p);
        let out = '';
        let err = '';
        p.stdout.on('data', (d: Buffer) => {
          out += d.toString();
        });
        p.stderr.on('data', (d: Buffer) => {
          err += d.toString();
        });
        p.on('close', (code) =>
          code === 0
            ? resolve(JSON.parse(out.trim()) as { start: number; end: number; completed: number })
            : reject(new Error(`a ${backend} worker exited with ${code}:\n${err}`)),
        );
      }),
  );
  const all = Promise.all(runs);
  all.catch(() => {
    for (const p of procs) p.kill('SIGKILL');
  });
  // let every worker load before the clock starts
  await Promise.race([new Promise((r) => setTimeout(r, 1500 + 500 * workers)), all]);
  writeFileSync(go, '');
  const done = await all;
  // from the first claim to the last result, as the study recorded them (process exits excluded)
  const storage = await openStorage(url);
  const recorded = await storage.trials(spec.study, { states: ['complete'] });
  await storage.close();
  const seconds = (Math.max(...recorded.map((t) => t.finishedAt!)) - Math.min(...recorded.map((t) => t.startedAt!))) / 1000;
  const completed = done.reduce((a, d) => a + d.completed, 0);
  const trialsPerHour = (completed / seconds) * 3600;
  const ideal = (workers * 3600) / meanSleep;
  return { backend, workers, trials: completed, seconds, trialsPerHour, ideal, efficiency: trialsPerHour / ideal };
}

/** ms of storage work per trial: one in-process worker, an evaluator that only looks up */
async function overhead(url: string, trials: number): Promise<number> {
  const storage = await openStorage(url);
  const lookup = tableEvaluator(loadNasBenchMacro(), { seed: 0 });
  const def = benchDefinition({ url, study: 'overhead', trials, scale: 0, go: '', workdirRoot: '' });
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-bench-ovh-'));
  const t = performance.now();
  await runWorker(storage, def, async (ctx) => lookup(ctx.genotype), { workdirRoot: dir });
  const ms = (performance.now() - t) / trials;
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

async function main(): Promise<void> {
  const trials = arg('trials', 100);
  const scale = arg('scale', 0.0001);
  const json = process.argv.includes('--json');
  const table = loadNasBenchMacro();
  const space = table.space;
  // the mean sleep over the table (what a uniform search sees on average)
  let sum = 0;
  for (let i = 0; i < 6561; i++) sum += table.query(space.fromDecisions(i.toString(3).padStart(8, '0').split('').map(Number)), { run: 'mean' }).trainTime!;
  const meanSleep = (sum / 6561) * scale;

  const dir = mkdtempSync(join(tmpdir(), 'nasforge-bench-study-'));
  const backends: { name: string; url: string; drop?: string }[] = [{ name: 'sqlite', url: `sqlite:${join(dir, 'bench.db')}` }];
  const pgDb = `nasforge_bench_${process.pid}`;
  try {
    await adminQuery(`CREATE DATABASE ${pgDb}`);
    const u = new URL(PG_BASE);
    u.pathname = `/${pgDb}`;
    backends.push({ name: 'postgres', url: u.toString(), drop: pgDb });
  } catch (e) {
    process.stderr.write(`PostgreSQL at ${redactUrl(PG_BASE)} not reachable (${(e as Error).message}): SQLite only\n`);
  }
  const rows: Row[] = [];
  const overheads: Record<string, number> = {};
  try {
    for (const b of backends) {
      overheads[b.name] = await overhead(b.url, 200);
      for (const w of [1, 2, 4]) rows.push(await throughput(b.name, b.url, w, trials, scale, dir, meanSleep));
    }
  } finally {
    for (const b of backends) if (b.drop) await adminQuery(`DROP DATABASE IF EXISTS ${b.drop} WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ scale, meanSleepMs: meanSleep * 1000, overheadMs: overheads, rows }, null, 2)}\n`);
    return;
  }
  console.log(
    `studies: ${trials} trials per run, sleep = simulated train time × ${scale} (mean ${(meanSleep * 1000).toFixed(1)} ms); load average ${loadavg()[0]!.toFixed(1)}`,
  );
  console.log('| backend | workers | trials | wall s | trials/hour | ideal | efficiency |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.backend} | ${r.workers} | ${r.trials} | ${r.seconds.toFixed(2)} | ${Math.round(r.trialsPerHour)} | ${Math.round(r.ideal)} | ${(r.efficiency * 100).toFixed(0)}% |`,
    );
  }
  for (const [b, ms] of Object.entries(overheads)) console.log(`storage overhead per trial on ${b}: ${ms.toFixed(2)} ms (one worker, no sleep, 200 trials)`);
}

await main();
