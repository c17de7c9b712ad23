// The nas-bench-macro space: its decisions and keys, and params and MACs equal to the benchmark
// file's `params` and `flops` for all 6,561 architectures.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { undisposedTensors, setNumThreads } from '../../src/torch/index.js';
import { getSpace, SpaceError } from '../../src/spaces/index.js';
import { decisionSpaceSize } from '../../src/spaces/core/index.js';
import { Rng } from '../../src/util/index.js';
import { canonicalMacroArch, nasBenchMacroSpace as space } from '../../src/spaces/nas-bench-macro/index.js';

setNumThreads(1);

const BENCHMARK_FILE = process.env.NASFORGE_NAS_BENCH_MACRO ?? '/work/shared/data/nas-bench-macro/nas-bench-macro_cifar10.json';
const missing = !existsSync(BENCHMARK_FILE) && `no ${BENCHMARK_FILE}`;
type Entry = { params: number; flops: number; test_acc: number[] };
const table = (): Record<string, Entry> => JSON.parse(readFileSync(BENCHMARK_FILE, 'utf8')) as Record<string, Entry>;

test('registered as nas-bench-macro: 8 decisions of 3 choices, 6,561 decision vectors', () => {
  assert.equal(getSpace('nas-bench-macro'), space);
  const ds = space.decisions();
  assert.deepEqual(
    ds.map((d) => d.name),
    ['layer0', 'layer1', 'layer2', 'layer3', 'layer4', 'layer5', 'layer6', 'layer7'],
  );
  for (const d of ds) assert.deepEqual(d.choices, ['id', 'ir_3x3_t3', 'ir_5x5_t6']);
  assert.equal(decisionSpaceSize(ds), 6561);
  assert.equal(space.encode({ arch: '22212220' }).length, 24);
});

test('the genotype is the benchmark string; decisions are its digits', () => {
  assert.deepEqual(space.parse!('22212220'), { arch: '22212220' });
  assert.deepEqual(space.toDecisions({ arch: '01200120' }), [0, 1, 2, 0, 0, 1, 2, 0]);
  assert.deepEqual(space.fromDecisions([2, 2, 2, 1, 2, 2, 2, 0]), { arch: '22212220' });
  const g = space.sample(new Rng(3));
  assert.match(g.arch, /^[012]{8}$/);
});

test('keys: a stride-1 identity may move within its stage; nothing else is equivalent', () => {
  assert.equal(space.key({ arch: '22212220' }), '22212220');
  assert.equal(space.key({ arch: '22212202' }), '22212220');
  assert.equal(space.key({ arch: '20102000' }), '20120000');
  assert.equal(space.key({ arch: '02002000' }), '02020000', 'a strided identity (1x1 conv) stays first in its stage');
  assert.notEqual(space.key({ arch: '21212120' }), space.key({ arch: '22112120' }), 'the order of MB blocks matters');
  assert.notEqual(space.key({ arch: '01000000' }), space.key({ arch: '10000000' }), 'stage boundaries hold');
  assert.equal(canonicalMacroArch('00000000'), '00000000');
});

test('the benchmark agrees: 3,969 distinct keys, and entries sharing a key have identical results', { skip: missing }, () => {
  const t = table();
  const groups = new Map<string, string[]>();
  for (const arch of Object.keys(t)) {
    const k = space.key({ arch });
    groups.set(k, [...(groups.get(k) ?? []), arch]);
  }
  assert.equal(groups.size, 3969);
  for (const archs of groups.values()) {
    for (const a of archs) assert.deepEqual(t[a]!.test_acc, t[archs[0]!]!.test_acc, `${a} vs ${archs[0]}`);
  }
});

test('bad genotypes name the bad position and what is allowed', () => {
  const err = (g: unknown, path: string): void => {
    assert.throws(
      () => space.validate(g),
      (e: unknown) => e instanceof SpaceError && e.code === 'invalid-genotype' && e.path === path,
      JSON.stringify(g),
    );
  };
  err({ arch: '22212320' }, 'arch[5]');
  err({ arch: '2221222' }, 'arch');
  err({ arch: 22212220 }, 'arch');
  err({ arch: '22212220', extra: 1 }, 'extra');
  assert.throws(() => space.parse!('2221x220'), /genotype\.arch\[4\] is "x"; allowed: 0 \(identity\), 1 \(MB k3 e3\) or 2 \(MB k5 e6\)/);
  assert.throws(() => space.build({ arch: '22212220' }, { channels: 0 }), /stack\.channels is 0; allowed: a positive integer/);
});

test("presets: the benchmark's best architecture", () => {
  assert.equal(space.presets.best!.genotype.arch, '22212220');
  assert.equal(space.presets.largest!.genotype.arch, '22222222');
});

test("params and MACs equal the benchmark file's params and flops for all 6,561 archs", { skip: missing }, () => {
  const t = table();
  const archs = Object.keys(t).sort();
  assert.equal(archs.length, 6561);
  const live = undisposedTensors();
  const wrong: string[] = [];
  for (const arch of archs) {
    const c = space.cost({ arch });
    if (c.params !== t[arch]!.params || c.macs !== t[arch]!.flops) {
      wrong.push(`${arch}: ${c.params}/${c.macs} vs ${t[arch]!.params}/${t[arch]!.flops}`);
    }
  }
  assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} archs differ`);
  assert.equal(undisposedTensors(), live, 'counting freed every network');
});

test('cost scales with the stack and input: 10 → 100 classes adds 1280·90 params and MACs', () => {
  const base = space.cost({ arch: '22212220' });
  const more = space.cost({ arch: '22212220' }, { classes: 100 });
  assert.equal(more.params - base.params, 1280 * 90 + 90);
  assert.equal(more.macs - base.macs, 1280 * 90);
  // every conv's output area grows 4x from 32 to 64 pixels; only the linear layer does not
  const big = space.cost({ arch: '22212220' }, {}, { size: 64 });
  assert.equal(big.macs - 1280 * 10, 4 * (base.macs - 1280 * 10));
});
