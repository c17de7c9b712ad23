// Runs bounded by simulated training time (the NAS-Bench-201 paper's protocol): a run stops
// before the query whose training would take the total past the budget, its search up to there
// is the unbudgeted run's, and the CLI reports what each budget bought.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { type Genotype } from '../../src/spaces/index.js';
import { paretoObjective, parseParetoMetrics, type Metrics } from '../../src/strategies/index.js';
import {
  TableError,
  distinctGenotypes,
  loadTable,
  paretoSetup,
  runOnTable,
  summarizeBudget,
  tableEvaluator,
  type TabularBenchmark,
} from '../../src/tabular/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

/** The table's evaluator, recording each query's training time in order. */
function recording(table: TabularBenchmark, seed: number): { evaluate: (g: Genotype) => Metrics; times: number[]; val: Map<string, number> } {
  const base = tableEvaluator(table, { seed });
  const times: number[] = [];
  const val = new Map<string, number>();
  return {
    times,
    val,
    evaluate: (g) => {
      const m = base(g);
      times.push(m.trainTime!);
      val.set(table.space.key(g), m.valAccuracy!);
      return m;
    },
  };
}

test('a run stops before the query whose training would pass the budget; until then it is the unbudgeted run', () => {
  for (const [name, strategy, budget] of [
    ['nas-bench-201', 'random', 20_000],
    ['nas-bench-201', 'evolution', 60_000],
    ['nas-bench-macro', 'evolution', 5_000],
  ] as const) {
    const table = loadTable(name);
    const rec = recording(table, 3);
    const r = runOnTable(table, strategy, { queries: 300, seed: 3, budgetSeconds: budget, evaluate: rec.evaluate });
    const k = r.budget!.queries;
    assert.ok(k > 3 && k < 300, `${name} ${strategy}: ${k} queries`);
    const spent = rec.times.slice(0, k).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(spent - r.budget!.trainTime) < 1e-6, "the time charged is the queries' training time");
    assert.ok(spent <= budget, `${spent} within ${budget}`);
    assert.equal(rec.times.length, k + 1, 'one more query was evaluated, and refused');
    assert.ok(spent + rec.times[k]! > budget, 'the refused query would have passed the budget');
    assert.equal(r.best.length, 300, 'the curve still has one value per query');
    assert.ok(
      r.best.slice(k).every((v) => v === r.best[k - 1]),
      'after the budget the best found stays',
    );
    const free = runOnTable(table, strategy, { queries: k, seed: 3 });
    assert.deepEqual(r.best.slice(0, k), free.best, 'the same search as without a budget, up to where it ends');
    assert.equal(r.bestKey, free.bestKey);
    assert.equal(r.bestValAccuracy, rec.val.get(r.bestKey), 'bestValAccuracy is what the strategy saw of its best');
  }
});

test('budget edges: queries still cap a run, the first query always counts, mistakes are typed errors', () => {
  const table = loadTable('nas-bench-201');
  const capped = runOnTable(table, 'random', { queries: 40, seed: 1, budgetSeconds: 1e9 });
  assert.equal(capped.budget!.queries, 40);
  const tiny = runOnTable(table, 'random', { queries: 40, seed: 1, budgetSeconds: 1 });
  assert.equal(tiny.budget!.queries, 1, 'a search that trained nothing would have no best');
  assert.ok(tiny.best.every((v) => v === tiny.best[0] && Number.isFinite(v)));
  assert.equal(runOnTable(table, 'random', { queries: 40, seed: 1 }).budget, undefined);
  for (const bad of [0, -5, Number.NaN]) {
    assert.throws(
      () => runOnTable(table, 'random', { queries: 5, seed: 0, budgetSeconds: bad }),
      (e: unknown) => e instanceof TableError && e.code === 'invalid-option' && /positive number of seconds/.test(e.message),
    );
  }
  const base = tableEvaluator(table);
  const noTime = (g: Genotype): Metrics => {
    const { trainTime: _, ...m } = base(g);
    return m;
  };
  assert.throws(
    () => runOnTable(table, 'random', { queries: 5, seed: 0, budgetSeconds: 100, evaluate: noTime }),
    (e: unknown) => e instanceof TableError && /needs the metric 'trainTime'; the table gives .*valAccuracy/.test(e.message),
  );
});

