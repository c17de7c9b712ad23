// Multi-fidelity studies on every backend: Hyperband asked by two workers at once, on a cheap
// evaluator whose score comes from the genotype and the epochs. Trials follow the bracket table,
// promotions keep the top 1/η of each rung (a failed trial never goes on), a promotion names its
// parent, and the stored state is the scheduler's around the strategy's.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hyperbandBrackets } from '../../src/strategies/index.js';
import { openStorage, runWorker, type Evaluate, type Storage, type Trial } from '../../src/study/index.js';
import { backends, definition, pseudoAccuracy, sleep } from './helpers.js';

/** a genotype's quality, lower at fewer epochs by the same amount for all (so rung order = quality order) */
const scoreOf = (key: string, epochs: number): number => pseudoAccuracy(key) - 30 / epochs;

for (const backend of backends()) {
  describe(`multi-fidelity study on ${backend.name}`, { timeout: 60_000 }, () => {
    let storage: Storage;
    const root = mkdtempSync(join(tmpdir(), 'nasforge-hb-'));
    before(async () => {
      storage = await openStorage(await backend.url());
    });
    after(async () => {
      await storage?.close();
      await backend.cleanup();
      rmSync(root, { recursive: true, force: true });
    });

    test('two workers run Hyperband: fidelities follow the bracket table, promotions pick the top 1/η', async () => {
      const scheduler = { mode: 'hyperband', minBudget: 1, maxBudget: 9, eta: 3, brackets: 3 } as const;
      const def = definition('hyperband', 100, 'random', { scheduler, heartbeatSeconds: 0.2 });
      await storage.ensureStudy(def.name, def.config);
      // a user's result goes to the inner strategy, not the scheduler
      await storage.addTrial('hyperband', { genotype: { arch: '22222222' }, key: '22222222', metrics: { valAccuracy: 90 }, score: 90 });
      const seen: { trial: number; fidelity: number | null; parentWorkdir: string | null }[] = [];
      const evaluate: Evaluate = async (ctx) => {
        seen.push({ trial: ctx.trial.number, fidelity: ctx.trial.fidelity, parentWorkdir: ctx.parentWorkdir });
        await sleep(5 + (ctx.trial.number % 3) * 5);
        if (ctx.trial.number === 4) throw new Error('out of memory (simulated)');
        return { valAccuracy: scoreOf(ctx.trial.key, ctx.trial.fidelity!) };
      };
      const lines: string[] = [];
      const o = { workdirRoot: root, log: (l: string) => lines.push(l) };
      const [a, b] = await Promise.all([runWorker(storage, def, evaluate, { ...o, worker: 'a' }), runWorker(storage, def, evaluate, { ...o, worker: 'b' })]);
      assert.ok(a.completed > 0 && b.completed > 0, `both workers trained: ${a.completed}, ${b.completed}`);
      assert.ok(!lines.some((l) => /not waiting/.test(l)), lines.join('\n'));

      const trials = (await storage.trials('hyperband')).filter((t) => t.bracket !== null);
      const plans = hyperbandBrackets(1, 9, 3); // (9 at 1, 3 at 3, 1 at 9), (5 at 3, 1 at 9), (3 at 9)
      assert.equal(trials.length, 13 + 6 + 3, 'one Hyperband cycle, every rung a trial');
      for (const [bi, plan] of plans.entries()) {
        const rungs = plan.map((_, i) => trials.filter((t) => t.bracket === bi && t.rung === i));
        assert.deepEqual(
          rungs.map((r) => r.length),
          plan.map((p) => p.configs),
          `bracket ${bi}: configurations per rung`,
        );
        for (const [i, rung] of rungs.entries()) {
          assert.ok(
            rung.every((t) => t.fidelity === plan[i]!.budget),
            `bracket ${bi} rung ${i} trains ${plan[i]!.budget} epochs`,
          );
          if (i === 0) {
            assert.ok(rung.every((t) => t.parent === null));
            continue;
          }
          const below = rungs[i - 1]!.filter((t) => t.state === 'complete').sort((x, y) => y.score! - x.score!);
          const top = below.slice(0, rung.length);
          assert.deepEqual(rung.map((t) => t.key).sort(), top.map((t) => t.key).sort(), `bracket ${bi} rung ${i}: the top ${rung.length} of the rung below`);
          const parentOf = (t: Trial): Trial => below.find((u) => u.key === t.key)!;
          assert.deepEqual(
            rung.map((t) => t.parent),
            rung.map((t) => parentOf(t).number),
            'a promotion names the trial it continues',
          );
        }
      }
      const failed = trials.find((t) => t.number === 4)!;
      assert.equal(failed.state, 'failed');
      assert.ok(!trials.some((t) => t.key === failed.key && t.rung! > 0), 'a failed training is never promoted');
      assert.ok(trials.filter((t) => t.number !== 4).every((t) => t.state === 'complete' && t.score === scoreOf(t.key, t.fidelity!)));
      const promoted = seen.find((s) => trials.find((t) => t.number === s.trial)!.parent !== null)!;
      assert.match(promoted.parentWorkdir!, /hyperband[/\\]trial-\d+$/, "a promotion is given its parent's workdir");

      const state = (await storage.strategyState('hyperband'))!;
      assert.equal(state.kind, 'halving');
      assert.equal(state.completed, 3, 'the scheduler completed its three brackets');
      const inner = state.inner as { kind: string; seen: string[] };
      assert.equal(inner.kind, 'random');
      assert.ok(inner.seen.includes('22222222'), 'the user-added result was told to the strategy');
    });

    test('a study stored without a scheduler is not continued with one', async () => {
      const plain = definition('plain', 1);
      await runWorker(storage, plain, async (ctx) => ({ valAccuracy: pseudoAccuracy(ctx.trial.key) }), { workdirRoot: root });
      const withScheduler = { ...plain, budget: { trials: 2 }, scheduler: { minBudget: 1, maxBudget: 3 } };
      await assert.rejects(
        runWorker(storage, withScheduler, async () => ({ valAccuracy: 1 }), { workdirRoot: root }),
        /stores the state of strategy 'random' without a scheduler, but a scheduler was asked for/,
      );
    });
  });
}
