// examples/ask-tell.ts runs as the README shows it: two trials of its own training loop, told
// back to a study that the CLI then reads.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const haveFmnist = existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');

test('the ask/tell example trains its trials and the study reads back', { skip: haveFmnist ? false : 'Fashion-MNIST is not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-example-'));
  const storage = `sqlite:${join(dir, 'ask-tell.db')}`;
  const env = { ...process.env, NASFORGE_STORAGE: storage, NASFORGE_THREADS: '1' };
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/examples/ask-tell.js'), '2'], { cwd: dir, env, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^trial 0: \d+\.\d%/m);
  assert.match(r.stdout, /^best: trial [01], valAccuracy \d+\.\d%/m);
  const status = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'status', '--json'], { cwd: dir, env, encoding: 'utf8' });
  assert.equal(status.status, 0, status.stderr);
  const s = JSON.parse(status.stdout) as { study: string; counts: { complete: number } };
  assert.equal(s.study, 'ask-tell');
  assert.equal(s.counts.complete, 2);
});
