// The latency lookup table's mechanics on a tiny input, for both methods (in context: sampled
// whole-network passes; isolated: each block alone): every candidate of every layer and the
// fixed parts are measured, an architecture's prediction is the sum of its entries, the JSON
// round trip keeps everything (device, input and method included; older files load as
// 'isolated'), bad files and names are refused with a clear message, the round-robin paths are
// seeded and fair, interleaved end-to-end timing gives one value per network, and Spearman's and
// Pearson's correlations are right on known cases. No timing thresholds: those are the bench's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveTensors, setNumThreads } from '../../src/torch/index.js';
import { BatchNorm2d, Conv2d, GlobalAvgPool, Identity, Linear, ReLU, Sequential } from '../../src/nn/index.js';
import {
  LatencyTableError,
  type LatencyTableParts,
  loadLatencyTable,
  measureLatencyTable,
  pearson,
  predictLatency,
  roundRobinPaths,
  saveLatencyTable,
  spearman,
  timeInContext,
  timeInterleaved,
} from '../../src/estimate/index.js';

setNumThreads(1);

function parts(): LatencyTableParts {
  const conv = (c: number, k: number) => new Sequential(new Conv2d(c, c, k, { padding: k >> 1 }), new BatchNorm2d(c), new ReLU());
  return {
    space: 'toy',
    input: { channels: 3, size: 8 },
    fixed: [
      { name: 'stem', module: new Conv2d(3, 4, 3, { padding: 1 }), inputShape: [3, 8, 8], at: 'start' },
      { name: 'head', module: new Sequential(new GlobalAvgPool(), new Linear(4, 2)), inputShape: [4, 8, 8], at: 'end' },
    ],
    layers: [0, 1].map(() => ({
      inputShape: [4, 8, 8],
      candidates: [
        { name: 'skip', module: new Identity() },
        { name: 'k3', module: conv(4, 3) },
        { name: 'k5', module: conv(4, 5) },
      ],
    })),
  };
}

for (const method of ['in-context', 'isolated'] as const) {
  test(`latency table (${method}): measured per layer and block, predictions are sums of entries`, () => {
    const p = parts();
    const before = liveTensors();
    const t = measureLatencyTable(p, method === 'isolated' ? { warmup: 1, repeats: 3, method } : { warmup: 1, repeats: 3 });
    assert.equal(liveTensors(), before, 'measuring frees every tensor it makes');
    assert.equal(t.space, 'toy');
    assert.deepEqual(t.input, { channels: 3, size: 8 });
    assert.match(t.device, /^cpu: .*1 libtorch thread/);
    assert.equal(t.method, method, 'in-context is the default');
    assert.deepEqual(Object.keys(t.fixedMs), method === 'in-context' ? ['stem', 'head', 'between'] : ['stem', 'head']);
    for (const v of Object.values(t.fixedMs)) assert.ok(v >= 0 && Number.isFinite(v));
    for (const m of p.fixed.map((f) => f.module)) assert.equal(m.training, true, 'training mode is restored');
    assert.equal(t.layers.length, 2);
    for (const l of t.layers) {
      assert.deepEqual(l.inputShape, [4, 8, 8]);
      assert.deepEqual(Object.keys(l.ms), ['skip', 'k3', 'k5']);
      for (const v of Object.values(l.ms)) assert.ok(v >= 0 && Number.isFinite(v));
    }
    const fixed = t.fixedMs.stem! + t.fixedMs.head! + (t.fixedMs.between ?? 0);
    assert.equal(predictLatency(t, ['skip', 'k5']), fixed + t.layers[0]!.ms.skip! + t.layers[1]!.ms.k5!);
    assert.throws(
      () => predictLatency(t, ['k3']),
      (e: Error) => e instanceof LatencyTableError && /2 layers but the architecture has 1/.test(e.message),
    );
    assert.throws(
      () => predictLatency(t, ['k3', 'k7']),
      (e: Error) => e instanceof LatencyTableError && /no entry for 'k7' at layer 1; it has: skip, k3, k5/.test(e.message),
    );
  });
}

test('latency table: JSON round trip and refusal of broken files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-lat-'));
  try {
    const t = measureLatencyTable(parts(), { warmup: 0, repeats: 1, device: 'test device' });
    const p = join(dir, 't.json');
    saveLatencyTable(p, t);
    const back = loadLatencyTable(p);
    assert.deepEqual(back, t);
    assert.equal(back.device, 'test device');
    assert.equal(back.method, 'in-context');
    assert.equal(predictLatency(back, ['k3', 'skip']), predictLatency(t, ['k3', 'skip']));
    const iso = measureLatencyTable(parts(), { warmup: 0, repeats: 1, method: 'isolated' });
    saveLatencyTable(p, iso);
    assert.deepEqual(loadLatencyTable(p), iso);
    // a table saved before the method was recorded timed each block alone
    const { method: _, ...old } = iso;
    writeFileSync(p, JSON.stringify(old));
    assert.equal(loadLatencyTable(p).method, 'isolated');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...t, method: 'guessed' }));
    assert.throws(
      () => loadLatencyTable(bad),
      (e: Error) => e instanceof LatencyTableError && /method is "guessed", not 'in-context' or 'isolated'/.test(e.message),
    );
    writeFileSync(bad, JSON.stringify({ ...t, layers: [{ inputShape: [1], ms: { a: -1 } }] }));
    assert.throws(() => loadLatencyTable(bad), /layers\[0\] needs an inputShape and milliseconds per block; measure it again/);
    writeFileSync(bad, '{not json');
    assert.throws(
      () => loadLatencyTable(bad),
      (e: Error) => e instanceof LatencyTableError && /cannot read the latency table/.test(e.message),
    );
    writeFileSync(bad, JSON.stringify({ ...t, version: 2 }));
    assert.throws(() => loadLatencyTable(bad), /version 2/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('spearman: +1 for the same order, −1 reversed, mean ranks for ties', () => {
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 35, 100]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  // x = 1..5, y with a tie: ranks of y are 1, 2.5, 2.5, 4, 5 → Pearson of ranks
  const r = spearman([1, 2, 3, 4, 5], [1, 2, 2, 4, 5]);
  assert.ok(Math.abs(r - 0.9746794344808963) < 1e-12, String(r));
  assert.throws(() => spearman([1], [1]), RangeError);
});

