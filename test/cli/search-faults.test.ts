// What users and machines do to a search, from the command line: mistakes that would fail every
// trial are refused before the study exists (exit 2); a study whose trials all failed takes the
// corrected config; a worker process killed from outside is replaced and the search ends as if
// nothing happened; delete-study asks for confirmation and removes the trials' folders too.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { openStorage } from '../../src/study/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const ENV = { ...process.env, NASFORGE_THREADS: '1' };
const haveFmnist = existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');

function setup(name: string): { dir: string; storage: string; config(c: object): string } {
  const dir = mkdtempSync(join(tmpdir(), `nasforge-${name}-`));
  return {
    dir,
    storage: `sqlite:${join(dir, 'studies.db')}`,
    config(c: object) {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(c));
      return file;
    },
  };
}

function run(dir: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: ENV, timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const noStack = (err: string): void => assert.doesNotMatch(err, /\n\s+at .*:\d+:\d+/, `no stack trace in: ${err}`);

async function studies(storage: string): Promise<string[]> {
  if (!existsSync(storage.slice('sqlite:'.length))) return [];
  const s = await openStorage(storage);
  try {
    return (await s.listStudies()).map((x) => x.name);
  } finally {
    await s.close();
  }
}

test('mistakes that would fail every trial are refused before the study is created', {
  skip: haveFmnist ? false : 'Fashion-MNIST is not installed',
}, async () => {
  const { dir, storage, config } = setup('refused');
  const cases: [object | string, RegExp][] = [
    [
      { study: 'neg', space: 'nas-bench-201', stack: { channels: -8 }, dataset: { limit: 200 } },
      /stack is \{"channels":-8.*which the space 'nas-bench-201' cannot build/,
    ],
    [{ study: 'obj', evaluator: 'nas-bench-201', objective: 'foo' }, /objective reads 'foo', which the evaluator does not give; it gives: .*valAccuracy/],
    [{ study: 'split', dataset: { limit: 2 } }, /dataset cannot be used: .*leaves no validation examples/],
    // YAML reads 1e309 as Infinity (JSON has no way to write it)
    ['study: huge\nbudget: {trials: 1e309}\n', /budget\.trials is Infinity; it must be/],
    [{ study: 'forever', evaluator: 'nas-bench-201', budget: { trials: null } }, /budget\.trials is null \(no limit\) and budget\.minutes is not set/],
  ];
  for (const [c, pattern] of cases) {
    const file = typeof c === 'string' ? join(dir, 'refused.yaml') : config(c);
    if (typeof c === 'string') writeFileSync(file, c);
    const r = run(dir, 'search', '--config', file, '--storage', storage);
    assert.equal(r.code, 2, `${JSON.stringify(c)}: ${r.err}`);
    assert.match(r.err, pattern);
    noStack(r.err);
  }
  assert.deepEqual(await studies(storage), [], 'no study was created');
});

test('a study whose every trial failed takes the corrected config; one with a complete trial does not', {
  skip: haveFmnist ? false : 'Fashion-MNIST is not installed',
}, async () => {
  const { dir, storage, config } = setup('corrected');
  const base = { study: 'lr', space: 'nas-bench-201', dataset: { limit: 400 }, stack: { channels: 4 }, budget: { trials: 2 }, strategy: 'random' };
  // a learning rate that makes every trial diverge: the search runs, every trial fails by itself
  const bad = run(
    dir,
    'search',
    '--config',
    config({ ...base, evaluator: { kind: 'train', epochs: 1, lr: 1e6, gradClip: 0 } }),
    '--storage',
    storage,
    '--json',
  );
  assert.equal(bad.code, 0, bad.err);
  assert.deepEqual(JSON.parse(bad.out).counts, { complete: 0, failed: 2, pruned: 0, running: 0, queued: 0 });
  const status = JSON.parse(run(dir, 'status', '--storage', storage, '--json').out) as { failures: { error: string }[] };
  assert.match(status.failures[0]!.error, /diverged/);
  const good = run(dir, 'search', '--config', config({ ...base, evaluator: { kind: 'train', epochs: 1, lr: 0.05 } }), '--storage', storage, '--json');
  assert.equal(good.code, 0, good.err);
  assert.match(
    good.err,
    /had no complete trial, so it takes the corrected config \(.*evaluator\.lr: stored 1000000, given 0\.05\); its 2 earlier trials were removed/,
  );
  assert.equal(JSON.parse(good.out).counts.complete, 2);
  // now it has complete trials: a changed config is refused as before, naming the field
  const changed = run(dir, 'search', '--config', config({ ...base, evaluator: { kind: 'train', epochs: 1, lr: 0.1 } }), '--storage', storage);
  assert.equal(changed.code, 2, changed.err);
  assert.match(changed.err, /was created with another config \(evaluator\.lr: stored 0\.05, given 0\.1\)/);
  noStack(changed.err);
});

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done(child.exitCode);
    else child.on('exit', (code) => done(code));
  });
}

test('a worker process killed from outside is replaced: the search completes and exits 0', async () => {
  const { dir, storage, config } = setup('killed');
  const file = config({ study: 'k', evaluator: { kind: 'table', name: 'nas-bench-201', simulatedSeconds: 0.3 }, budget: { trials: 14 }, strategy: 'random' });
  const search = spawn(process.execPath, [CLI, 'search', '--config', file, '--storage', storage, '--workers', '2', '--json'], {
    cwd: dir,
    env: ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  search.stdout!.on('data', (b: Buffer) => {
    out += b;
  });
  // kill a worker once it has completed a trial (from the log, not from a clock)
  let killed = 0;
  search.stderr!.on('data', (b: Buffer) => {
    err += b;
    if (killed === 0 && /\[pid (\d+)\] trial \d+ complete/.test(err)) {
      const pid = Number(/\[pid (\d+)\] trial \d+ complete/.exec(err)![1]);
      killed = pid;
      process.kill(pid, 'SIGKILL');
    }
  });
  assert.equal(await exited(search), 0, err);
  assert.ok(killed > 0, 'a worker was killed');
  assert.match(err, new RegExp(`worker process ${killed} was killed \\(SIGKILL\\); starting another in its place`));
  assert.equal(JSON.parse(out).counts.complete, 14);
});

test("delete-study asks for --yes, then removes the study and its trials' folders", () => {
  const { dir, storage, config } = setup('delete');
  const file = config({ study: 'gone', evaluator: 'nas-bench-201', budget: { trials: 3 } });
  assert.equal(run(dir, 'search', '--config', file, '--storage', storage).code, 0);
  const folder = join(dir, 'studies.db.studies', 'gone');
  assert.ok(existsSync(folder));
  const ask = run(dir, 'delete-study', '--study', 'gone', '--storage', storage);
  assert.equal(ask.code, 2);
  assert.match(ask.err, /this would delete study 'gone' with its 3 trials and their folders; nothing was deleted\. Add --yes/);
  const del = run(dir, 'delete-study', '--study', 'gone', '--storage', storage, '--yes', '--json');
  assert.equal(del.code, 0, del.err);
  assert.equal(JSON.parse(del.out).trials, 3);
  assert.equal(existsSync(folder), false);
  const after = run(dir, 'status', '--study', 'gone', '--storage', storage);
  assert.equal(after.code, 2);
  assert.match(after.err, /no study named 'gone'/);
  // reading commands never create a database at a mistyped path
  const typo = run(dir, 'status', '--storage', `sqlite:${join(dir, 'studeis.db')}`);
  assert.equal(typo.code, 2, typo.err);
  assert.equal(existsSync(join(dir, 'studeis.db')), false);
});
