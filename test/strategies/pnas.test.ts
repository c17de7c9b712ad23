// PNAS and POPNAS: the surrogates learn a known function, the growth rule gives valid partial
// architectures on every space (table entries on the two tabular spaces), proposals follow the
// growth, resume is exact (also with results outstanding), and POPNAS trains a Pareto front.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SPACES, type AnySearchSpace, type Genotype, nasBench201 } from '../../src/spaces/index.js';
import { Rng, jsonRoundTrip } from '../../src/util/index.js';
import { liveTensors, setNumThreads } from '../../src/torch/index.js';
import {
  type ProgressiveSearch,
  StrategyError,
  createStrategy,
  fitSurrogate,
  genericGrowth,
  growthOf,
  restoreStrategy,
  type Strategy,
  type TrialResult,
} from '../../src/strategies/index.js';
import { levelOf } from '../../src/strategies/pnas/index.js';
import { loadTable } from '../../src/tabular/index.js';

setNumThreads(1);
const nb201Space: AnySearchSpace = nasBench201.nb201Space;
const archOf = (space: AnySearchSpace, v: readonly number[]): string => (space.fromDecisions(v) as { arch: string }).arch;
const macro = SPACES.find((s) => s.name === 'nas-bench-macro')!;

/** Spearman's rank correlation (no ties expected). */
function spearman(a: readonly number[], b: readonly number[]): number {
  const rank = (v: readonly number[]): number[] => {
    const r = new Array<number>(v.length);
    v.map((x, i) => [x, i] as const)
      .sort((p, q) => p[0] - q[0])
      .forEach(([, i], k) => {
        r[i] = k;
      });
    return r;
  };
  const [ra, rb] = [rank(a), rank(b)];
  const n = a.length;
  return 1 - (6 * ra.reduce((s, x, i) => s + (x - rb[i]!) ** 2, 0)) / (n * (n * n - 1));
}