test('summarizeBudget: mean and spread of what the budget bought; a multi-objective run keeps one hypervolume per query', () => {
  const table = loadTable('nas-bench-201');
  const runs = [0, 1, 2, 3].map((seed) => runOnTable(table, 'random', { queries: 200, seed, budgetSeconds: 50_000 }));
  const s = summarizeBudget(runs)!;
  const q = runs.map((r) => r.budget!.queries);
  assert.equal(s.queries.mean, q.reduce((a, b) => a + b, 0) / 4);
  assert.equal(s.queries.min, Math.min(...q));
  assert.ok(s.queries.sd >= 0 && Math.abs(s.queries.stderr - s.queries.sd / 2) < 1e-12);
  assert.ok(s.trainTime.mean <= 50_000);
  assert.equal(s.reported.mean, runs.reduce((a, r) => a + r.best[199]!, 0) / 4);
  assert.ok(s.valAccuracy.mean > 80 && s.valAccuracy.mean <= 91.61);
  assert.equal(summarizeBudget(runs.map((r) => ({ ...r, budget: undefined }))), undefined);

  const metrics = parseParetoMetrics('valAccuracy,-latencyMs_raspi4');
  const setup = paretoSetup(table, distinctGenotypes(table.space), tableEvaluator(table), metrics);
  const p = runOnTable(table, 'random', { queries: 150, seed: 0, budgetSeconds: 40_000, objective: paretoObjective(metrics), pareto: setup });
  assert.ok(p.budget!.queries < 150);
  assert.equal(p.hypervolume!.length, 150);
  assert.equal(p.frontVerified, true);
});

test('CLI --budget-seconds: the JSON keeps its form and adds what each budget bought; bad values exit 2', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, 'benchmark-strategies', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NASFORGE_THREADS: '1' } });
  const r = run('--table', 'nas-bench-201', '--strategies', 'random,evolution', '--seeds', '5', '--queries', '150', '--budget-seconds', '100000', '--json');
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as {
    results: Record<string, Record<string, { mean: number; stderr: number }>>;
    budget: {
      seconds: number;
      metric: string;
      results: Record<string, { queries: { mean: number; min: number; max: number }; valAccuracy: { mean: number; sd: number }; reported: { mean: number } }>;
    };
  };
  assert.deepEqual(Object.keys(j.results.random!), ['25', '50', '100', '150']);
  assert.equal(j.budget.seconds, 100000);
  assert.equal(j.budget.metric, 'trainTime');
  for (const name of ['random', 'evolution']) {
    const b = j.budget.results[name]!;
    assert.ok(b.queries.mean > 30 && b.queries.max <= 150, `${name}: ${b.queries.mean}`);
    assert.ok(b.valAccuracy.mean > 85 && b.valAccuracy.sd >= 0);
    assert.ok(Math.abs(b.reported.mean - j.results[name]!['150']!.mean) < 1e-9, 'the last report point is the best when the budget ran out');
  }
  const text = run('--table', 'nas-bench-201', '--strategies', 'random', '--seeds', '3', '--queries', '60', '--budget-seconds', '30000');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^time budget 30000 s/m);
  assert.match(text.stdout, /^random\s+queries [\d.]+ ± [\d.]+ \(\d+-\d+\)\s+valAccuracy/m);
  const e = run('--table', 'nas-bench-201', '--seeds', '1', '--queries', '5', '--budget-seconds', '0');
  assert.equal(e.status, 2, e.stderr);
  assert.match(e.stderr, /--budget-seconds expects a positive number of seconds, got '0'/);
});
