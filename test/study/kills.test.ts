// Kills are not failures (SQLite, workers as child processes): a study whose worker is killed
// with SIGKILL again and again during real (tiny) proxy trainings ends with every trial
// complete, the same trials and metrics as an uninterrupted run, every death counted and none
// charged; a trial that kills its own process at the same point every time fails 'crashed'
// after maxAttempts charged deaths, and the rest of the study completes. Kill moments are
// chosen by a seeded generator as progress values and read from the database, never a clock.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Rng } from '../../src/util/index.js';
import { openStorage, type Storage, type Trial } from '../../src/study/index.js';
import { PROXY_STEPS, type FaultSpec } from './fault-child.js';
import { type Child, killAll, logLines, startChild, until } from './spawn.js';

const TRIALS = 5;
const KILLS = 13; // at least 10 must land (a planned kill is skipped where the trial is already past it)

describe('kill -9 during proxy training', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-kills-'));
  const children: Child[] = [];
  after(() => {
    killAll(children);
    rmSync(dir, { recursive: true, force: true });
  });
  const run = (spec: FaultSpec): Child => {
    const c = startChild(spec);
    children.push(c);
    return c;
  };
  const comparable = (t: Trial): object => {
    const { trainSeconds: _, ...m } = t.metrics ?? {};
    return { key: t.key, state: t.state, metrics: m };
  };

  test(`${KILLS} seeded kills: every trial resumes from its checkpoint and the study equals an uninterrupted run`, async () => {
    // the uninterrupted run
    const whole = `sqlite:${join(dir, 'whole.db')}`;
    const base = { study: 'kills', trials: TRIALS, evaluator: 'proxy', heartbeatSeconds: 2 } as const;
    const ref = await run({ ...base, url: whole, workdirRoot: join(dir, 'whole-work') }).done;
    assert.equal(ref.code, 0, ref.stderr);
    const refStore = await openStorage(whole);
    const expected = await refStore.trials('kills');
    const expectedSteps = await Promise.all(expected.map((t) => refStore.intermediates('kills', t.number)));
    await refStore.close();
    assert.equal(expected.length, TRIALS);

    // the plan: seeded (trial, progress) kill points, in order
    const rng = new Rng(13);
    const plan: { trial: number; step: number }[] = [];
    const perTrial = Array.from({ length: TRIALS }, () => 2);
    for (let i = 0; i < KILLS - 2 * TRIALS; i++) perTrial[rng.int(TRIALS)]! += 1;
    perTrial.forEach((k, trial) => {
      const steps = new Set<number>();
      while (steps.size < k) steps.add(2 + rng.int(PROXY_STEPS - 1)); // 2..21 (21: after the last step, before the outcome)
      for (const step of [...steps].sort((a, b) => a - b)) plan.push({ trial, step });
    });

    const url = `sqlite:${join(dir, 'killed.db')}`;
    const log = join(dir, 'killed.log');
    const spec = { ...base, url, log, workdirRoot: join(dir, 'killed-work') };
    const storage: Storage = await openStorage(url);
    const progressOf = async (n: number): Promise<number> => (await storage.trial('kills', n))?.progress ?? 0;
    let kills = 0;
    const deathsAt: { trial: number; progress: number; pid: number }[] = [];
    for (const k of plan) {
      const now = await progressOf(k.trial);
      // the last hold may have stopped past this point (a slice can take two steps); a trial
      // held after its last step has no later point to die at without being charged
      const step = Math.max(k.step, now + 1);
      if (step > PROXY_STEPS) continue;
      const child = run({ ...spec, hold: { trial: k.trial, step } });
      const at = await until(`trial ${k.trial} at progress ${step}`, async () => {
        const t = await storage.trial('kills', k.trial);
        return t?.state === 'running' && t.progress >= step ? t.progress : null;
      });
      child.proc.kill('SIGKILL');
      const exit = await child.done;
      assert.equal(exit.signal, 'SIGKILL', exit.stderr);
      deathsAt.push({ trial: k.trial, progress: at, pid: child.proc.pid! });
      kills++;
    }
    assert.ok(kills >= 10, `only ${kills} kills landed`);
    const last = await run(spec).done;
    assert.equal(last.code, 0, last.stderr);

    const trials = await storage.trials('kills');
    assert.deepEqual(trials.map(comparable), expected.map(comparable), 'the same trials, keys in order, with the same metrics');
    for (const t of trials) {
      const died = deathsAt.filter((d) => d.trial === t.number);
      assert.deepEqual([t.deaths, t.crashes, t.failure], [died.length, 0, null], `trial ${t.number}: every death counted, none charged`);
      assert.equal(t.attempts, died.length + 1, 'one claim per worker that held it');
      assert.equal(t.progress, PROXY_STEPS);
      assert.deepEqual(await storage.intermediates('kills', t.number), expectedSteps[t.number], `trial ${t.number}: the same per-epoch values`);
    }
    // every fresh worker went on from the checkpoint its killed predecessor left: its first
    // progress is at least where that one died (a restart from scratch would report 1)
    const progress = logLines(log, 'progress').map(([trial, step, pid]) => ({ trial: Number(trial), step: Number(step), pid: Number(pid) }));
    for (const d of deathsAt) {
      const lastOfKilled = progress.map((p) => p.pid).lastIndexOf(d.pid);
      const next = progress.slice(lastOfKilled + 1).find((p) => p.trial === d.trial);
      assert.ok(next && next.step >= d.progress, `after the kill at progress ${d.progress} of trial ${d.trial} the next worker reported ${next?.step}`);
    }
    await storage.close();
  });

  test("a trial that kills its own process at the same point fails 'crashed' after maxAttempts charged deaths; the others complete", async () => {
    const url = `sqlite:${join(dir, 'crash.db')}`;
    const log = join(dir, 'crash.log');
    const spec: FaultSpec = {
      url,
      study: 'crash',
      trials: 4,
      evaluator: 'crash',
      crashTrial: 1,
      crashAt: 3,
      maxAttempts: 2,
      log,
      workdirRoot: join(dir, 'crash-work'),
    };
    let deaths = 0;
    for (;;) {
      const exit = await run(spec).done;
      if (exit.signal === 'SIGKILL') {
        deaths++;
        assert.ok(deaths <= 3, 'the trial was failed after 1 free and 2 charged deaths');
        continue;
      }
      assert.equal(exit.code, 0, exit.stderr);
      assert.deepEqual(exit.result?.summary, { completed: 2, failed: 0, pruned: 0 }, 'the last worker completed trials 2 and 3 (the first worker did trial 0)');
      break;
    }
    assert.equal(deaths, 3);
    const storage = await openStorage(url, { mustExist: true });
    const trials = await storage.trials('crash');
    await storage.close();
    assert.deepEqual(
      trials.map((t) => t.state),
      ['complete', 'failed', 'complete', 'complete'],
    );
    const t = trials[1]!;
    assert.deepEqual([t.failure, t.deaths, t.crashes, t.progress], ['crashed', 3, 2, 3]);
    assert.match(
      t.error!,
      /died 3 times at the same point \(progress 3\) without progress in between.*crashes its process.*2 charged deaths \(maxAttempts 2\)/,
    );
    assert.ok(trials.filter((x) => x.number !== 1).every((x) => x.deaths === 0 && x.failure === null));
    assert.equal(logLines(log, 'start').filter(([n]) => n === '1').length, 3, 'three workers started trial 1 and died in it');
  });
});
