// Pareto utilities on hand-made point sets, and evolution's Pareto selection.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/util/index.js';
import { SPACES, type Genotype } from '../../src/spaces/index.js';
import {
  IncrementalFront,
  StrategyError,
  createStrategy,
  crowdingDistances,
  dominates,
  hypervolume,
  hypervolume2d,
  nonDominatedRanks,
  parseParetoMetrics,
  paretoFront,
  restoreStrategy,
  type Direction,
  type RegularizedEvolution,
  type TrialResult,
} from '../../src/strategies/index.js';

const AF: Direction[] = ['maximize', 'minimize']; // accuracy up, FLOPs down
// A, B, C (dominated by B), D, E (equal to B), F (dominated by A)
const POINTS = [
  [90, 100],
  [92, 200],
  [91, 300],
  [89, 50],
  [92, 200],
  [88, 100],
];

test('dominance, the front and non-dominated ranks under mixed directions', () => {
  assert.ok(dominates([92, 200], [91, 300], AF));
  assert.ok(!dominates([92, 200], [92, 200], AF), 'equal points do not dominate each other');
  assert.ok(!dominates([90, 100], [92, 200], AF) && !dominates([92, 200], [90, 100], AF));
  assert.deepEqual(paretoFront(POINTS, AF), [0, 1, 3, 4]);
  assert.deepEqual(nonDominatedRanks(POINTS, AF), [0, 0, 1, 0, 0, 1]);
  assert.deepEqual(nonDominatedRanks([[1], [3], [2], [3]], ['maximize']), [2, 0, 1, 0]);
});

test('2-D hypervolume by hand: union of boxes above the reference', () => {
  // beyond ref (80, 400): A = 10 × 300, B = 12 × 200, D = 9 × 350 (oriented widths × heights)
  // union: B 12·200 = 2400, + A 10·(300−200) = 1000, + D 9·(350−300) = 450 → 3850
  assert.equal(hypervolume2d(POINTS, AF, [80, 400]), 3850);
  assert.equal(hypervolume(POINTS, AF, [80, 400]), 3850);
  // a point not strictly beyond the reference adds nothing: D's FLOPs 50 ≥ ref 40 is worse
  assert.equal(hypervolume2d([[89, 50]], AF, [80, 40]), 0);
  assert.equal(
    hypervolume2d(
      [
        [90, 100],
        [85, 30],
      ],
      AF,
      [80, 100],
    ),
    5 * 70,
  );
  assert.equal(hypervolume2d([], AF, [0, 0]), 0);
  assert.throws(() => hypervolume2d([[1, 2, 3]], ['maximize', 'maximize', 'maximize'], [0, 0, 0]), StrategyError);
});

test('n-D hypervolume by hand and against the 2-D sweep', () => {
  const up3: Direction[] = ['maximize', 'maximize', 'maximize'];
  assert.equal(hypervolume([[1, 1, 1]], up3, [0, 0, 0]), 1);
  assert.equal(
    hypervolume(
      [
        [1, 0.5, 0.5],
        [0.5, 1, 0.5],
      ],
      up3,
      [0, 0, 0],
    ),
    0.375,
  ); // 0.25 + 0.25 − 0.125
  assert.equal(
    hypervolume(
      [
        [1, 0.5, 0.5],
        [0.5, 1, 0.5],
        [0.5, 0.5, 1],
      ],
      up3,
      [0, 0, 0],
    ),
    0.5,
  ); // 3·0.25 − 3·0.125 + 0.125
  assert.equal(
    hypervolume(
      [
        [2, 1, 1, 3],
        [1, 1, 1, 1],
      ],
      ['maximize', 'maximize', 'maximize', 'maximize'],
      [0, 0, 0, 0],
    ),
    6,
  );
  const rng = new Rng(3);
  for (let t = 0; t < 20; t++) {
    const pts = Array.from({ length: 30 }, () => [rng.int(1000) / 10, rng.int(1000) / 10]);
    const two = hypervolume2d(pts, AF, [0, 100]);
    assert.ok(Math.abs(hypervolume(pts, AF, [0, 100]) - two) < 1e-6);
    // a third metric constant at 3 above a reference of 1 doubles the volume
    const lifted = hypervolume(
      pts.map((p) => [...p, 3]),
      [...AF, 'maximize'],
      [0, 100, 1],
    );
    assert.ok(Math.abs(lifted - 2 * two) < 1e-6, `${lifted} vs ${2 * two}`);
  }
});

