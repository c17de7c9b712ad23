// Every registered strategy on every registered space (and the NAS-Bench-201 cell space) with a
// cheap fake evaluator, exact resume from JSON state, and each strategy's own semantics.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SPACES, type AnySearchSpace, type Genotype } from '../../src/spaces/index.js';
import { Rng, jsonRoundTrip } from '../../src/util/index.js';
import {
  STRATEGIES,
  StrategyError,
  createStrategy,
  getStrategy,
  maximize,
  restoreStrategy,
  type RegularizedEvolution,
  type Strategy,
  type TrialResult,
} from '../../src/strategies/index.js';
import { nasBench201 } from '../../src/spaces/index.js';

const { nb201Space } = nasBench201;

const SPACES_UNDER_TEST: readonly AnySearchSpace[] = SPACES;

/** A stable pseudo-accuracy in [0, 100) from the key: a fake evaluator that costs nothing. */
function fakeScore(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619) >>> 0;
  return (h % 100000) / 1000;
}

function evaluate(space: AnySearchSpace, gs: readonly Genotype[]): TrialResult[] {
  return gs.map((genotype) => {
    const key = space.key(genotype);
    // a training time too, as the tables and the trainer report it (POPNAS predicts it)
    const metrics = { valAccuracy: fakeScore(key), trainTime: fakeScore(`${key}/time`) };
    return { genotype, key, metrics, score: maximize().score(metrics) };
  });
}

/** `rounds` ask/tell rounds of `batch` candidates; returns every proposal's key. */
function drive(space: AnySearchSpace, s: Strategy, rounds: number, batch: number): string[] {
  const keys: string[] = [];
  for (let r = 0; r < rounds; r++) {
    const gs = s.ask(batch);
    assert.equal(gs.length, batch);
    for (const g of gs) space.validate(jsonRoundTrip(g));
    s.tell(evaluate(space, gs));
    keys.push(...gs.map((g) => space.key(g)));
  }
  return keys;
}

const SMALL_PROGRESSIVE = { beamSize: 2, maxExpansions: 40, epochs: 5, ensembleSize: 2, hidden: 8 };
const SMALL = {
  evolution: { populationSize: 6, sampleSize: 3 },
  pnas: SMALL_PROGRESSIVE,
  popnas: SMALL_PROGRESSIVE,
} as Record<string, Record<string, number>>;

for (const factory of STRATEGIES) {
  describe(`strategy '${factory.kind}'`, () => {
    for (const space of SPACES_UNDER_TEST) {
      test(`runs ask/tell rounds on '${space.name}' and resumes exactly from its JSON state`, () => {
        const options = { seed: 3, ...SMALL[factory.kind] };
        const a = createStrategy(factory.kind, space, options);
        assert.equal(a.kind, factory.kind);
        drive(space, a, 4, 3);
        const saved = JSON.parse(JSON.stringify(a.state())) as ReturnType<Strategy['state']>;
        assert.equal(saved.kind, factory.kind);
        assert.equal(saved.space, space.name);
        const b = restoreStrategy(space, saved);
        assert.deepEqual(drive(space, b, 4, 3), drive(space, a, 4, 3), 'the restored strategy proposes what the original does');
        const c = createStrategy(factory.kind, space, options);
        const d = createStrategy(factory.kind, space, { ...options, seed: 4 });
        assert.notDeepEqual(drive(space, c, 3, 3), drive(space, d, 3, 3), 'another seed, another search');
      });
    }

    test('refuses unknown options, a state of another kind or space', () => {
      const space = SPACES[0]!;
      assert.throws(
        () => createStrategy(factory.kind, space, { bogus: 1 }),
        (e: unknown) => e instanceof StrategyError && e.code === 'invalid-option' && /bogus/.test(e.message),
      );
      const state = createStrategy(factory.kind, space, {}).state();
      assert.throws(
        () => factory.restore(nb201Space, state),
        (e: unknown) => e instanceof StrategyError && /saved on space/.test(e.message),
      );
      const other = STRATEGIES.find((f) => f.kind !== factory.kind)!;
      assert.throws(
        () => other.restore(space, state),
        (e: unknown) => e instanceof StrategyError && e.code === 'invalid-state',
      );
    });
  });
}

test('an unknown strategy name suggests the nearest one', () => {
  assert.throws(
    () => getStrategy('evolutoin'),
    (e: unknown) =>
      e instanceof StrategyError && e.code === 'unknown-strategy' && e.message.startsWith("unknown strategy 'evolutoin'; did you mean 'evolution'?"),
  );
  assert.throws(
    () => getStrategy('qqqqqqqqqqqq'),
    (e: unknown) => e instanceof StrategyError && !/did you mean/.test(e.message) && /Known strategies: random, evolution/.test(e.message),
  );
});

