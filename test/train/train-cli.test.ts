// `nasforge train` as a user runs it (the built CLI in a child process): a diverged training and
// bad names end with exit 2 and a message, never a stack trace or an "unexpected error".
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
// Debian's fashion-mnist package, the CLI's default data set
const noData = !existsSync('/usr/share/datasets/fashion-mnist') && 'Fashion-MNIST is not installed (/usr/share/datasets/fashion-mnist)';

function train(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, 'train', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NASFORGE_THREADS: '1', NASFORGE_DEBUG: '' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const noStack = (err: string): void => assert.doesNotMatch(err, /^ {4}at /m, 'no stack trace');

test('train --lr 1e6 stops on the exploding (finite) loss: exit 2, where and what to do, no result', { skip: noData }, () => {
  const r = train('--lr', '1e6', '--epochs', '1', '--limit', '500', '--json');
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /^nasforge: the training loss diverged at epoch 1\/1, step \d+ \(3 per epoch\): .* above 100 × its reference /);
  assert.match(r.err, /Lower the learning rate .*clip the gradient norm .*Here: --lr and --grad-clip\./);
  noStack(r.err);
  assert.equal(r.out, '', 'no testAccuracy for a diverged run');
});

test('train with an unknown optimizer, schedule, model or data set: exit 2 naming the flag and the choices', () => {
  const cases: [string[], RegExp][] = [
    [['--optimizer', 'bogus'], /^nasforge: --optimizer 'bogus' is not one of sgd, rmsprop, adam, adamw/],
    [['--optimizer', 'adm'], /Did you mean 'adam'\?/],
    [['--schedule', 'cosin'], /^nasforge: --schedule 'cosin' is not one of cosine, step, exponential, constant\. Did you mean 'cosine'\?/],
    [['--model', 'resnet20'], /^nasforge: unknown model 'resnet20'\. Did you mean 'resnet-20'\?/],
    [['--dataset', 'nope'], /^nasforge: unknown data set 'nope'\. Known data sets: .*fashion-mnist/],
  ];
  for (const [args, msg] of cases) {
    const r = train(...args, '--epochs', '1', '--limit', '100');
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, msg, args.join(' '));
    assert.doesNotMatch(r.err, /unexpected error/);
    noStack(r.err);
  }
});