test('crowding distance: extremes are infinite, inner points sum normalized neighbour gaps', () => {
  const front = [
    [1, 10],
    [2, 7],
    [4, 4],
    [10, 0],
  ];
  const d = crowdingDistances(front, [0, 0, 0, 0]);
  assert.equal(d[0], Infinity);
  assert.equal(d[3], Infinity);
  assert.ok(Math.abs(d[1]! - ((4 - 1) / 9 + (10 - 4) / 10)) < 1e-12);
  assert.ok(Math.abs(d[2]! - ((10 - 2) / 9 + (7 - 0) / 10)) < 1e-12);
});

test('an incremental front equals the batch front on random points', () => {
  const rng = new Rng(11);
  const pts = Array.from({ length: 300 }, () => [rng.int(100000) / 1000, rng.int(100000) / 1000]);
  const inc = new IncrementalFront<number>(AF);
  pts.forEach((p, i) => inc.add(i, p));
  assert.deepEqual(
    [...inc.items].sort((a, b) => a - b),
    paretoFront(pts, AF),
  );
  assert.equal(inc.hypervolume([0, 100]), hypervolume2d(pts, AF, [0, 100]));
});

test('parseParetoMetrics reads signs and refuses bad lists', () => {
  assert.deepEqual(parseParetoMetrics('valAccuracy, -latencyMs_raspi4'), [
    { name: 'valAccuracy', direction: 'maximize' },
    { name: 'latencyMs_raspi4', direction: 'minimize' },
  ]);
  assert.throws(() => parseParetoMetrics('valAccuracy'), /at least 2 metrics/);
  assert.throws(() => parseParetoMetrics('valAccuracy,--flops'), /metrics\[1\] is "--flops"/);
});

const space = SPACES.find((x) => x.name === 'nas-bench-macro')!;
const result = (g: Genotype, score: number, acc: number, flops: number): TrialResult => ({
  genotype: g,
  key: space.key(g),
  metrics: { valAccuracy: acc, flops },
  score,
});

test('evolution with pareto: the worst by non-dominated rank dies, whatever its score', () => {
  const rng = new Rng(9);
  const gs = Array.from({ length: 4 }, () => space.sample(rng));
  const s = createStrategy('evolution', space, { populationSize: 3, sampleSize: 1, aging: false, pareto: 'valAccuracy,-flops' }) as RegularizedEvolution;
  // the third is dominated by the first two, yet has the highest score
  s.tell([result(gs[0]!, 1, 90, 100), result(gs[1]!, 2, 91, 110), result(gs[2]!, 99, 85, 200), result(gs[3]!, 0, 80, 50)]);
  assert.deepEqual(
    s.population.map((m) => m.score),
    [1, 2, 0],
  );
  const plain = createStrategy('evolution', space, { populationSize: 3, sampleSize: 1, aging: false }) as RegularizedEvolution;
  plain.tell([result(gs[0]!, 1, 90, 100), result(gs[1]!, 2, 91, 110), result(gs[2]!, 99, 85, 200), result(gs[3]!, 0, 80, 50)]);
  assert.deepEqual(
    plain.population.map((m) => m.score),
    [1, 2, 99],
  );
  assert.throws(
    () => s.tell([{ genotype: gs[0]!, key: 'k', metrics: { valAccuracy: 1 }, score: 1 }]),
    (e: unknown) => e instanceof StrategyError && /'flops'/.test(e.message),
  );
  assert.throws(
    () => createStrategy('evolution', space, { pareto: 'valAccuracy' }),
    (e: unknown) => e instanceof StrategyError && e.code === 'invalid-option' && /option 'pareto': a Pareto front needs at least 2 metrics/.test(e.message),
  );
});

test('evolution with pareto: tournaments pick the front member, and the state resumes exactly', () => {
  const archs = ['00000000', '11111111', '22222222', '01201201', '12012012'];
  const s = createStrategy('evolution', space, { seed: 1, populationSize: 5, sampleSize: 5, pareto: 'valAccuracy,-flops' }) as RegularizedEvolution;
  // '22222222' dominates every other member but has the lowest score
  s.tell(archs.map((arch, i) => result({ arch }, i === 2 ? -5 : i, i === 2 ? 95 : 80 + i, i === 2 ? 10 : 100 + i)));
  const copy = restoreStrategy(space, JSON.parse(JSON.stringify(s.state())) as ReturnType<typeof s.state>);
  const best = space.toDecisions({ arch: '22222222' });
  const n = 400;
  const children = s.ask(n);
  const fromBest = children.filter((c) => space.toDecisions(c).filter((x, j) => x !== best[j]).length === 1).length;
  // the front member is in a sample of 5 draws with replacement with odds 1 - 0.8^5 = 0.672
  assert.ok(Math.abs(fromBest / n - 0.672) < 0.1, `children of the front member: ${fromBest}/${n}`);
  assert.deepEqual(copy.ask(n), children, 'the restored strategy proposes the same children');
});
