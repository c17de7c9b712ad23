// Every command, given a bad input, says what was wrong in one message and exits 2 (a storage
// that cannot be used: 3), never with a stack trace or "unexpected error". The commands are
// read from `nasforge --help`, so a new command without a case here fails this test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'nasforge-cli-errors-'));
const none = `sqlite:${join(dir, 'none.db')}`;

/** command → a bad invocation, the exit code and what the message must say */
const CASES: Readonly<Record<string, [string[], number, RegExp]>> = {
  info: [['info', '--bogus'], 2, /unknown option '--bogus'/],
  train: [['train', '--optimizer', 'adamm', '--limit', '10'], 2, /optimizer.*'adamm'.*Did you mean 'adam'/i],
  inspect: [['inspect', '--space', 'dartz', '--sample', '0'], 2, /unknown search space 'dartz'\. Did you mean 'darts'\?/],
  draw: [['draw', '--preset', 'darts-v3', '--out', join(dir, 'x.svg')], 2, /darts-v3/],
  'benchmark-strategies': [['benchmark-strategies', '--table', 'nas-bench-202'], 2, /unknown table 'nas-bench-202'/],
  search: [['search', '--config', join(dir, 'missing.yaml')], 2, /missing\.yaml: not found/],
  worker: [['worker', '--study', 's', '--storage', none], 2, /none\.db/],
  status: [['status', '--storage', none], 2, /none\.db/],
  best: [['best', '--storage', none], 2, /none\.db/],
  trials: [['trials', '--storage', none], 2, /none\.db/],
  export: [['export', '--out', join(dir, 'out'), '--storage', none], 2, /none\.db/],
  'delete-study': [['delete-study', '--study', 's', '--storage', none], 2, /none\.db/],
  retrain: [['retrain', '--genotype', '{"arch":"9"}', '--space', 'nas-bench-macro'], 2, /genotype\.arch/],
};

function run(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NASFORGE_THREADS: '1' }, timeout: 120_000 });
}

test('every command exits 2 with a clear message and no stack trace on a bad input', () => {
  const help = run(['--help']);
  assert.equal(help.status, 0);
  const commands = [...help.stdout.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
  assert.ok(commands.length >= 13, `commands read from --help: ${commands.join(', ')}`);
  for (const command of commands) {
    const c = CASES[command];
    assert.ok(c, `a bad-input case for '${command}'`);
    const [args, code, pattern] = c;
    const r = run(args);
    assert.equal(r.status, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(' '));
    assert.doesNotMatch(r.stderr, /unexpected error/, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at .*:\d+:\d+/, `${args.join(' ')}: a stack trace`);
  }
});

test('a storage that cannot be used exits 3, and an interrupt is not an error of the user', () => {
  const r = run(['status', '--storage', 'postgres://nobody@127.0.0.1:1/nothing']);
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /cannot connect to PostgreSQL at host 127\.0\.0\.1, port 1/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
