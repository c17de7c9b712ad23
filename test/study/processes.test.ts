// Workers as separate processes on one study (4 on PostgreSQL, 8 on SQLite): every trial is
// claimed exactly once, no architecture is evaluated twice, and a worker killed with SIGKILL in
// the middle of a trial has that trial re-queued (at once: its process on this host is gone)
// and completed by another worker. SQLite must never answer "database is locked".
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStorage } from '../../src/study/index.js';
import { backends, sleep } from './helpers.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'child-worker.js');
const TRIALS = 40;

interface Run {
  readonly proc: ChildProcess;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function start(spec: object): Run {
  const proc = spawn(process.execPath, [CHILD], {
    env: { ...process.env, NASFORGE_STUDY_CHILD: JSON.stringify(spec), NASFORGE_THREADS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  proc.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { proc, done };
}

function starts(log: string): { trial: number; key: string; pid: number }[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [, trial, key, pid] = l.split(' ');
      return { trial: Number(trial), key: key!, pid: Number(pid) };
    });
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

for (const backend of backends()) {
  const workers = backend.name === 'postgres' ? 4 : 8;
  describe(`${workers} worker processes on ${backend.name}`, { timeout: 90_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'nasforge-procs-'));
    const children: Run[] = [];
    after(async () => {
      for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
      await backend.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    test("claim every trial exactly once; a SIGKILLed worker's trial is re-queued and completed by another", async () => {
      const url = await backend.url();
      const log = join(dir, 'starts.log');
      const spec = { url, study: 'procs', trials: TRIALS, heartbeatSeconds: 1, sleepMs: 60, hang: false, log, workdirRoot: join(dir, 'work') };
      // the victim claims first and hangs in its trial; the others (loaded meanwhile) start
      // once it holds its trial, and it is killed mid-trial while they work
      const go = join(dir, 'go');
      const victim = start({ ...spec, hang: true });
      const others = Array.from({ length: workers }, () => start({ ...spec, go }));
      children.push(victim, ...others);
      await until('the victim to start its trial', () => starts(log).length > 0, 30_000);
      writeFileSync(go, '');
      await until('the other workers to start trials', () => starts(log).some((s) => s.pid !== victim.proc.pid), 30_000);
      victim.proc.kill('SIGKILL');
      const killed = await victim.done;
      assert.equal(killed.signal, 'SIGKILL');

      const results = await Promise.all(others.map((o) => o.done));
      for (const r of results) {
        assert.equal(r.code, 0, `a worker failed:\n${r.stderr}`);
        assert.doesNotMatch(r.stderr, /database is locked|SQLITE_BUSY/);
      }
      const completed = results.map((r) => (JSON.parse(r.stdout.trim().split('\n').pop()!) as { completed: number }).completed);
      assert.equal(
        completed.reduce((a, b) => a + b, 0),
        TRIALS,
        'the workers completed every trial between them',
      );
      assert.ok(completed.filter((c) => c > 0).length >= 2, `the work was shared: ${completed.join(', ')}`);

      const storage = await openStorage(url);
      const trials = await storage.trials('procs');
      await storage.close();
      assert.deepEqual(
        trials.map((t) => t.number),
        Array.from({ length: TRIALS }, (_, i) => i),
      );
      assert.ok(
        trials.every((t) => t.state === 'complete'),
        'every trial is complete',
      );
      assert.equal(new Set(trials.map((t) => t.key)).size, TRIALS, 'no architecture evaluated twice');

      const byTrial = new Map<number, number[]>();
      for (const s of starts(log)) byTrial.set(s.trial, [...(byTrial.get(s.trial) ?? []), s.pid]);
      const victimTrial = starts(log).find((s) => s.pid === victim.proc.pid)!.trial;
      for (const t of trials) {
        const pids = byTrial.get(t.number) ?? [];
        if (t.number === victimTrial) {
          assert.equal(pids.length, 2, 'the killed trial ran once more');
          assert.notEqual(pids[1], victim.proc.pid);
          assert.equal(t.attempts, 2);
          assert.equal(t.worker, `w${pids[1]}`);
          // same host: taken back as soon as its process was gone, not after 3 missed heartbeats
          assert.match(t.error ?? '', new RegExp(`worker w${victim.proc.pid} died \\(its process ${victim.proc.pid} on this host is gone\\)`));
        } else {
          assert.equal(pids.length, 1, `trial ${t.number} was evaluated ${pids.length} times`);
          assert.equal(t.attempts, 1);
        }
      }
    });
  });
}
