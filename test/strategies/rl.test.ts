// The RL controllers (REINFORCE, PPO): exact resume with results outstanding and told out of
// order, learning toward a rewarded choice, PPO's clipping, seeded sampling, no tensor leaks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SPACES, type AnySearchSpace, type Genotype } from '../../src/spaces/index.js';
import { Rng } from '../../src/util/index.js';
import {
  type ControllerStrategy,
  StrategyError,
  clippedSurrogate,
  createStrategy,
  restoreStrategy,
  type Strategy,
  type StrategyState,
  type TrialResult,
} from '../../src/strategies/index.js';
import { grad, manualSeed, rand, tensor, tidy, undisposedTensors } from '../../src/torch/index.js';

const macro = SPACES.find((s) => s.name === 'nas-bench-macro')!;

/** A toy reward: 100 when layer 0 takes choice 2, else 0, plus a little from the other layers. */
function toy(space: AnySearchSpace, g: Genotype): number {
  const d = space.toDecisions(g);
  return (d[0] === 2 ? 100 : 0) + d.slice(1).reduce((a, b) => a + b, 0) * 0.01;
}

function results(space: AnySearchSpace, gs: readonly Genotype[]): TrialResult[] {
  return gs.map((genotype) => {
    const score = toy(space, genotype);
    return { genotype, key: space.key(genotype), metrics: { valAccuracy: score }, score };
  });
}

const keys = (gs: readonly Genotype[]): string[] => gs.map((g) => macro.key(g));

/** Share of `n` fresh samples (drawn with a test generator) whose decision 0 is `choice`. */
function share(s: ControllerStrategy, choice: number, n = 300): number {
  const { decisions } = s.controller.sample(n, new Rng(77));
  return decisions.filter((d) => d[0] === choice).length / n;
}

for (const kind of ['reinforce', 'ppo']) {
  describe(`${kind} controller`, () => {
    test('a restored strategy proposes what the uninterrupted one does, with proposals outstanding and results out of order', () => {
      const a = createStrategy(kind, macro, { seed: 11, batchSize: 4 }) as ControllerStrategy;
      const first = a.ask(6);
      const told = results(macro, first);
      a.tell([told[4]!, told[1]!, told[5]!]);
      a.tell([told[0]!, told[2]!]); // 5 told: one update (batch of 4) and one in the next batch; told[3] outstanding
      assert.equal(a.updates, 1);
      const saved = JSON.parse(JSON.stringify(a.state())) as StrategyState;
      const b = restoreStrategy(macro, saved) as ControllerStrategy;
      for (const s of [a, b]) s.tell([told[3]!]);
      const runA: string[] = [];
      const runB: string[] = [];
      for (let round = 0; round < 4; round++) {
        const ga = a.ask(3);
        const gb = b.ask(3);
        runA.push(...keys(ga));
        runB.push(...keys(gb));
        a.tell(results(macro, ga).reverse());
        b.tell(results(macro, gb).reverse());
      }
      assert.ok(a.updates >= 4);
      assert.deepEqual(runB, runA);
      assert.deepEqual(b.controller.weights(), a.controller.weights(), 'the same updates happened');
      assert.equal(b.baseline, a.baseline);
      a.dispose();
      b.dispose();
    });

    test('the policy moves toward a rewarded choice', () => {
      const s = createStrategy(kind, macro, { seed: 2, unique: false }) as ControllerStrategy;
      const before = share(s, 2);
      assert.ok(before > 0.2 && before < 0.5, `about a third at the start, got ${before}`);
      for (let i = 0; i < 12; i++) s.tell(results(macro, s.ask(5)));
      const after = share(s, 2);
      assert.ok(after > 0.8, `the rewarded choice's share grew from ${before} to ${after}`);
      s.dispose();
    });

    test('sampling is seeded by its own generator, not by the global torch generator', () => {
      manualSeed(1);
      const a = createStrategy(kind, macro, { seed: 5 }) as ControllerStrategy;
      manualSeed(999);
      tidy(() => rand([100])); // move the global stream
      const b = createStrategy(kind, macro, { seed: 5 }) as ControllerStrategy;
      const c = createStrategy(kind, macro, { seed: 6 }) as ControllerStrategy;
      const [ka, kb, kc] = [a, b, c].map((s) => {
        const out: string[] = [];
        for (let i = 0; i < 3; i++) {
          manualSeed(i * 31);
          const gs = s.ask(5);
          s.tell(results(macro, gs));
          out.push(...keys(gs));
        }
        return out;
      });
      assert.deepEqual(kb, ka);
      assert.notDeepEqual(kc, ka);
      for (const s of [a, b, c]) s.dispose();
    });

    test('results of genotypes it did not propose are learned from; outstanding proposals stay pending', () => {
      const s = createStrategy(kind, macro, { seed: 3, batchSize: 2 }) as ControllerStrategy;
      const mine = s.ask(1);
      const user = [macro.parse!('22222222'), macro.parse!('00000000')];
      s.tell(results(macro, user));
      assert.equal(s.updates, 1, 'two user-added results filled a batch');
      const st = s.state();
      assert.deepEqual(
        (st.pending as { key: string }[]).map((p) => p.key),
        keys(mine),
      );
      s.tell(results(macro, mine));
      assert.deepEqual(s.state().pending, []);
      s.dispose();
    });

    test('no tensor leaks: ask/tell/update/state/restore and dispose free what they make', () => {
      const before = undisposedTensors();
      const s = createStrategy(kind, macro, { seed: 4, batchSize: 3 }) as ControllerStrategy;
      s.tell(results(macro, s.ask(3)));
      const warm = undisposedTensors();
      for (let i = 0; i < 5; i++) s.tell(results(macro, s.ask(3)));
      const r = restoreStrategy(macro, s.state()) as ControllerStrategy;
      r.dispose();
      assert.equal(undisposedTensors(), warm, 'steady state: no tensor left behind per round');
      s.dispose();
      assert.equal(undisposedTensors(), before);
    });

    test('refuses bad options and a state with foreign weights', () => {
      assert.throws(
        () => createStrategy(kind, macro, { lr: -1 }),
        (e: unknown) => e instanceof StrategyError && e.code === 'invalid-option' && /lr/.test(e.message),
      );
      assert.throws(
        () => createStrategy(kind, macro, { batchSize: 0 }),
        (e: unknown) => e instanceof StrategyError && /batchSize/.test(e.message),
      );
      const s = createStrategy(kind, macro, { seed: 1 }) as ControllerStrategy;
      const st = s.state() as Record<string, unknown>;
      const before = undisposedTensors();
      assert.throws(
        () => restoreStrategy(macro, { ...st, weights: [[1, 2]] } as unknown as StrategyState),
        (e: unknown) => e instanceof StrategyError && e.code === 'invalid-state' && /weights/.test(e.message),
      );
      assert.equal(undisposedTensors(), before, 'a refused state leaves nothing allocated');
      s.dispose();
    });
  });
}

