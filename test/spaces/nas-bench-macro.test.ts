// The NAS-Bench-Macro network: parameter counts equal the benchmark file's, and logits equal
// our PyTorch port's under the same weights.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { manualSeed, randn, setNumThreads, tidy } from '../../src/torch/index.js';
import { MacroNetwork } from '../../src/spaces/nas-bench-macro/index.js';
import { fillParams, maxAbsDiff, sinInput } from './fill.js';

// Batches of two gain nothing from a second thread, and on a loaded 2-core machine OpenMP's
// barriers made this file 10x slower with two.
setNumThreads(1);

// `params` of these archs in nas-bench-macro_cifar10.json (Su et al.'s benchmark file)
const PUBLISHED: Record<string, number> = {
  '00000000': 387882,
  '11111111': 1588874,
  '22222222': 2932586,
  '22212220': 1985514,
  '10000000': 396298,
  '01000000': 415082,
  '00100000': 419050,
  '12012012': 2014602,
};

const BENCHMARK_FILE = process.env.NASFORGE_NAS_BENCH_MACRO ?? '/work/shared/data/nas-bench-macro/nas-bench-macro_cifar10.json';

function count(arch: string): number {
  const net = new MacroNetwork(arch);
  const n = net.numParameters();
  net.dispose();
  return n;
}

test('parameter counts equal the benchmark file for identity, k3e3 and k5e6 layers in every position', () => {
  for (const [arch, params] of Object.entries(PUBLISHED)) assert.equal(count(arch), params, arch);
});

test('parameter counts equal the benchmark file for 25 random archs (when the file is present)', {
  skip: !existsSync(BENCHMARK_FILE) && `no ${BENCHMARK_FILE}`,
}, () => {
  const table = JSON.parse(readFileSync(BENCHMARK_FILE, 'utf8')) as Record<string, { params: number }>;
  const keys = Object.keys(table).sort();
  assert.equal(keys.length, 6561);
  let s = 12345;
  for (let i = 0; i < 25; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31; // a fixed LCG: the same 25 archs every run
    const arch: string = keys[s % keys.length]!;
    assert.equal(count(arch), table[arch]!.params, arch);
  }
});

test('the network equals our PyTorch port number for number', () => {
  const want = JSON.parse(readFileSync(new URL('../../../test/fixtures/spaces.json', import.meta.url), 'utf8')).macro_12012012 as {
    logits: number[];
    params: number;
  };
  const net = new MacroNetwork('12012012');
  assert.equal(net.numParameters(), want.params);
  fillParams(net);
  tidy(() => {
    const d = maxAbsDiff(net.forward(sinInput(2)).toArray(), want.logits);
    assert.ok(d < 1e-3, `logits differ from PyTorch's by ${d}`);
  });
  net.dispose();
});

test('shapes: stride 2 at layers 1, 3 and 6 (32 → 4 pixels), 1280 features, 10 classes', () => {
  manualSeed(0);
  const net = new MacroNetwork('02102120');
  const kinds = net.features.layers.map((l) => l.constructor.name);
  assert.deepEqual(kinds, ['Sequential', 'MBConv', 'MBConv', 'Identity', 'MBConv', 'MBConv', 'MBConv', 'Identity']);
  tidy(() => {
    const s = net.stem.forward(randn([2, 3, 32, 32]));
    const f = net.features.forward(s);
    assert.deepEqual(f.shape, [2, 256, 4, 4]);
    assert.deepEqual(net.forward(randn([2, 3, 32, 32])).shape, [2, 10]);
  });
  net.dispose();
});

test('a malformed arch string is refused with the expected form', () => {
  for (const bad of ['2221222', '222122203', '22212230', 'abcdefgh']) {
    assert.throws(() => new MacroNetwork(bad), /8 digits, each 0 \(identity\), 1 \(MB k3 e3\) or 2 \(MB k5 e6\)/);
  }
});