test('random search never repeats a key until the space is exhausted', () => {
  const space = nb201Space;
  const s = createStrategy('random', space, { seed: 1 });
  const keys = drive(space, s, 50, 20);
  assert.equal(new Set(keys).size, keys.length);
  // a tiny space: NAS-Bench-Macro's first 3,969 distinct networks are all proposed before a repeat
  const macro = SPACES.find((x) => x.name === 'nas-bench-macro')!;
  const r = createStrategy('random', macro, { seed: 2, maxRetries: 100000 });
  const all = r.ask(3969).map((g) => macro.key(g));
  assert.equal(new Set(all).size, 3969);
  assert.equal(r.ask(1).length, 1, 'past exhaustion a repeat is allowed rather than a hang');
});

test('the objective reads the metric and says which are missing', () => {
  assert.equal(maximize('valAccuracy').score({ valAccuracy: 91.5 }), 91.5);
  assert.throws(
    () => maximize('valAccuracy').score({ testAccuracy: 1 }),
    (e: unknown) => e instanceof StrategyError && /metrics given: testAccuracy/.test(e.message),
  );
});

describe('regularized evolution', () => {
  const space = SPACES.find((x) => x.name === 'nas-bench-macro')!;
  const result = (g: Genotype, score: number): TrialResult => ({ genotype: g, key: space.key(g), metrics: { valAccuracy: score }, score });

  test('samples uniformly until the population is full, then only mutates tournament winners', () => {
    const s = createStrategy('evolution', space, { seed: 5, populationSize: 4, sampleSize: 2 }) as RegularizedEvolution;
    const init = s.ask(4);
    assert.equal(s.ask(0).length, 0);
    s.tell(init.map((g, i) => result(g, i)));
    assert.equal(s.population.length, 4);
    for (let i = 0; i < 20; i++) {
      const [child] = s.ask(1);
      const parents = s.population.map((m) => space.toDecisions(m.genotype));
      const c = space.toDecisions(child!);
      assert.ok(
        parents.some((p) => p.filter((x, j) => x !== c[j]).length === 1),
        'a child is one mutation from a member',
      );
      s.tell([result(child!, 10 + i)]);
      assert.equal(s.population.length, 4);
    }
  });

  test('aging removes the oldest member; aging: false removes the worst', () => {
    const rng = new Rng(9);
    const gs = Array.from({ length: 6 }, () => space.sample(rng));
    const scores = [5, 1, 9, 7, 3, 8];
    const aging = createStrategy('evolution', space, { populationSize: 3, sampleSize: 1 }) as RegularizedEvolution;
    aging.tell(gs.map((g, i) => result(g, scores[i]!)));
    assert.deepEqual(
      aging.population.map((m) => m.score),
      [7, 3, 8],
      'the last three to arrive',
    );
    const elitist = createStrategy('evolution', space, { populationSize: 3, sampleSize: 1, aging: false }) as RegularizedEvolution;
    elitist.tell(gs.map((g, i) => result(g, scores[i]!)));
    assert.deepEqual(
      elitist.population.map((m) => m.score),
      [9, 7, 8],
      'the best three, in order of arrival',
    );
  });

  test('the tournament is the best of S members drawn with replacement (Algorithm 1)', () => {
    // five members that differ in every layer, so each child names its parent
    const archs = ['00000000', '11111111', '22222222', '01201201', '12012012'];
    const s = createStrategy('evolution', space, { seed: 1, populationSize: 5, sampleSize: 5 }) as RegularizedEvolution;
    s.tell(archs.map((arch, i) => result({ arch }, i === 2 ? 99 : i)));
    const best = space.toDecisions({ arch: '22222222' });
    const n = 400;
    let fromBest = 0;
    for (const child of s.ask(n)) if (space.toDecisions(child).filter((x, j) => x !== best[j]).length === 1) fromBest++;
    // the best is in a sample of 5 draws with replacement with odds 1 - 0.8^5 = 0.672 (sd 0.023 at n = 400)
    assert.ok(Math.abs(fromBest / n - 0.672) < 0.1, `children of the best: ${fromBest}/${n}`);
  });

  test('sampleSize above populationSize is refused', () => {
    assert.throws(
      () => createStrategy('evolution', space, { populationSize: 3, sampleSize: 4 }),
      (e: unknown) => e instanceof StrategyError && e.code === 'invalid-option',
    );
  });
});

test('the generator state round-trips: a restored Rng continues the same stream', () => {
  const a = new Rng(42, 7);
  for (let i = 0; i < 10; i++) a.nextU32();
  const b = Rng.fromState(JSON.parse(JSON.stringify(a.state())) as number[]);
  assert.deepEqual(
    Array.from({ length: 20 }, () => b.nextU32()),
    Array.from({ length: 20 }, () => a.nextU32()),
  );
  assert.throws(() => Rng.fromState([0, 0, 0, 0]), RangeError);
});
