// `nasforge benchmark-strategies` as a user runs it: the built CLI in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

function run(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, 'benchmark-strategies', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NASFORGE_THREADS: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('--json prints one object: per strategy and report point, mean and standard error', () => {
  const r = run('--table', 'nas-bench-macro', '--strategies', 'random,evolution', '--seeds', '20', '--queries', '100', '--json');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as {
    results: Record<string, Record<string, { mean: number; stderr: number; meanRank: number; optimumRate: number }>>;
    seeds: number;
  };
  assert.equal(j.seeds, 20);
  assert.deepEqual(Object.keys(j.results), ['random', 'evolution']);
  for (const s of Object.values(j.results)) {
    assert.deepEqual(Object.keys(s), ['25', '50', '100']);
    for (const c of Object.values(s)) {
      assert.ok(c.mean > 85 && c.mean <= 93.13, `${c.mean}`);
      assert.ok(c.stderr >= 0 && c.stderr < 1);
      assert.ok(c.meanRank >= 1 && c.optimumRate >= 0 && c.optimumRate <= 1);
    }
    assert.ok(s['100']!.mean >= s['25']!.mean - 0.2);
  }
  const again = JSON.parse(
    run('--table', 'nas-bench-macro', '--strategies', 'random,evolution', '--seeds', '20', '--queries', '100', '--json').out,
  ) as typeof j;
  assert.deepEqual(again.results, j.results, 'seeded: the same results twice');
});

test('--out writes runs.json and an SVG plot; the text table lists each report point', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-bench-'));
  const r = run('--table', 'nas-bench-201', '--seeds', '3', '--queries', '60', '--out', dir);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^25 .*±/m);
  assert.match(r.out, /^60 .*±/m);
  const runs = JSON.parse(readFileSync(join(dir, 'runs.json'), 'utf8')) as { runs: { strategy: string; best: number[] }[] };
  assert.equal(runs.runs.length, 6);
  assert.equal(runs.runs[0]!.best.length, 60);
  const svg = readFileSync(join(dir, 'best-found.svg'), 'utf8');
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/<polyline /g) ?? []).length, 2);
});

test('mistakes exit 2 with a message that helps', () => {
  const cases: [string[], RegExp][] = [
    [['--table', 'nas-bench-macro', '--strategies', 'evolutoin'], /unknown strategy 'evolutoin'; did you mean 'evolution'\?/],
    [['--table', 'nas-bench-makro'], /unknown table 'nas-bench-makro'; did you mean 'nas-bench-macro'/],
    [['--table', 'nas-bench-201', '--metric', 'run', '--seeds', '1', '--queries', '5'], /averaged results only/],
    [['--table', 'nas-bench-macro', '--data', '/nonexistent/t.json'], /looked at \/nonexistent\/t\.json/],
    [['--table', 'nas-bench-macro', '--seeds', '0'], /--seeds expects an integer of at least 1/],
  ];
  for (const [args, msg] of cases) {
    const r = run(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, msg);
  }
});
