// `nasforge inspect` as a user runs it: the built CLI in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { inspectReport } from '../../src/cli/inspect.js';
import { SPACES } from '../../src/spaces/index.js';
import { setNumThreads } from '../../src/torch/index.js';
import { PRESET_COUNTS } from '../spaces/published-counts.js';

setNumThreads(1);

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

function run(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NASFORGE_THREADS: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('inspect --arch prints the benchmark counts and the canonical key as JSON', () => {
  const r = run('inspect', '--space', 'nas-bench-macro', '--arch', '22212220', '--json');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as Record<string, unknown>;
  assert.equal(j.params, 1985514);
  assert.equal(j.macs, 85164544);
  assert.equal(j.key, '22212220');
  assert.deepEqual(j.genotype, { arch: '22212220' });
  assert.equal(j.space, 'nas-bench-macro');
  assert.equal(j.auxiliaryParams, 0, 'a network without an auxiliary head reports 0');
});

test('inspect --genotype FILE, --preset, --sample and --latency', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-inspect-'));
  const file = join(dir, 'g.json');
  writeFileSync(file, JSON.stringify({ arch: '22212202' }));
  const fromFile = JSON.parse(run('inspect', '--space', 'nas-bench-macro', '--genotype', file, '--json').out) as Record<string, unknown>;
  assert.equal(fromFile.key, '22212220', 'an equivalent arch has the canonical key');
  assert.equal(fromFile.params, 1985514);
  const preset = JSON.parse(run('inspect', '--space', 'nas-bench-macro', '--preset', 'smallest', '--input', '64', '--classes', '100', '--json').out) as Record<
    string,
    unknown
  >;
  assert.deepEqual(preset.genotype, { arch: '00000000' });
  assert.deepEqual(preset.input, { size: 64, channels: 3 });
  const a = run('inspect', '--space', 'nas-bench-macro', '--sample', '5', '--json').out;
  assert.equal(a, run('inspect', '--space', 'nas-bench-macro', '--sample', '5', '--json').out, 'the same seed, the same architecture');
  const lat = JSON.parse(
    run('inspect', '--space', 'nas-bench-macro', '--preset', 'smallest', '--latency', '--warmup', '1', '--repeats', '3', '--json').out,
  ) as { latencyMs: number; latency: { repeats: number } };
  assert.ok(lat.latencyMs > 0);
  assert.equal(lat.latency.repeats, 3);
  const text = run('inspect', '--space', 'nas-bench-macro', '--arch', '00000000');
  assert.match(text.out, /^params\s+387882 /m);
});

test('inspect mistakes exit 2 with a message that helps', () => {
  const cases: [string[], RegExp][] = [
    [['--space', 'nas-bench-makro', '--arch', '22212220'], /unknown search space 'nas-bench-makro'\. Did you mean 'nas-bench-macro'\?/],
    [['--space', 'nas-bench-macro', '--arch', '22212320'], /genotype\.arch\[5\] is "3"/],
    [['--space', 'nas-bench-macro', '--arch', '22212220', '--sample', '1'], /exactly one architecture .*--sample, --arch/],
    [['--space', 'nas-bench-macro', '--preset', 'bset'], /Did you mean 'best'\?/],
    [['--space', 'nas-bench-macro', '--arch', '22212220', '--cells', '3'], /no stack field 'cells'/],
  ];
  for (const [args, msg] of cases) {
    const r = run('inspect', ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, msg);
  }
});

test("every preset of every space: params are the deployed network's published count, the auxiliary head apart", async () => {
  const seen: string[] = [];
  for (const space of SPACES) {
    for (const name of Object.keys(space.presets)) {
      const id = `${space.name}/${name}`;
      seen.push(id);
      const want = PRESET_COUNTS[id];
      assert.ok(want, `${id} has no published count in test/spaces/published-counts.ts`);
      const r = await inspectReport({ space: space.name, preset: name });
      assert.equal(r.space, space.name);
      assert.equal(r.params, want.params, `${id}: params (${want.source})`);
      assert.equal(r.auxiliaryParams, want.auxiliaryParams, `${id}: auxiliaryParams`);
      if (want.macs !== undefined) assert.equal(r.macs, want.macs, `${id}: MACs`);
      assert.equal((r.stack as { auxiliary?: boolean }).auxiliary === true, want.auxiliaryParams > 0, `${id}: a head exactly where the stack asks for one`);
    }
  }
  assert.deepEqual(
    Object.keys(PRESET_COUNTS).filter((k) => !seen.includes(k)),
    [],
    'no count for a preset that is gone',
  );
});

