// `--genotype` takes every document nasforge prints that names an architecture: the reader's
// rules in-process, then `inspect --json` piped and written into `retrain` and `inspect` as a
// user runs them, and accuracies in percent from `retrain --json` and `train --json`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { NasforgeError } from '../../src/util/index.js';
import { documentSpace, genotypeDocument, readGenotypeArg } from '../../src/cli/genotype-doc.js';
import { writeIdx } from './idx-fixture.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

function run(cwd: string, args: string[], input?: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, input, encoding: 'utf8', env: { ...process.env, NASFORGE_THREADS: '1' }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const G = { arch: '|nor_conv_3x3~0|+|none~0|nor_conv_1x1~1|+|none~0|nor_conv_1x1~1|avg_pool_3x3~2|' };

/** A NasforgeError (the CLI prints it without a stack, exit 2) whose message matches `re`. */
const userError =
  (re: RegExp) =>
  (e: unknown): boolean =>
    e instanceof NasforgeError && re.test(e.message);

test('genotype documents: each shape nasforge prints gives its genotype, space, stack and data set', () => {
  const inspect = {
    space: 'nas-bench-201',
    key: G.arch,
    genotype: G,
    stack: { classes: 10, channels: 4, cellsPerStage: 5 },
    input: { size: 32, channels: 3 },
    params: 1000,
    macs: 2000,
    latencyMs: 1.5,
  };
  assert.deepEqual(genotypeDocument(inspect, 'i.json'), {
    genotype: G,
    space: 'nas-bench-201',
    stack: inspect.stack,
    dataset: undefined,
    kind: 'described',
    from: 'i.json',
  });
  const trial = { number: 3, state: 'complete', key: G.arch, genotype: G, metrics: { valAccuracy: 80.5 }, score: 80.5, artifacts: {} };
  const dataset = { name: 'mnist', root: '/data', valFraction: 0.2 };
  const best = { study: 's', space: 'nas-bench-201', stack: { channels: 4 }, dataset, ...trial };
  assert.deepEqual(genotypeDocument(best, 'b.json'), {
    genotype: G,
    space: 'nas-bench-201',
    stack: { channels: 4 },
    dataset: { name: 'mnist', root: '/data' },
    kind: 'study',
    from: 'b.json',
  });
  const exported = { study: 's', trial: 3, space: 'nas-bench-201', stack: null, dataset: null, key: G.arch, genotype: G, metrics: {}, score: 1 };
  assert.deepEqual(genotypeDocument(exported, 'e.json'), {
    genotype: G,
    space: 'nas-bench-201',
    stack: undefined,
    dataset: undefined,
    kind: 'study',
    from: 'e.json',
  });
  const search = { study: 's', storage: 'sqlite:x', space: 'nas-bench-201', stack: { channels: 4 }, dataset, counts: { complete: 1 }, best: trial };
  assert.equal(genotypeDocument(search, 'search').kind, 'study');
  assert.deepEqual(genotypeDocument(search, 'search').genotype, G);
  const status = { study: 's', config: { space: 'darts', stack: { cells: 5 }, dataset: { name: 'cifar10' } }, counts: {}, best: trial };
  assert.deepEqual(genotypeDocument(status, 'status'), {
    genotype: G,
    space: 'darts',
    stack: { cells: 5 },
    dataset: { name: 'cifar10' },
    kind: 'study',
    from: 'status',
  });
  assert.deepEqual(genotypeDocument(G, 'g.json'), { genotype: G, kind: 'bare', from: 'g.json' });
});

test('genotype documents: bad shapes and conflicting spaces are refused with what is expected', () => {
  const cases: [unknown, RegExp][] = [
    [[{ genotype: G }, { genotype: G }], /holds a list of 2 items \(as `nasforge trials --json` prints\), not one architecture; give one trial's document/],
    [42, /holds 42, not a genotype; expected a genotype object .*inspect --json/],
    [null, /holds null, not a genotype/],
    [{ space: 'darts', genotype: 'abc' }, /"genotype" is "abc"; it must be a genotype object/],
    [{ space: 7, genotype: G }, /"space" is 7; it must be the name of a search space/],
    [{ space: 'darts', genotype: G, stack: [1] }, /"stack" is \[1\]; it must be an object of stack fields/],
    [{ study: 's', best: null }, /no complete trial yet \("best" is null\)/],
    [{ study: 's', best: { number: 1 } }, /"best" is .*expected a trial with a "genotype" field/],
    [{ space: 'darts', key: 'k' }, /has "space", "key" but no "genotype" field, so it is neither a genotype nor a nasforge document/],
  ];
  for (const [data, re] of cases) assert.throws(() => genotypeDocument(data, 'doc.json'), userError(re), JSON.stringify(data));

  const doc = genotypeDocument({ space: 'nas-bench-201', genotype: G }, 'doc.json');
  assert.equal(documentSpace(doc, undefined), 'nas-bench-201');
  assert.equal(documentSpace(doc, 'nas-bench-201'), 'nas-bench-201', 'the same space twice is fine');
  assert.throws(
    () => documentSpace(doc, 'darts'),
    userError(/--space darts conflicts with doc\.json, which holds a genotype of the space 'nas-bench-201'; give --space nas-bench-201/),
  );
  const bare = genotypeDocument(G, 'g.json');
  assert.equal(documentSpace(bare, 'nas-bench-201'), 'nas-bench-201');
  assert.throws(() => documentSpace(bare, undefined), userError(/g\.json holds a bare genotype, which does not say its space; pass --space NAME/));
});

test('readGenotypeArg: a file, inline JSON, and clear errors for a missing file or bad JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-genotype-arg-'));
  const file = join(dir, 'g.json');
  writeFileSync(file, JSON.stringify(G));
  assert.deepEqual(readGenotypeArg(file), { data: G, from: file });
  assert.deepEqual(readGenotypeArg(` ${JSON.stringify(G)}`), { data: G, from: 'the --genotype argument' });
  assert.throws(
    () => readGenotypeArg(join(dir, 'nope.json')),
    userError(/--genotype: no file '.*nope\.json' \(give a JSON file, '-' for stdin, or the JSON itself in quotes\)/),
  );
  writeFileSync(file, '{"arch": ');
  assert.throws(() => readGenotypeArg(file), userError(/--genotype: .*g\.json is not valid JSON \(.*\); expected a genotype object/));
});

