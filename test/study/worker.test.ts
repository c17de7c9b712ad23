// The worker loop in one process, on every backend: failure isolation, pruning, interruption
// and resume from the trial's workdir, stale heartbeats, strategy state that resumes exactly,
// duplicates never evaluated twice.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import {
  type StudyError,
  TrialPruned,
  hostIdentity,
  openStorage,
  runWorker as run,
  type Evaluate,
  type Storage,
  type StudyDefinition,
  type WorkerOptions,
} from '../../src/study/index.js';
import { type SqlStorage } from '../../src/study/storage.js';
import { backends, definition, pseudoAccuracy, sleep } from './helpers.js';

const cheap: Evaluate = async (ctx) => ({ valAccuracy: pseudoAccuracy(ctx.trial.key) });

for (const backend of backends()) {
  describe(`worker on ${backend.name}`, { timeout: 60_000 }, () => {
    let storage: Storage;
    const root = mkdtempSync(join(tmpdir(), 'nasforge-workdirs-'));
    const runWorker = (s: Storage, def: StudyDefinition, ev: Evaluate, o: WorkerOptions = {}) => run(s, def, ev, { workdirRoot: root, ...o });
    before(async () => {
      storage = await openStorage(await backend.url());
    });
    after(async () => {
      await storage?.close();
      await backend.cleanup();
      rmSync(root, { recursive: true, force: true });
    });

    test('a trial that throws, gives NaN or is pruned is recorded so, and the search goes on', async () => {
      const def = definition('failures', 6);
      let n = 0;
      const evaluate: Evaluate = async (ctx) => {
        await ctx.report(0, { valAccuracy: 50 });
        n++;
        if (n === 1) throw new RangeError('out of memory (simulated)');
        if (n === 2) return { valAccuracy: Number.NaN };
        if (n === 3) throw new TrialPruned('below the median at epoch 1', { valAccuracy: 50 });
        if (n === 4) return { loss: 1 };
        return cheap(ctx);
      };
      const summary = await runWorker(storage, def, evaluate);
      assert.deepEqual(summary, { completed: 2, failed: 3, pruned: 1 });
      const trials = await storage.trials('failures');
      assert.deepEqual(
        trials.map((t) => t.state),
        ['failed', 'failed', 'pruned', 'failed', 'complete', 'complete'],
      );
      assert.match(trials[0]!.error!, /RangeError: out of memory/);
      assert.match(trials[1]!.error!, /valAccuracy.*NaN/);
      assert.match(trials[3]!.error!, /valAccuracy/, 'the objective names the missing metric');
      assert.deepEqual(trials[2]!.metrics, { valAccuracy: 50 });
      assert.equal(trials[4]!.score, pseudoAccuracy(trials[4]!.key));
      assert.deepEqual(await storage.intermediates('failures', 0), [{ trial: 0, step: 0, metrics: { valAccuracy: 50 } }]);
      assert.equal(new Set(trials.map((t) => t.key)).size, 6);
    });

    test('an abort re-queues the running trial, which resumes from its workdir checkpoint', async () => {
      const def = definition('interrupt', 3);
      const stop = new AbortController();
      const calls: string[] = [];
      const evaluate: Evaluate = async (ctx) => {
        const ckpt = join(ctx.workdir, 'checkpoint.json');
        const from = existsSync(ckpt) ? (JSON.parse(readFileSync(ckpt, 'utf8')) as { epoch: number }).epoch : 0;
        calls.push(`${ctx.trial.number}@${from}`);
        for (let epoch = from; epoch < 3; epoch++) {
          if (ctx.signal.aborted) throw new Error('interrupted');
          await ctx.report(epoch, { valAccuracy: 60 + epoch });
          writeFileSync(ckpt, JSON.stringify({ epoch: epoch + 1 }));
          if (ctx.trial.number === 1 && epoch === 0 && ctx.trial.attempts === 1) stop.abort();
        }
        return cheap(ctx);
      };
      const first = await runWorker(storage, def, evaluate, { signal: stop.signal });
      assert.deepEqual(first, { completed: 1, failed: 0, pruned: 0 });
      const held = (await storage.trials('interrupt'))[1]!;
      assert.equal(held.state, 'queued');
      assert.equal(held.attempts, 0, 'a clean interruption gives the claim back');
      assert.match(held.error!, /interrupted/);
      const second = await runWorker(storage, def, evaluate);
      assert.deepEqual(second, { completed: 2, failed: 0, pruned: 0 });
      assert.deepEqual(calls, ['0@0', '1@0', '1@1', '2@0']);
      const trials = await storage.trials('interrupt');
      assert.deepEqual(
        trials.map((t) => [t.state, t.attempts]),
        [
          ['complete', 1],
          ['complete', 1],
          ['complete', 1],
        ],
      );
      assert.deepEqual(
        (await storage.intermediates('interrupt', 1)).map((i) => i.step),
        [0, 1, 2],
      );
    });

    test("a dead worker's trial is re-queued without using anything up; only deaths with no progress in between are charged", async () => {
      const def = definition('stale', 3, 'random', { maxAttempts: 2, heartbeatSeconds: 0.2 });
      await storage.ensureStudy(def.name, def.config);
      const db = (storage as SqlStorage).db;
      const hold = async (key: string, set: string): Promise<void> => {
        const t = await storage.addTrial('stale', { genotype: { arch: key }, key });
        await db.run(`UPDATE trials SET state = 'running', worker = 'dead', heartbeat_at = 0, ${set} WHERE study = 'stale' AND number = $1`, [t.number]);
      };
      // as workers that died: claimed 5 times but never died before (a first death is free);
      // died before at progress 40 and now again at 40 with one charge (the second charge fails it);
      // died before at 40 with one charge, but progressed to 90 since (the charges are cleared)
      await hold('00000000', 'attempts = 5');
      await hold('11111111', 'attempts = 2, progress = 40, deaths = 2, death_progress = 40, crashes = 1');
      await hold('22222222', 'attempts = 2, progress = 90, deaths = 2, death_progress = 40, crashes = 1');
      const lines: string[] = [];
      const summary = await runWorker(storage, def, cheap, { worker: 'alive', log: (l) => lines.push(l) });
      assert.deepEqual(summary, { completed: 2, failed: 0, pruned: 0 });
      const [a, b, c] = await storage.trials('stale');
      assert.deepEqual([a!.state, a!.attempts, a!.worker, a!.deaths, a!.crashes, a!.failure], ['complete', 6, 'alive', 1, 0, null]);
      assert.match(a!.error!, /worker dead stopped beating .*; death 1, a first death is not charged/);
      assert.deepEqual([b!.state, b!.deaths, b!.crashes, b!.failure], ['failed', 3, 2, 'crashed']);
      assert.match(
        b!.error!,
        /died 3 times at the same point \(progress 40\) without progress in between.*out of memory.*after 2 charged deaths \(maxAttempts 2\)/,
      );
      assert.deepEqual([c!.state, c!.deaths, c!.crashes, c!.failure], ['complete', 3, 0, null]);
      assert.match(c!.error!, /death 3, not charged: progress since the death before \(40 → 90\)/);
      assert.ok(lines.some((l) => /trial 0 re-queued/.test(l)) && lines.some((l) => /trial 1 failed: .*died 3 times/.test(l)), lines.join('\n'));
    });

    test('a trial taken back from a slow worker is not recorded twice', async () => {
      const def = definition('slow', 1, 'random', { heartbeatSeconds: 0.1 });
      const db = (storage as SqlStorage).db;
      const lines: string[] = [];
      const evaluate: Evaluate = async (ctx) => {
        // another worker takes the trial back while this one still runs it (first attempt only)
        if (ctx.trial.attempts === 1)
          await db.run("UPDATE trials SET state = 'queued', worker = NULL WHERE study = 'slow' AND number = $1", [ctx.trial.number]);
        await sleep(350);
        if (ctx.signal.aborted) throw ctx.signal.reason as Error;
        return cheap(ctx);
      };
      const first = await runWorker(storage, def, evaluate, { worker: 'slow', log: (l) => lines.push(l) });
      assert.equal(first.completed, 1, 'the trial came back to the queue and was run again');
      assert.ok(
        lines.some((l) => /taken back/.test(l)),
        lines.join('\n'),
      );
      const trials = await storage.trials('slow');
      assert.equal(trials.length, 1);
      assert.equal(trials[0]!.state, 'complete');
    });

    test('the strategy resumes from its stored state: a study run in two halves proposes what one run proposes', async () => {
      const whole = definition('evo-whole', 16, 'evolution');
      const half = definition('evo-half', 8, 'evolution');
      await runWorker(storage, whole, cheap);
      await runWorker(storage, half, cheap);
      // a new process's view: the same study with a larger budget (the config records only what is compared)
      await runWorker(storage, { ...half, budget: { trials: 16 } }, cheap);
      const keys = async (s: string): Promise<string[]> => (await storage.trials(s)).map((t) => t.key);
      assert.deepEqual(await keys('evo-half'), await keys('evo-whole'));
      const state = await storage.strategyState('evo-half');
      assert.equal(state?.kind, 'evolution');
      assert.deepEqual(state, await storage.strategyState('evo-whole'));
    });

    test('a proposal equal to a pending or complete trial is not evaluated again', async () => {
      // evolution over 6 trials with a population of 2 proposes many one-step neighbours of
      // the same parents: duplicates come up and must be told, not evaluated
      const def = definition('dupes', 40, 'evolution', { strategy: { name: 'evolution', options: { populationSize: 2, sampleSize: 2 } } });
      const evaluated: string[] = [];
      const lines: string[] = [];
      await runWorker(
        storage,
        def,
        async (ctx) => {
          evaluated.push(ctx.trial.key);
          return cheap(ctx);
        },
        { log: (l) => lines.push(l) },
      );
      assert.ok(
        lines.some((l) => /skipped \d+ duplicate proposals \([1-9]\d* complete/.test(l)),
        'duplicates were proposed',
      );
      assert.equal(evaluated.length, 40);
      assert.equal(new Set(evaluated).size, 40, 'every evaluated architecture is new');
    });

    test('a user-added queued trial is evaluated, a complete one is told to the strategy', async () => {
      const def = definition('added', 3);
      await storage.ensureStudy(def.name, def.config);
      await storage.addTrial('added', { genotype: { arch: '22222222' }, key: '22222222', metrics: { valAccuracy: 90 }, score: 90 });
      await storage.addTrial('added', { genotype: { arch: '01201201' }, key: '01201201' });
      await runWorker(storage, def, cheap);
      const trials = await storage.trials('added');
      assert.deepEqual(trials.map((t) => [t.key, t.state]).slice(0, 2), [
        ['22222222', 'complete'],
        ['01201201', 'complete'],
      ]);
      assert.equal(trials.length, 3);
      const seen = (await storage.strategyState('added'))!.seen as string[];
      assert.ok(seen.includes('22222222'));
    });

    test('a bad genotype in the queue fails its trial with the reason', async () => {
      const def = definition('badgeno', 1);
      await storage.ensureStudy(def.name, def.config);
      await storage.addTrial('badgeno', { genotype: { arch: '9' }, key: 'bad' });
      await runWorker(storage, def, cheap);
      const [t] = await storage.trials('badgeno');
      assert.equal(t!.state, 'failed');
      assert.match(t!.error!, /arch/);
    });

    test('a study is extended by a later run with a larger budget; what is searched must still match', async () => {
      const base = definition('extended', 3, 'evolution');
      const def = (trials: number, strategy = 'evolution'): StudyDefinition => ({
        ...base,
        budget: { trials },
        config: { space: 'nas-bench-macro', strategy, budget: { trials } },
      });
      assert.equal((await runWorker(storage, def(3), cheap)).completed, 3);
      const more = await runWorker(storage, def(5), cheap);
      assert.equal(more.completed, 2, 'only the new part of the budget runs');
      assert.deepEqual((await storage.getStudy('extended'))!.config, { space: 'nas-bench-macro', strategy: 'evolution', budget: { trials: 5 } });
      assert.equal(new Set((await storage.trials('extended')).map((t) => t.key)).size, 5);
      await assert.rejects(
        runWorker(storage, { ...def(6, 'random'), strategy: { name: 'random', options: {} } }, cheap),
        (e: StudyError) => e.code === 'config-mismatch' && /strategy: stored "evolution", given "random"/.test(e.message),
      );
    });

    test('a trial held by a dead process of this host is re-queued at once; one of another host waits for its heartbeat', async () => {
      const def = definition('deadpid', 3, 'random', { heartbeatSeconds: 0.2, maxAttempts: 3 });
      await storage.ensureStudy(def.name, def.config);
      const db = (storage as SqlStorage).db;
      const dead = spawnSync(process.execPath, ['-e', '']).pid!; // exited and reaped: its PID names no process
      const future = Date.now() + 600_000; // a heartbeat that never goes stale on its own
      const hold = async (key: string, host: string, pid: number, beat: number): Promise<void> => {
        const t = await storage.addTrial('deadpid', { genotype: { arch: key }, key });
        await db.run(
          "UPDATE trials SET state = 'running', attempts = 1, worker = $2, host = $3, pid = $4, heartbeat_at = $5 WHERE study = 'deadpid' AND number = $1",
          [t.number, `w-${key}`, host, pid, beat],
        );
      };
      await hold('00000000', hostIdentity(), dead, future);
      await hold('11111111', 'another-machine/boot/pid:[1]', dead, Date.now());
      await hold('22222222', hostIdentity(), process.ppid, Date.now()); // alive: only its heartbeat can give it back
      const lines: string[] = [];
      const summary = await runWorker(storage, def, cheap, { worker: 'alive', log: (l) => lines.push(l) });
      assert.equal(summary.completed, 3);
      const [a, b, c] = await storage.trials('deadpid');
      assert.match(a!.error!, new RegExp(`worker w-00000000 died \\(its process ${dead} on this host is gone\\); death 1, a first death is not charged`));
      assert.match(b!.error!, /worker w-11111111 stopped beating/);
      assert.match(c!.error!, /worker w-22222222 stopped beating/);
      assert.match(lines[0]!, /trial 0 re-queued: worker w-00000000 died/, 'the first claim took it back');
      assert.ok([a, b, c].every((t) => t!.state === 'complete' && t!.worker === 'alive'));
    });

    test('log lines round metrics for reading; the stored values keep every digit', async () => {
      const def = definition('rounded', 1);
      const lines: string[] = [];
      await runWorker(storage, def, async () => ({ valAccuracy: 78.60000000000001, valLoss: 0.000123456789 }), { log: (l) => lines.push(l) });
      assert.ok(
        lines.some((l) => /complete in [\d.]+ s: valAccuracy 78\.6 \(score 78\.6\)$/.test(l)),
        lines.join('\n'),
      );
      const [t] = await storage.trials('rounded');
      assert.equal(t!.metrics!.valAccuracy, 78.60000000000001);
    });

    test('failed trials are forgotten by the strategy: evolution keeps sampling at random until its population is full', async () => {
      const population = 4;
      const def = definition('forgotten', 10, 'evolution', { strategy: { name: 'evolution', options: { populationSize: population, sampleSize: 2 } } });
      let n = 0;
      await runWorker(storage, def, async (ctx) => {
        if (n++ < 3) throw new Error('diverged (simulated)');
        return cheap(ctx);
      });
      const trials = await storage.trials('forgotten');
      assert.deepEqual(
        trials.map((t) => t.state),
        ['failed', 'failed', 'failed', ...Array(7).fill('complete')],
      );
      // trials 4..6 were proposed with 1..3 results in: random samples, not one-step mutations
      // of the complete ones (before the fix the three failures filled the random phase)
      const neighbours = (x: string, y: string): boolean => [...x].filter((ch, i) => ch !== y[i]).length === 1;
      for (const t of trials.slice(4, 7)) {
        const earlier = trials.filter((u) => u.state === 'complete' && u.number < t.number);
        assert.ok(!earlier.some((u) => neighbours(u.key, t.key)), `trial ${t.number} (${t.key}) is a mutation of ${earlier.map((u) => u.key).join(', ')}`);
      }
      const state = (await storage.strategyState('forgotten'))!;
      assert.deepEqual(state.outstanding, [], 'no proposal is counted as outstanding once every trial is heard');
    });

    test("a study reset (or deleted and made again) never resumes its old trials' checkpoints", async () => {
      const def = definition('reused', 1);
      const seen: boolean[] = [];
      const evaluate: Evaluate = async (ctx) => {
        const ckpt = join(ctx.workdir, 'checkpoint.json');
        seen.push(existsSync(ckpt));
        writeFileSync(ckpt, '{}');
        if (seen.length === 1) throw new Error('the data path in the config is wrong'); // what a corrected config fixes
        return cheap(ctx);
      };
      await runWorker(storage, def, evaluate);
      const fixed = { ...def, config: { ...(def.config as object), corrected: true } };
      await storage.resetStudy('reused', fixed.config);
      await runWorker(storage, fixed, evaluate);
      assert.deepEqual(seen, [false, false], 'the new trial 0 started from an empty workdir');
      assert.equal((await storage.trials('reused'))[0]!.state, 'complete');
      await storage.deleteStudy('reused');
      await runWorker(storage, def, evaluate);
      assert.deepEqual(seen, [false, false, false], 'and so after a delete');
    });

    test('runWorker refuses a study whose stored config differs', async () => {
      const def = definition('cfg', 2);
      await storage.ensureStudy('cfg', { other: true });
      await assert.rejects(runWorker(storage, def, cheap), (e: StudyError) => e.code === 'config-mismatch');
    });
  });
}
