// The two tables read from the shared data files: known entries, evaluators, ranks, strategies
// on the tables (speed and resume), the NAS-Bench-201 space and network, and data-path errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveTensors, randn, setNumThreads, tidy } from '../../src/torch/index.js';
import { Rng } from '../../src/util/index.js';
import { createStrategy, maximize, restoreStrategy, type Strategy } from '../../src/strategies/index.js';
import { nasBench201 } from '../../src/spaces/index.js';
import { TableError, loadTable, runOnTable, tableEvaluator, findDataFile, type TabularBenchmark } from '../../src/tabular/index.js';

const { nb201Space } = nasBench201;
setNumThreads(1);

const BEST_MACRO = { arch: '22212220' };
const NB201_ROW_1 = { arch: '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|' };

test('NAS-Bench-Macro: known entries, seeded runs, mean, rank and optimum', () => {
  const t = loadTable('nas-bench-macro');
  assert.equal(t.size, 6561);
  const m = t.query(BEST_MACRO, { run: 'mean' });
  assert.equal(m.valAccuracy, 93.12666320800781);
  assert.equal(m.testAccuracy, 93.12666320800781);
  assert.equal(m.params, 1985514);
  assert.equal(m.flops, 85164544);
  assert.ok(m.trainTime! > 0);
  assert.deepEqual(
    [0, 1, 2].map((run) => t.query(BEST_MACRO, { run }).valAccuracy),
    [93.27999877929688, 93.32999420166016, 92.7699966430664],
  );
  assert.equal(t.optimum, 93.12666320800781);
  assert.equal(t.rank(t.reportedAccuracy(BEST_MACRO)), 1);
  assert.equal(t.reportedAccuracy({ arch: '22212202' }), t.reportedAccuracy(BEST_MACRO), 'an equivalent arch has the same record');
  const evalA = tableEvaluator(t, { seed: 1 });
  const runs = new Set<number>();
  for (let s = 0; s < 20; s++) runs.add(tableEvaluator(t, { seed: s })(BEST_MACRO).valAccuracy!);
  assert.equal(runs.size, 3, 'seeds draw each of the three recorded runs');
  assert.equal(evalA(BEST_MACRO).valAccuracy, tableEvaluator(t, { seed: 1 })(BEST_MACRO).valAccuracy, 'the same seed, the same run');
  assert.equal(tableEvaluator(t, { metric: 'mean' })(BEST_MACRO).valAccuracy, 93.12666320800781);
});

test('NAS-Bench-201: known entries with latencies; only averaged results', () => {
  const t = loadTable('nas-bench-201');
  assert.equal(t.size, 15625);
  const m = tableEvaluator(t)(NB201_ROW_1);
  assert.equal(m.valAccuracy, 90.7693);
  assert.equal(m.testAccuracy, 90.5133);
  assert.equal(m.trainAccuracy, 99.9853);
  assert.equal(m.trainTime, 2169.6);
  assert.equal(m.latencyMs_raspi4, 54.7774);
  assert.equal(m.latencyMs_1080ti_1, 12.9003);
  const best = t.space.presets.best!.genotype;
  assert.equal(t.query(best, { run: 'mean' }).valAccuracy, 91.6067, 'the preset is the best cell by validation');
  assert.throws(
    () => tableEvaluator(t, { metric: 'run' }),
    (e: unknown) => e instanceof TableError && /averaged results only/.test(e.message),
  );
  assert.ok(t.rank(t.reportedAccuracy(NB201_ROW_1)) > 1);
  assert.equal(t.rank(t.optimum), 1);
});

test('table mistakes: unknown names, missing files, genotypes of another space', () => {
  assert.throws(
    () => loadTable('nas-bench-21'),
    (e: unknown) => e instanceof TableError && /did you mean 'nas-bench-201'\?/.test(e.message),
  );
  assert.throws(
    () => findDataFile('nas-bench-macro', 'x.json', '/nonexistent/x.json'),
    (e: unknown) => e instanceof TableError && e.code === 'missing-data' && /\/nonexistent\/x\.json/.test(e.message),
  );
  const t = loadTable('nas-bench-macro');
  assert.throws(() => t.query({ arch: '2221222' }, { run: 'mean' }), /genotype\.arch/);
});

function drive(t: TabularBenchmark, s: Strategy, n: number): string[] {
  const evaluate = tableEvaluator(t, { seed: 0 });
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const [g] = s.ask(1);
    const metrics = evaluate(g!);
    const key = t.space.key(g!);
    s.tell([{ genotype: g!, key, metrics, score: maximize().score(metrics) }]);
    keys.push(key);
  }
  return keys;
}

for (const name of ['nas-bench-macro', 'nas-bench-201']) {
  for (const kind of ['random', 'evolution']) {
    test(`${kind} on ${name}: 300 queries well under 10 s, and a mid-run resume proposes the same`, () => {
      const t = loadTable(name);
      const run = runOnTable(t, kind, { queries: 300, seed: 7, options: kind === 'evolution' ? { populationSize: 50, sampleSize: 10 } : {} });
      assert.ok(run.ms < 10_000, `${run.ms} ms`);
      assert.equal(run.best.length, 300);
      assert.ok(run.best.every((v) => v > 0 && v <= t.optimum));
      assert.ok(run.distinct > 100, `distinct architectures queried: ${run.distinct}`);
      const a = createStrategy(kind, t.space, kind === 'evolution' ? { seed: 2, populationSize: 10, sampleSize: 3 } : { seed: 2 });
      drive(t, a, 30);
      const b = restoreStrategy(t.space, JSON.parse(JSON.stringify(a.state())));
      assert.deepEqual(drive(t, b, 30), drive(t, a, 30));
    });
  }
}

test("the nas-bench-201 space: arch strings round-trip, the network has the benchmark's parameter counts", () => {
  const rng = new Rng(3);
  for (let i = 0; i < 50; i++) {
    const g = nb201Space.sample(rng);
    assert.deepEqual(nb201Space.fromDecisions(nb201Space.toDecisions(g)), g);
    assert.equal(nb201Space.parse!(g.arch).arch, g.arch);
  }
  // NAS-Bench-201's parameter range on CIFAR-10: 0.073306 M (no conv in the cells) to 1.531546 M (all conv3x3)
  assert.equal(nb201Space.cost(nb201Space.fromDecisions([3, 3, 3, 3, 3, 3])).params, 1531546);
  assert.equal(nb201Space.cost(nb201Space.fromDecisions([0, 1, 4, 0, 1, 4])).params, 73306);
  assert.throws(() => nb201Space.validate({ arch: '|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|' }), /an op among/);
  const net = nb201Space.build(NB201_ROW_1, nb201Space.tiny.stack);
  const live = liveTensors();
  tidy(() => {
    const y = net.forward(randn([2, 3, 8, 8]));
    assert.deepEqual(y.shape, [2, 10]);
    y.sum().backward();
  });
  assert.equal(liveTensors(), live);
  net.dispose();
});