/** A known function of an architecture: per-(decision, choice) effects plus one interaction. */
function known(values: readonly number[]): number {
  let y = 0;
  values.forEach((c, i) => {
    y += Math.sin(1.7 * (i + 1) * (c + 1));
  });
  return y + (values[0] === values[values.length - 1] ? 1.5 : 0);
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** A cheap evaluator: accuracy from the known function, a training time from the key. */
function evaluate(space: AnySearchSpace, gs: readonly Genotype[]): TrialResult[] {
  return gs.map((genotype) => {
    const key = space.key(genotype);
    const valAccuracy = 80 + known(space.toDecisions(genotype));
    const metrics = { valAccuracy, trainTime: 100 + (hash(key) % 1000) };
    return { genotype, key, metrics, score: valAccuracy };
  });
}

const FAST = { beamSize: 4, epochs: 30, maxExpansions: 200 };

describe('surrogates', () => {
  const rng = new Rng(11);
  const data = Array.from({ length: 320 }, () => nb201Space.toDecisions(nb201Space.sample(rng)));
  const y = data.map(known);
  for (const [kind, floor] of [
    ['mlp-ensemble', 0.85],
    ['lstm', 0.8],
  ] as const) {
    test(`${kind} fitted on 120 architectures ranks 200 held-out ones (Spearman > ${floor}), freeing its tensors`, () => {
      const before = liveTensors();
      const s = fitSurrogate(nb201Space, data.slice(0, 120), y.slice(0, 120), { kind, ensembleSize: 3, hidden: 32, epochs: 150, lr: 0.02, seed: 1 });
      const rho = spearman(s.predict(data.slice(120)), y.slice(120));
      assert.ok(rho > floor, `Spearman ${rho.toFixed(3)}`);
      assert.equal(liveTensors(), before);
      const again = fitSurrogate(nb201Space, data.slice(0, 120), y.slice(0, 120), { kind, ensembleSize: 3, hidden: 32, epochs: 150, lr: 0.02, seed: 1 });
      assert.deepEqual(again.predict(data.slice(120, 130)), s.predict(data.slice(120, 130)), 'the same data and seed give the same surrogate');
    });
  }
});

describe('growth rule', () => {
  for (const space of SPACES) {
    test(`'${space.name}': blocks partition the decisions and every partial architecture is valid`, () => {
      const g = growthOf(space);
      const n = space.decisions().length;
      assert.deepEqual(
        g.blocks.flat().sort((a, b) => a - b),
        Array.from({ length: n }, (_, i) => i),
      );
      const rng = new Rng(5);
      for (let b = 1; b <= g.blocks.length; b++) {
        const v = [...g.fill];
        for (const i of g.blocks.slice(0, b).flat()) v[i] = rng.int(space.decisions()[i]!.choices.length);
        const genotype = space.validate(jsonRoundTrip(space.fromDecisions(v)));
        assert.deepEqual(space.toDecisions(genotype), v);
        assert.ok(levelOf(g, v) <= b);
      }
    });
  }

  test('the generic rule grows node b of the normal and the reduction cell together', () => {
    const darts = SPACES.find((s) => s.name === 'darts')!;
    const names = genericGrowth(darts).blocks.map((b) => b.map((i) => darts.decisions()[i]!.name));
    assert.equal(names.length, 4);
    assert.deepEqual(names[1], [
      'normal.node1.input1',
      'normal.node1.op1',
      'normal.node1.input2',
      'normal.node1.op2',
      'reduce.node1.input1',
      'reduce.node1.op1',
      'reduce.node1.input2',
      'reduce.node1.op2',
    ]);
    const mnas = SPACES.find((s) => s.name === 'mnasnet')!;
    assert.deepEqual(
      genericGrowth(mnas).blocks[0]!.map((i) => mnas.decisions()[i]!.name),
      ['block1.op', 'block1.kernel', 'block1.se', 'block1.skip', 'block1.filters', 'block1.layers'],
    );
  });

  test('NAS-Bench-Macro grows layer by layer with identities; NAS-Bench-201 node by node with none edges; all in the tables', () => {
    const m = growthOf(macro);
    assert.equal(m.blocks.length, 8);
    assert.equal(
      archOf(
        macro,
        m.fill.map((v, i) => (i === 0 ? 2 : v)),
      ),
      '20000000',
    );
    const n = growthOf(nb201Space);
    const partial = [...n.fill];
    partial[n.blocks[0]![0]!] = 3;
    assert.equal(archOf(nb201Space, partial), '|none~0|+|none~0|none~1|+|nor_conv_3x3~0|none~1|none~2|');
    const step2 = [...partial];
    for (const i of n.blocks[1]!) step2[i] = 1;
    assert.equal(archOf(nb201Space, step2), '|skip_connect~0|+|none~0|none~1|+|nor_conv_3x3~0|skip_connect~1|none~2|');
    for (const [name, space, g] of [
      ['nas-bench-macro', macro, m],
      ['nas-bench-201', nb201Space, n],
    ] as const) {
      const table = loadTable(name);
      const rng = new Rng(3);
      for (let b = 1; b <= g.blocks.length; b++) {
        const v = [...g.fill];
        for (const i of g.blocks.slice(0, b).flat()) v[i] = rng.int(space.decisions()[i]!.choices.length);
        assert.ok(table.has(space.fromDecisions(v)));
      }
    }
  });
});

describe('progressive search', () => {
  test('step b proposes architectures of at most b blocks, then one-decision refinements; no key twice', () => {
    const s = createStrategy('pnas', nb201Space, { seed: 2, ...FAST }) as ProgressiveSearch;
    const g = growthOf(nb201Space);
    const keys = new Set<string>();
    for (let round = 0; round < 8; round++) {
      const step = s.currentStep;
      const gs = s.ask(FAST.beamSize);
      for (const x of gs) {
        if (step <= g.blocks.length) assert.ok(levelOf(g, nb201Space.toDecisions(x)) <= step, `step ${step}`);
        const k = nb201Space.key(x);
        assert.ok(!keys.has(k), 'a key is proposed once');
        keys.add(k);
      }
      s.tell(evaluate(nb201Space, gs));
    }
    assert.ok(s.currentStep > g.blocks.length, 'past the last block it refines');
    assert.equal(s.ask(1).length, 1);
  });

  test('a step trains the K expansions the surrogate ranks best; extra asks get the next best', () => {
    const s = createStrategy('pnas', nb201Space, { seed: 4, ...FAST }) as ProgressiveSearch;
    while (s.lastScoring === null) s.tell(evaluate(nb201Space, s.ask(FAST.beamSize)));
    const sc = s.lastScoring!;
    const order = sc.accuracy.map((_, i) => i).sort((a, b) => sc.accuracy[b]! - sc.accuracy[a]! || a - b);
    const asked = s.ask(FAST.beamSize + 3).map((x) => nb201Space.toDecisions(x));
    assert.deepEqual(
      asked,
      order.slice(0, FAST.beamSize + 3).map((i) => sc.candidates[i]),
    );
  });

  for (const kind of ['pnas', 'popnas'] as const) {
    for (const surrogate of ['mlp-ensemble', 'lstm'] as const) {
      test(`${kind} (${surrogate}) resumes from JSON with results outstanding and proposes what the original does`, () => {
        const run = (s: Strategy, rounds: number): string[] => {
          const out: string[] = [];
          for (let r = 0; r < rounds; r++) {
            const gs = s.ask(3);
            out.push(...gs.map((x) => nb201Space.key(x)));
            s.tell(evaluate(nb201Space, gs.slice(0, 2)));
            s.tell(evaluate(nb201Space, gs.slice(2)));
          }
          return out;
        };
        const a = createStrategy(kind, nb201Space, { seed: 7, ...FAST, surrogate });
        run(a, 3);
        const open = a.ask(5); // five outstanding: the state must carry them
        const b = restoreStrategy(nb201Space, JSON.parse(JSON.stringify(a.state())));
        for (const s of [a, b]) s.tell(evaluate(nb201Space, open.slice(0, 2)));
        assert.deepEqual(
          b.ask(2).map((x) => nb201Space.key(x)),
          a.ask(2).map((x) => nb201Space.key(x)),
        );
        for (const s of [a, b]) s.tell(evaluate(nb201Space, open.slice(2)));
        assert.deepEqual(run(b, 3), run(a, 3));
      });
    }
  }

  test('POPNAS trains the Pareto front of predicted accuracy vs. predicted cost (capped at K, filled by accuracy)', () => {
    const s = createStrategy('popnas', nb201Space, { seed: 9, ...FAST }) as ProgressiveSearch;
    let checked = 0;
    for (let round = 0; round < 10; round++) {
      s.tell(evaluate(nb201Space, s.ask(FAST.beamSize)));
      const sc = s.lastScoring;
      if (sc === null || sc.step !== s.currentStep) continue;
      const acc = sc.accuracy;
      const cost = sc.cost!;
      const dominated = (i: number): boolean => acc.some((a, j) => j !== i && a >= acc[i]! && cost[j]! <= cost[i]! && (a > acc[i]! || cost[j]! < cost[i]!));
      const front = acc.map((_, i) => i).filter((i) => !dominated(i));
      const chosen = new Set(sc.chosen);
      assert.equal(chosen.size, Math.min(FAST.beamSize, acc.length));
      if (front.length >= FAST.beamSize) {
        for (const i of chosen) assert.ok(!dominated(i), 'a chosen candidate is on the predicted front');
      } else {
        for (const i of front) assert.ok(chosen.has(i), 'the whole front is chosen');
        const rest = acc.map((_, i) => i).filter((i) => !front.includes(i));
        const worstChosen = Math.min(...rest.filter((i) => chosen.has(i)).map((i) => acc[i]!));
        for (const i of rest.filter((j) => !chosen.has(j))) assert.ok(acc[i]! <= worstChosen, 'filled by accuracy');
      }
      checked++;
    }
    assert.ok(checked >= 3, `scored steps checked: ${checked}`);
  });

  test('options and metrics are checked with typed errors that say what to do', () => {
    const invalid = (re: RegExp) => (e: unknown) => e instanceof StrategyError && e.code === 'invalid-option' && re.test(e.message);
    assert.throws(() => createStrategy('pnas', macro, { surrogate: 'lstn' }), invalid(/unknown surrogate 'lstn'.*[Dd]id you mean 'lstm'/));
    assert.throws(() => createStrategy('pnas', macro, { costMetric: 'trainTime' }), invalid(/costMetric.*use the strategy 'popnas'/));
    assert.throws(() => createStrategy('pnas', macro, { beamSize: 0 }), invalid(/beamSize/));
    const s = createStrategy('popnas', macro, { seed: 1, costMetric: 'latency' });
    const [g] = s.ask(1);
    assert.throws(
      () => s.tell([{ genotype: g!, key: macro.key(g!), metrics: { valAccuracy: 90 }, score: 90 }]),
      (e: unknown) => e instanceof StrategyError && e.code === 'missing-metric' && /'latency'.*metrics given: valAccuracy/.test(e.message),
    );
  });
});
