// The latency lookup table's mechanics on a tiny input: every candidate of every layer and the
// fixed parts are measured, an architecture's prediction is the sum of its entries, the JSON
// round trip keeps everything (device and input included), bad files and names are refused with
// a clear message, and Spearman's correlation is right on known cases.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveTensors, setNumThreads } from '../../src/torch/index.js';
import { BatchNorm2d, Conv2d, GlobalAvgPool, Identity, Linear, ReLU, Sequential } from '../../src/nn/index.js';
import {
  LatencyTableError, type LatencyTableParts, loadLatencyTable, measureLatencyTable, predictLatency, saveLatencyTable, spearman,
} from '../../src/estimate/index.js';

setNumThreads(1);

function parts(): LatencyTableParts {
  const conv = (c: number, k: number) => new Sequential(new Conv2d(c, c, k, { padding: k >> 1 }), new BatchNorm2d(c), new ReLU());
  return {
    space: 'toy',
    input: { channels: 3, size: 8 },
    fixed: [
      { name: 'stem', module: new Conv2d(3, 4, 3, { padding: 1 }), inputShape: [3, 8, 8] },
      { name: 'head', module: new Sequential(new GlobalAvgPool(), new Linear(4, 2)), inputShape: [4, 8, 8] },
    ],
    layers: [0, 1].map(() => ({
      inputShape: [4, 8, 8],
      candidates: [{ name: 'skip', module: new Identity() }, { name: 'k3', module: conv(4, 3) }, { name: 'k5', module: conv(4, 5) }],
    })),
  };
}

test('latency table: measured per layer and block, predictions are sums of entries', () => {
  const p = parts();
  const before = liveTensors();
  const t = measureLatencyTable(p, { warmup: 1, repeats: 3 });
  assert.equal(liveTensors(), before, 'measuring frees every tensor it makes');
  assert.equal(t.space, 'toy');
  assert.deepEqual(t.input, { channels: 3, size: 8 });
  assert.match(t.device, /^cpu: .*1 libtorch thread/);
  assert.deepEqual(Object.keys(t.fixedMs), ['stem', 'head']);
  assert.equal(t.layers.length, 2);
  for (const l of t.layers) {
    assert.deepEqual(l.inputShape, [4, 8, 8]);
    assert.deepEqual(Object.keys(l.ms), ['skip', 'k3', 'k5']);
    for (const v of Object.values(l.ms)) assert.ok(v >= 0 && Number.isFinite(v));
  }
  const fixed = t.fixedMs.stem! + t.fixedMs.head!;
  assert.equal(predictLatency(t, ['skip', 'k5']), fixed + t.layers[0]!.ms.skip! + t.layers[1]!.ms.k5!);
  assert.ok(predictLatency(t, ['k5', 'k5']) > predictLatency(t, ['skip', 'skip']), 'two 5x5 convs cost more than two identities');
  assert.throws(() => predictLatency(t, ['k3']), (e: Error) => e instanceof LatencyTableError && /2 layers but the architecture has 1/.test(e.message));
  assert.throws(() => predictLatency(t, ['k3', 'k7']), (e: Error) => e instanceof LatencyTableError && /no entry for 'k7' at layer 1; it has: skip, k3, k5/.test(e.message));
});

test('latency table: JSON round trip and refusal of broken files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-lat-'));
  try {
    const t = measureLatencyTable(parts(), { warmup: 0, repeats: 1, device: 'test device' });
    const p = join(dir, 't.json');
    saveLatencyTable(p, t);
    const back = loadLatencyTable(p);
    assert.deepEqual(back, t);
    assert.equal(back.device, 'test device');
    assert.equal(predictLatency(back, ['k3', 'skip']), predictLatency(t, ['k3', 'skip']));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...t, layers: [{ inputShape: [1], ms: { a: -1 } }] }));
    assert.throws(() => loadLatencyTable(bad), /layers\[0\] needs an inputShape and milliseconds per block; measure it again/);
    writeFileSync(bad, '{not json');
    assert.throws(() => loadLatencyTable(bad), (e: Error) => e instanceof LatencyTableError && /cannot read the latency table/.test(e.message));
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
