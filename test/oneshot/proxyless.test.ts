// ProxylessNAS: the binary-gate estimator on a toy (exact over all paths, right sign in
// expectation with two sampled paths, the rescale keeps unsampled paths' probabilities), and the
// search on a tiny supernet: only one path runs per weight step, a slow block loses probability,
// runs are seeded and the derivation is valid (an aborted search resuming exactly: methods.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { setNumThreads, tidy } from '../../src/torch/index.js';
import { type LatencyTable, measureLatencyTable, saveLatencyTable } from '../../src/estimate/index.js';
import { Rng } from '../../src/util/index.js';
import { proxylessSpace } from '../../src/spaces/proxylessnas/index.js';
import { type OneShotResult, layerwiseSupernet, proxylessMethod } from '../../src/oneshot/index.js';
import { gateAlphaGrad, pairAlphaGrad, pairRescaleOffset, sampleTwo } from '../../src/oneshot/methods/proxylessnas.js';
import { softmax } from '../../src/oneshot/core/index.js';
import { pathMixer, supernetLatencyParts } from '../../src/oneshot/supernets/layerwise/index.js';
import { tempDir, tinyImages } from './oneshot-fixtures.js';

setNumThreads(1);

test('proxylessnas gates: over all paths the estimator is the exact gradient of E_p[L] for a loss linear in the gates', () => {
  const alpha = [0.4, -0.3, 1.1, 0];
  const cost = [2, 5, 1, 3]; // L = Σ g_j cost_j, so ∂L/∂g_j = cost_j
  const p = softmax(alpha);
  const mean = p.reduce((s, pj, j) => s + pj * cost[j]!, 0);
  const exact = p.map((pi, i) => pi * (cost[i]! - mean)); // ∂/∂α_i Σ p_j cost_j
  gateAlphaGrad(alpha, cost).forEach((g, i) => assert.ok(Math.abs(g - exact[i]!) < 1e-12, `α${i}: ${g} vs ${exact[i]}`));
});

test('proxylessnas gates: the two-path estimate, averaged over seeded pairs, points as the true gradient', () => {
  const alpha = [0.2, -0.1, 0.5, 0.1, -0.4];
  const cost = [3, 1, 4, 2, 5];
  const p = softmax(alpha);
  const mean = p.reduce((s, pj, j) => s + pj * cost[j]!, 0);
  const exact = p.map((pi, i) => pi * (cost[i]! - mean));
  const rng = new Rng(3);
  const avg = alpha.map(() => 0);
  const n = 20000;
  for (let t = 0; t < n; t++) {
    const pair = sampleTwo(p, rng);
    const g = pairAlphaGrad(alpha, pair, [cost[pair[0]]!, cost[pair[1]]!]);
    g.forEach((v, i) => {
      avg[i]! += v / n;
    });
  }
  const cheapest = cost.indexOf(Math.min(...cost));
  const dearest = cost.indexOf(Math.max(...cost));
  assert.ok(avg[cheapest]! < 0 && exact[cheapest]! < 0, `the cheapest path's α should rise: ${avg[cheapest]}`);
  assert.ok(avg[dearest]! > 0 && exact[dearest]! > 0, `the dearest path's α should fall: ${avg[dearest]}`);
  // same ordering of the paths by estimated and exact gradient
  const order = (v: number[]) =>
    v
      .map((x, i) => [x, i] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, i]) => i);
  assert.deepEqual(order(avg), order(exact));
});

test("proxylessnas gates: sampling is seeded and the rescale keeps the unsampled paths' probabilities", () => {
  const p = softmax([0.1, 0.7, -0.2, 0.3]);
  const draw = (seed: number) => {
    const r = new Rng(seed);
    return Array.from({ length: 20 }, () => sampleTwo(p, r));
  };
  assert.deepEqual(draw(5), draw(5));
  for (const [a, b] of draw(6)) assert.notEqual(a, b);
  const before = [0.1, 0.7, -0.2, 0.3];
  const after = [0.1, 0.9, -0.5, 0.3]; // the pair (1, 2) was updated
  const off = pairRescaleOffset([before[1]!, before[2]!], [after[1]!, after[2]!]);
  const fixed = after.map((v, k) => (k === 1 || k === 2 ? v - off : v));
  const [p0, p1] = [softmax(before), softmax(fixed)];
  assert.ok(Math.abs(p0[0]! - p1[0]!) < 1e-12 && Math.abs(p0[3]! - p1[3]!) < 1e-12);
  assert.ok(p1[1]! > p0[1]! && p1[2]! < p0[2]!, 'the update itself is kept within the pair');
});