test('inspect --json goes straight into retrain --genotype (file, stdin, inline) and inspect --genotype; accuracies in percent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-genotype-doc-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  writeIdx(data, 'train', 120, 7);
  writeIdx(data, 't10k', 40, 8);
  const i = run(dir, ['inspect', '--space', 'nas-bench-201', '--sample', '3', '--channels', '4', '--json']);
  assert.equal(i.code, 0, i.err);
  const inspected = JSON.parse(i.out) as { key: string; genotype: object; stack: Record<string, unknown> };
  assert.deepEqual(inspected.stack, { classes: 10, channels: 4, cellsPerStage: 5 }, 'inspect prints the whole stack');
  writeFileSync(join(dir, 'g.json'), i.out);

  const again = run(dir, ['inspect', '--space', 'nas-bench-201', '--genotype', 'g.json', '--json']);
  assert.equal(again.code, 0, again.err);
  assert.equal((JSON.parse(again.out) as { key: string }).key, inspected.key, 'inspect reads its own output');
  const other = run(dir, ['inspect', '--space', 'nas-bench-macro', '--genotype', 'g.json']);
  assert.equal(other.code, 2, other.err);
  assert.match(other.err, /--space nas-bench-macro conflicts with g\.json, which holds a genotype of the space 'nas-bench-201'; give --space nas-bench-201/);

  const common = ['--dataset', 'mnist', '--data-root', data, '--epochs', '1', '--batch-size', '40', '--json'];
  const r = run(dir, ['retrain', '--genotype', 'g.json', '--cells', '1', ...common]);
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out) as { key: string; space: string; stack: Record<string, unknown>; testAccuracy: number; testTop5Accuracy: number; from: string };
  assert.equal(out.key, inspected.key);
  assert.equal(out.space, 'nas-bench-201');
  assert.deepEqual(
    out.stack,
    { channels: 4, cellsPerStage: 1, classes: 10 },
    "inspect's channels as they are (not doubled), retrain's --cells over its cellsPerStage",
  );
  for (const v of [out.testAccuracy, out.testTop5Accuracy]) {
    assert.ok(v >= 0 && v <= 100, `${v} in percent`);
    assert.ok(Math.abs(v * 0.4 - Math.round(v * 0.4)) < 1e-6, `${v} is a percentage of the 40 test images`);
  }
  assert.equal('testTop5' in out, false, 'the top-5 accuracy is named as a percentage');

  const piped = run(dir, ['retrain', '--genotype', '-', '--cells', '1', ...common], i.out);
  assert.equal(piped.code, 0, piped.err);
  assert.deepEqual((JSON.parse(piped.out) as typeof out).testAccuracy, out.testAccuracy, 'stdin: the same seeded retraining');
  assert.equal((JSON.parse(piped.out) as typeof out).from, 'stdin');

  const inline = run(dir, ['retrain', '--genotype', i.out.trim(), '--cells', '1', '--channels', '2', ...common]);
  assert.equal(inline.code, 0, inline.err);
  assert.deepEqual((JSON.parse(inline.out) as typeof out).stack, { channels: 2, cellsPerStage: 1, classes: 10 }, '--channels wins over the document');

  const mistakes: [string[], RegExp][] = [
    [['--genotype', 'g.json', '--space', 'darts'], /--space darts conflicts with g\.json, which holds a genotype of the space 'nas-bench-201'/],
    [['--genotype', 'g.json', '--trial', '1'], /a genotype document and a trial both name what to retrain; give one of them/],
    [
      ['--genotype', '{"space":"nas-bench-201","genotype":{"arch":"x"},"stack":{"cells":3}}'],
      /stack field 'cells' is not a stack field of the space 'nas-bench-201'/,
    ],
    [['--genotype', '[]'], /holds a list of 0 items/],
    [['--genotype', JSON.stringify(inspected.genotype)], /holds a bare genotype, which does not say its space; pass --space NAME/],
  ];
  for (const [args, re] of mistakes) {
    const m = run(dir, ['retrain', ...args, ...common]);
    assert.equal(m.code, 2, `${args.join(' ')}: ${m.err}`);
    assert.match(m.err, re);
  }
});

test('train --json reports accuracies in percent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-train-json-'));
  writeIdx(dir, 'train', 80, 9);
  writeIdx(dir, 't10k', 40, 10);
  const r = run(dir, ['train', '--dataset', 'mnist', '--data-root', dir, '--model', 'resnet-small', '--epochs', '1', '--batch-size', '40', '--json']);
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out) as Record<string, number>;
  for (const k of ['testAccuracy', 'testTop5Accuracy']) {
    assert.ok(out[k]! >= 0 && out[k]! <= 100, `${k} ${out[k]}`);
    assert.ok(Math.abs(out[k]! * 0.4 - Math.round(out[k]! * 0.4)) < 1e-6, `${k} ${out[k]} is a percentage of the 40 test images`);
  }
  assert.ok(out.trainAccuracy! >= 0 && out.trainAccuracy! <= 100);
  assert.ok(Math.abs(out.trainAccuracy! * 0.8 - Math.round(out.trainAccuracy! * 0.8)) < 1e-6, 'a percentage of the 80 training images');
});