describe('PPO clipped surrogate', () => {
  // ratio ρ = exp(logp − old); A = ±1; ε = 0.2
  const cases: [number, number, number][] = [
    // ρ, A, min(ρA, clip(ρ)A)
    [1.5, 1, 1.2], // better and already far up: clipped, no more pull
    [0.5, 1, 0.5], // better but pushed down: unclipped, pulls back up
    [1.5, -1, -1.5], // worse and pushed up: unclipped, pulls back down
    [0.5, -1, -0.8], // worse and already far down: clipped
    [1.1, 1, 1.1], // inside the trust region
  ];

  test('takes the pessimistic (min) of the clipped and unclipped objective, with zero gradient where clipped', () => {
    for (const [rho, adv, want] of cases) {
      tidy(() => {
        const logp = tensor([Math.log(rho)]).requiresGrad_();
        const s = clippedSurrogate(logp, tensor([0]), tensor([adv]), 0.2);
        assert.ok(Math.abs(s.item() - want) < 1e-5, `ρ=${rho}, A=${adv}: ${s.item()} vs ${want}`);
        const [g] = grad(s.sum(), [logp]);
        const clipped = (rho > 1.2 && adv > 0) || (rho < 0.8 && adv < 0);
        // d(ρA)/dlogp = ρA where unclipped
        assert.ok(Math.abs(g!.item() - (clipped ? 0 : rho * adv)) < 1e-5, `gradient at ρ=${rho}, A=${adv}: ${g!.item()}`);
      });
    }
  });
});

test('the controller keeps proposing new keys (unique) and runs 300 table-sized queries quickly', () => {
  for (const kind of ['reinforce', 'ppo']) {
    const s: Strategy = createStrategy(kind, macro, { seed: 9 });
    const seen = new Set<string>();
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) {
      const [g] = s.ask(1);
      seen.add(macro.key(g!));
      s.tell(results(macro, [g!]));
    }
    const ms = performance.now() - t0;
    assert.equal(seen.size, 100, `${kind}: 100 distinct proposals`);
    assert.ok(ms < 10000, `${kind}: 100 queries took ${ms.toFixed(0)} ms`);
    (s as ControllerStrategy).dispose();
  }
});