const stack = proxylessSpace.tiny.stack;
const train = tinyImages(64, 16, 1);
const val = tinyImages(32, 16, 2);
const dir = tempDir();
const tablePath = join(dir.path, 'table.json');
const table: LatencyTable = measureLatencyTable(supernetLatencyParts(layerwiseSupernet(proxylessSpace, { ...stack, classes: 2 }), 16), {
  warmup: 1,
  repeats: 2,
});
saveLatencyTable(tablePath, table);
test.after(() => dir.remove());

const OPTIONS = { epochs: 2, warmupEpochs: 0, batchSize: 16, stepsPerEpoch: 4, archEvery: 1, latencyTable: tablePath, archLr: 0.05 };

function run(workdir: string, options: Record<string, number | string> = {}): Promise<OneShotResult> {
  return proxylessMethod.run({ space: proxylessSpace, stack, train, val, seed: 11, workdir, options: { ...OPTIONS, ...options } });
}

test('proxylessnas: a weight step runs exactly one candidate per layer', () => {
  const net = layerwiseSupernet(proxylessSpace, { ...stack, classes: 2 });
  const calls = net.searchable.map(() => 0);
  const path = net.searchable.map((c) => c.candidates.length - 1);
  const mixer = pathMixer(path);
  tidy(() => {
    const { x } = train.getBatch([0, 1]);
    net.forward(x, (l, cell, h) => {
      calls[l]!++;
      return mixer(l, cell, h);
    });
  });
  net.dispose();
  assert.deepEqual(
    calls,
    net.searchable.map(() => 1),
  );
});

test('proxylessnas: a slow block loses probability through the expected-latency term', async () => {
  const L = 6;
  const slow: LatencyTable = { ...table, layers: table.layers.map((l, i) => (i === L ? { ...l, ms: { ...l.ms, k7_e6: 50 } } : l)) };
  const p = join(dir.path, 'slow.json');
  saveLatencyTable(p, slow);
  const o = { epochs: 1, lr: 0, lambda: 1, refLatencyMs: 5 };
  const base = await run(join(dir.path, 'base'), o);
  const r = await run(join(dir.path, 'slow'), { ...o, latencyTable: p });
  const k = proxylessSpace.decisions()[L]!.choices.indexOf('k7_e6');
  const probs = (x: OneShotResult) => (x.details as { probabilities: number[][] }).probabilities[L]!;
  assert.ok(probs(r)[k]! < probs(base)[k]!, `p(k7_e6) at layer ${L}: ${probs(r)[k]} should fall below ${probs(base)[k]}`);
});

test('proxylessnas: seeded, an architecture step every weight step, and a valid derivation', async () => {
  const a = await run(join(dir.path, 'a'));
  const b = await run(join(dir.path, 'b'));
  assert.deepEqual(b.details, a.details);
  assert.doesNotThrow(() => proxylessSpace.validate(a.genotype));
  const hist = (a.details as { history: { archSteps: number }[] }).history;
  assert.deepEqual(
    hist.map((h) => h.archSteps),
    [4, 4],
  );
});

test('proxylessnas: option values are checked', async () => {
  await assert.rejects(run(join(dir.path, 'x'), { latencyLoss: 'mult' }), /proxylessnas: option 'latencyLoss' is "mult"; allowed: add, mul, none/);
  await assert.rejects(run(join(dir.path, 'x'), { archEvery: 0 }), /'archEvery' must be an integer of at least 1/);
});