test('pearson: ±1 on lines, 0 for a constant list', () => {
  assert.ok(Math.abs(pearson([1, 2, 3], [3, 5, 7]) - 1) < 1e-12);
  assert.ok(Math.abs(pearson([1, 2, 3], [7, 5, 3]) + 1) < 1e-12);
  assert.equal(pearson([1, 2, 3], [4, 4, 4]), 0);
  assert.throws(() => pearson([1, 2], [1]), RangeError);
});

test('round-robin paths: seeded, and every candidate of a layer picked equally often', () => {
  const sizes = [3, 2, 4];
  const paths = roundRobinPaths(sizes, 12, 7); // 12 passes: 4, 6 and 3 cycles
  assert.equal(paths.length, 12);
  assert.deepEqual(roundRobinPaths(sizes, 12, 7), paths, 'the same seed gives the same paths');
  assert.notDeepEqual(roundRobinPaths(sizes, 12, 8), paths, 'another seed gives other paths');
  sizes.forEach((k, l) => {
    const counts = new Array<number>(k).fill(0);
    for (const p of paths) counts[p[l]!]!++;
    assert.deepEqual(counts, new Array<number>(k).fill(12 / k), `layer ${l}`);
    for (let c = 0; c < 12; c += k)
      assert.deepEqual(
        paths
          .slice(c, c + k)
          .map((p) => p[l])
          .sort(),
        [...Array(k).keys()],
        'each cycle is a permutation',
      );
  });
});

test('in-context timing: the requested samples of every part, one per pass; tensors freed', () => {
  const p = parts();
  const before = liveTensors();
  const s = timeInContext(p, { warmup: 1, repeats: 4, seed: 3 });
  assert.equal(liveTensors(), before);
  assert.equal(s.passes, 12, '4 samples of each of 3 candidates');
  assert.equal(s.between.length, 12);
  assert.deepEqual(Object.keys(s.fixed), ['stem', 'head']);
  for (const v of Object.values(s.fixed)) assert.equal(v.length, 12);
  assert.deepEqual(
    s.layers.map((l) => l.map((v) => v.length)),
    [
      [4, 4, 4],
      [4, 4, 4],
    ],
  );
  for (const v of [...s.between, ...s.layers.flat(2)]) assert.ok(Number.isFinite(v) && v >= 0);
  const cpu = timeInContext(p, { warmup: 0, repeats: 1, clock: 'cpu' });
  assert.equal(cpu.passes, 3);
});

test('in-context timing refuses parts that do not form one network', () => {
  const loose = parts();
  const noAt: LatencyTableParts = { ...loose, fixed: loose.fixed.map(({ at: _, ...f }) => f) };
  assert.throws(
    () => measureLatencyTable(noAt, { warmup: 0, repeats: 1 }),
    (e: Error) =>
      e instanceof LatencyTableError &&
      /stem, head do not say where they run; give each fixed part at: 'start' or 'end', or measure with method 'isolated'/.test(e.message),
  );
  assert.equal(measureLatencyTable(noAt, { warmup: 0, repeats: 1, method: 'isolated' }).method, 'isolated');
  const before = liveTensors();
  const wrong: LatencyTableParts = { ...loose, layers: [loose.layers[0]!, { ...loose.layers[1]!, inputShape: [8, 4, 4] }] };
  assert.throws(
    () => measureLatencyTable(wrong, { warmup: 0, repeats: 1 }),
    (e: Error) =>
      e instanceof LatencyTableError && /layer 1 expects input \[8, 4, 4\] but the network before it gives \[4, 8, 8\]; the parts do not chain/.test(e.message),
  );
  assert.equal(liveTensors(), before, 'a refused pass frees its tensors');
});

test('interleaved end-to-end timing: one statistic per network over its rounds', () => {
  const nets = [1, 3, 5].map((k) => new Sequential(new Conv2d(3, 4, k, { padding: k >> 1 }), new ReLU(), new GlobalAvgPool(), new Linear(4, 2)));
  const before = liveTensors();
  const r = timeInterleaved(nets, [3, 8, 8], { warmup: 1, rounds: 5, seed: 1 });
  assert.equal(liveTensors(), before);
  assert.equal(r.ms.length, 3);
  assert.deepEqual(
    r.samples.map((s) => s.length),
    [5, 5, 5],
  );
  r.samples.forEach((s, i) => assert.equal(r.ms[i], [...s].sort((a, b) => a - b)[2], 'the median of 5 samples'));
  const m = timeInterleaved(nets, [3, 8, 8], { warmup: 0, rounds: 2, statistic: 'min', clock: 'cpu' });
  m.samples.forEach((s, i) => assert.equal(m.ms[i], Math.min(...s)));
  for (const n of nets) assert.equal(n.training, true, 'training mode is restored');
  assert.throws(() => timeInterleaved(nets, [3, 8, 8], { rounds: 0 }), /rounds must be an integer ≥ 1, got 0/);
});