/** docs/spaces.md's count tables: 'space/preset' → the row's cells by column header. */
function docsTables(): Map<string, Record<string, string>> {
  const rows = new Map<string, Record<string, string>>();
  let header: string[] | null = null;
  for (const line of readFileSync(join(ROOT, 'docs/spaces.md'), 'utf8').split('\n')) {
    const cellsOf = (l: string): string[] =>
      l
        .trim()
        .replace(/^\|/, '')
        .replace(/\|$/, '')
        .split('|')
        .map((c) => c.trim());
    if (/^\|\s*space \/ preset\s*\|/.test(line)) header = cellsOf(line);
    else if (!line.startsWith('|')) header = null;
    else if (header && !/^\|\s*---/.test(line)) {
      const c = cellsOf(line);
      const m = /^([\w-]+) \/ `([\w.-]+)`$/.exec(c[0]!);
      assert.ok(m, `unreadable row: ${line}`);
      rows.set(`${m[1]}/${m[2]}`, Object.fromEntries(header.map((h, i) => [h, c[i] ?? ''])));
    }
  }
  return rows;
}

test("docs/spaces.md's count tables say what inspect reports", async () => {
  const rows = docsTables();
  assert.ok(rows.size >= 19, `found ${rows.size} rows`);
  const int = (s: string): number => Number(s.replace(/,/g, ''));
  for (const [id, row] of rows) {
    const [space, preset] = id.split('/') as [string, string];
    const r = await inspectReport({ space, preset });
    assert.equal(int(row.nasforge!), r.params, `${id}: the nasforge column is params`);
    if (row['with aux head'] !== undefined) assert.equal(int(row['with aux head']), r.params + r.auxiliaryParams, `${id}: with aux head`);
    const macs = row.MACs ?? row['nasforge MACs'];
    assert.ok(macs !== undefined, `${id}: no MACs column`);
    assert.equal(macs, `${(r.macs / 1e6).toFixed(1)}M`, `${id}: MACs`);
  }
});

test('a preset implies its space (inspect and draw); a shared name or a foreign preset is refused with help', () => {
  const j = JSON.parse(run('inspect', '--preset', 'darts-v2', '--json').out) as Record<string, unknown>;
  assert.equal(j.space, 'darts');
  assert.equal(j.params, 3349342, "the deployed network, as DARTS' train.py logs it");
  assert.equal(j.auxiliaryParams, 476426);
  const text = run('inspect', '--preset', 'darts-v2').out;
  assert.match(text, /^params\s+3349342 /m);
  assert.match(text, /^aux head\s+476426 /m);
  const mb = JSON.parse(run('inspect', '--preset', 'mobilenet-v2', '--json').out) as Record<string, unknown>;
  assert.deepEqual([mb.space, mb.params, mb.auxiliaryParams], ['mnasnet', 3504872, 0]);
  // inspect's JSON names its space, so it goes back in without --space
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-inspect-'));
  writeFileSync(join(dir, 'doc.json'), JSON.stringify(j));
  const again = JSON.parse(run('inspect', '--genotype', join(dir, 'doc.json'), '--json').out) as Record<string, unknown>;
  assert.deepEqual([again.space, again.key], ['darts', j.key]);
  const draw = run('draw', '--preset', 'darts-v2');
  assert.equal(draw.code, 0, draw.err);
  assert.match(draw.out, /^digraph "darts: darts-v2"/);

  const cases: [string[], RegExp][] = [
    [
      ['inspect', '--preset', 'best'],
      /preset 'best' belongs to several search spaces: nas-bench-macro, nas-bench-201.*--space nas-bench-macro or --space nas-bench-201/,
    ],
    [['draw', '--preset', 'best'], /preset 'best' belongs to several search spaces/],
    [['inspect', '--space', 'darts', '--preset', 'mobilenet-v2'], /space 'darts' has no preset 'mobilenet-v2'\..*'mobilenet-v2' is a preset of 'mnasnet'/],
    [['inspect', '--space', 'darts', '--preset', 'darts-v3'], /space 'darts' has no preset 'darts-v3'\. Did you mean 'darts-v1' or 'darts-v2'\?/],
    [['inspect', '--preset', 'mobilenet-v3'], /no search space has a preset 'mobilenet-v3'\. Did you mean 'mobilenet-v3-large' or 'mobilenet-v3-small'\?/],
    [['inspect', '--sample', '1'], /--sample needs --space NAME/],
  ];
  for (const [args, msg] of cases) {
    const r = run(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, msg, args.join(' '));
  }
  assert.equal(run('inspect', '--preset', 'best', '--space', 'nas-bench-201', '--json').code, 0);
});
