// `nasforge inspect` as a user runs it: the built CLI in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

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
});

test('inspect --genotype FILE, --preset, --sample and --latency', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-inspect-'));
  const file = join(dir, 'g.json');
  writeFileSync(file, JSON.stringify({ arch: '22212202' }));
  const fromFile = JSON.parse(run('inspect', '--space', 'nas-bench-macro', '--genotype', file, '--json').out) as Record<string, unknown>;
  assert.equal(fromFile.key, '22212220', 'an equivalent arch has the canonical key');
  assert.equal(fromFile.params, 1985514);
  const preset = JSON.parse(run('inspect', '--space', 'nas-bench-macro', '--preset', 'smallest', '--input', '64', '--classes', '100', '--json').out) as Record<string, unknown>;
  assert.deepEqual(preset.genotype, { arch: '00000000' });
  assert.deepEqual(preset.input, { size: 64, channels: 3 });
  const a = run('inspect', '--space', 'nas-bench-macro', '--sample', '5', '--json').out;
  assert.equal(a, run('inspect', '--space', 'nas-bench-macro', '--sample', '5', '--json').out, 'the same seed, the same architecture');
  const lat = JSON.parse(run('inspect', '--space', 'nas-bench-macro', '--preset', 'smallest', '--latency', '--warmup', '1', '--repeats', '3', '--json').out) as { latencyMs: number; latency: { repeats: number } };
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
