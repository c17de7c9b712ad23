// Multi-objective runs on the tables: the front a run reports is the true front of the table
// restricted to the architectures it evaluated, its hypervolume is that front's, and the CLI
// reports fronts, hypervolume vs. queries and a plot.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { type Genotype } from '../../src/spaces/index.js';
import { hypervolume2d, paretoObjective, parseParetoMetrics, type Metrics } from '../../src/strategies/index.js';
import { distinctGenotypes, loadTable, paretoSetup, runOnTable, tableEvaluator, type TabularBenchmark } from '../../src/tabular/index.js';

/** The keys no other point dominates, by a plain double loop (written apart from the library's). */
function bruteFront(points: Map<string, [number, number]>, minimizeSecond: boolean): Set<string> {
  const s = minimizeSecond ? -1 : 1;
  const out = new Set<string>();
  for (const [k, [a, b]] of points) {
    let dominated = false;
    for (const [, [c, d]] of points)
      if (c >= a && s * d >= s * b && (c > a || s * d > s * b)) {
        dominated = true;
        break;
      }
    if (!dominated) out.add(k);
  }
  return out;
}

function check(table: TabularBenchmark, strategy: string, metricsSpec: string, seed: number, options: Record<string, string | number> = {}): void {
  const metrics = parseParetoMetrics(metricsSpec);
  const base = tableEvaluator(table, { seed });
  const seen = new Map<string, Metrics>();
  const evaluate = (g: Genotype): Metrics => {
    const m = base(g);
    seen.set(table.space.key(g), m);
    return m;
  };
  const setup = paretoSetup(table, distinctGenotypes(table.space), base, metrics);
  const run = runOnTable(table, strategy, { queries: 150, seed, objective: paretoObjective(metrics), pareto: setup, evaluate, options });
  const points = new Map([...seen].map(([k, m]) => [k, [m[metrics[0]!.name]!, m[metrics[1]!.name]!] as [number, number]]));
  const truth = bruteFront(points, metrics[1]!.direction === 'minimize');
  assert.deepEqual(new Set(run.front), truth, `${table.name} ${strategy}: the front found is the evaluated set's true front`);
  assert.equal(run.frontVerified, true);
  const hv =
    hypervolume2d(
      [...truth].map((k) => points.get(k)!),
      setup.directions,
      setup.ref,
    ) / setup.tableHypervolume;
  assert.ok(Math.abs(run.hypervolume![149]! - hv) < 1e-12);
  assert.ok(hv > 0 && hv <= 1);
  assert.ok(
    run.hypervolume!.every((v, i) => i === 0 || v >= run.hypervolume![i - 1]!),
    'a front only grows in hypervolume',
  );
}

test("NAS-Bench-Macro, accuracy vs. FLOPs: found front = the evaluated set's front (random and Pareto evolution)", () => {
  const table = loadTable('nas-bench-macro');
  check(table, 'random', 'valAccuracy,-flops', 1);
  check(table, 'evolution', 'valAccuracy,-flops', 2, { populationSize: 20, sampleSize: 5, pareto: 'valAccuracy,-flops' });
  // the table's own front (mean accuracy) against the brute-force one over every distinct network
  const evaluate = tableEvaluator(table, { metric: 'mean' });
  const all = distinctGenotypes(table.space);
  assert.equal(all.length, 3969);
  const setup = paretoSetup(table, all, evaluate, parseParetoMetrics('valAccuracy,-flops'));
  const points = new Map(
    all.map((g) => {
      const m = evaluate(g);
      return [table.space.key(g), [m.valAccuracy!, m.flops!] as [number, number]];
    }),
  );
  assert.deepEqual(new Set(setup.tableFront), bruteFront(points, true));
});

test("NAS-Bench-201, validation accuracy vs. Raspberry Pi 4 latency: found front = the evaluated set's front", () => {
  const table = loadTable('nas-bench-201');
  check(table, 'random', 'valAccuracy,-latencyMs_raspi4', 3);
  check(table, 'evolution', 'valAccuracy,-latencyMs_raspi4', 4, { populationSize: 20, sampleSize: 5, pareto: 'valAccuracy,-latencyMs_raspi4' });
});

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, 'benchmark-strategies', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NASFORGE_THREADS: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('benchmark-strategies --pareto: JSON keeps the best-found form and adds hypervolume and fronts; --out plots it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-pareto-'));
  const r = cli(
    '--table',
    'nas-bench-macro',
    '--strategies',
    'random,evolution',
    '--seeds',
    '4',
    '--queries',
    '60',
    '--pareto',
    'valAccuracy,-flops',
    '--json',
    '--out',
    dir,
  );
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as {
    results: Record<string, Record<string, { mean: number; stderr: number; hypervolume: { mean: number; stderr: number } }>>;
    pareto: { metrics: string; fronts: Record<string, { verifiedRuns: number; runs: number; seed0: { key: string; flops: number }[] }> };
    objective: { name: string };
  };
  assert.deepEqual(Object.keys(j.results.random!), ['25', '50', '60']);
  for (const s of ['random', 'evolution']) {
    for (const c of Object.values(j.results[s]!)) {
      assert.ok(c.mean > 85 && c.stderr >= 0);
      assert.ok(c.hypervolume.mean > 0 && c.hypervolume.mean <= 1 && c.hypervolume.stderr >= 0);
    }
    assert.equal(j.pareto.fronts[s]!.verifiedRuns, 4);
    assert.ok(j.pareto.fronts[s]!.seed0.length > 1);
  }
  assert.equal(j.pareto.metrics, 'valAccuracy,-flops');
  assert.equal(j.objective.name, 'pareto');
  const svg = readFileSync(join(dir, 'hypervolume.svg'), 'utf8');
  assert.match(svg, /^<svg /);
  assert.equal((svg.match(/<polyline /g) ?? []).length, 2);
  const runs = JSON.parse(readFileSync(join(dir, 'runs.json'), 'utf8')) as { runs: { hypervolume: number[]; front: string[] }[] };
  assert.equal(runs.runs[0]!.hypervolume.length, 60);
});

test('benchmark-strategies --objective takes a spec; mistakes name the field', () => {
  const ok = cli(
    '--table',
    'nas-bench-201',
    '--strategies',
    'random',
    '--seeds',
    '2',
    '--queries',
    '30',
    '--json',
    '--objective',
    '{"name":"constraint","metric":"latencyMs_raspi4","max":12}',
  );
  assert.equal(ok.code, 0, ok.err);
  assert.equal((JSON.parse(ok.out) as { objective: { name: string } }).objective.name, 'constraint');
  const bad = cli('--table', 'nas-bench-201', '--seeds', '1', '--queries', '5', '--objective', '{"name":"mnasnet","metric":"latencyMs_raspi4"}');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /needs 'target'/);
  const missing = cli('--table', 'nas-bench-macro', '--seeds', '1', '--queries', '5', '--pareto', 'valAccuracy,-latencyMs_raspi4');
  assert.equal(missing.code, 2);
  assert.match(missing.err, /needs the metric 'latencyMs_raspi4'.*metrics given: valAccuracy/);
});
