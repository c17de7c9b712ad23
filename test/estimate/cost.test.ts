// The cost model: MACs from a shape-only dry run equal those of the real ops, params from the
// module tree, and measured latency; counting draws no random numbers and frees everything.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineError, F, type Tensor, undisposedTensors, randn, rngState, setNumThreads, tidy } from '../../src/torch/index.js';
import { BatchNorm2d, Conv2d, GlobalAvgPool, Linear, MaxPool2d, ReLU, Sequential, traceMacs, withoutInit } from '../../src/nn/index.js';
import { countMacs, estimateCost, measureLatency } from '../../src/estimate/index.js';
import { nasBenchMacroSpace } from '../../src/spaces/nas-bench-macro/index.js';

setNumThreads(1);

function sameValues(a: Tensor, b: Tensor): boolean {
  const [x, y] = [a.toArray(), b.toArray()];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

test('a dry conv has the real output shape and counts out·(cin/groups)·kh·kw MACs', () => {
  type K = number | [number, number];
  const cases: { cin: number; cout: number; k: K; stride: K; padding: K; dilation: K; groups: number; hw: [number, number] }[] = [];
  for (const k of [1, 3, 5, [1, 7], [7, 1]] as K[]) {
    for (const stride of [1, 2, [1, 2]] as K[]) {
      for (const dilation of [1, 2]) {
        for (const groups of [1, 4])
          cases.push({ cin: 4, cout: 8, k, stride, padding: typeof k === 'number' ? k >> 1 : [k[0] >> 1, k[1] >> 1], dilation, groups, hw: [9, 11] });
      }
    }
  }
  cases.push({ cin: 3, cout: 6, k: 3, stride: 2, padding: 0, dilation: 1, groups: 3, hw: [7, 7] });
  for (const c of cases) {
    const conv = new Conv2d(c.cin, c.cout, c.k, { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups });
    tidy(() => {
      const x = randn([2, c.cin, ...c.hw]);
      const real = conv.forward(x);
      const { value, macs } = traceMacs(() => conv.forward(x));
      assert.deepEqual(value.shape, real.shape, JSON.stringify(c));
      const [kh, kw] = typeof c.k === 'number' ? [c.k, c.k] : c.k;
      assert.equal(macs, real.numel * (c.cin / c.groups) * kh * kw, JSON.stringify(c));
    });
    conv.dispose();
  }
});

test('a dry linear layer has the real shape and counts in·out per row, bias not counted', () => {
  const lin = new Linear(6, 5);
  tidy(() => {
    const x = randn([3, 4, 6]);
    const { value, macs } = traceMacs(() => lin.forward(x));
    assert.deepEqual(value.shape, lin.forward(x).shape);
    assert.equal(macs, 3 * 4 * 6 * 5);
  });
  lin.dispose();
});

test("a network's MACs: the sum of its convs and linear layers, by hand", () => {
  const net = new Sequential(
    new Conv2d(3, 8, 3, { padding: 1, bias: false }),
    new BatchNorm2d(8),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(8, 16, 1),
    new GlobalAvgPool(),
    new Linear(16, 5),
  );
  const live = undisposedTensors();
  // 8·8 px · 8 out · 27, then 4·4 px · 16 out · 8, then 16·5
  assert.equal(countMacs(net, [1, 3, 8, 8]), 8 * 8 * 8 * 27 + 4 * 4 * 16 * 8 + 16 * 5);
  assert.equal(countMacs(net, [2, 3, 8, 8]), 2 * (8 * 8 * 8 * 27 + 4 * 4 * 16 * 8 + 16 * 5), 'per batch element');
  assert.equal(undisposedTensors(), live, 'the dry run freed its tensors');
  assert.equal(net.training, true, 'modes are restored');
  assert.ok([...net.namedModules()].every(([, m]) => m.training));
  net.dispose();
});

test('a dry run refuses what the real op would: wrong channels, too small an input', () => {
  const conv = new Conv2d(3, 4, 5);
  tidy(() => {
    assert.throws(
      () => traceMacs(() => conv.forward(randn([1, 2, 8, 8]))),
      (e: unknown) => e instanceof EngineError && /expected input \(N, 3, H, W\)/.test(e.message),
    );
    assert.throws(
      () => traceMacs(() => conv.forward(randn([1, 3, 3, 3]))),
      (e: unknown) => e instanceof EngineError && /too small/.test(e.message),
    );
  });
  conv.dispose();
});

test('outside a dry run the layers compute as before', () => {
  const conv = new Conv2d(2, 3, 3, { padding: 1 });
  tidy(() => {
    const x = randn([1, 2, 5, 5]);
    const y = conv.forward(x);
    const ref = F.conv2d(x, conv.weight, conv.bias, { padding: 1 });
    assert.ok(sameValues(y, ref));
    assert.ok(y.abs().sum().item() > 0);
  });
  conv.dispose();
});

test('withoutInit draws nothing from the global generator; a normal build does', () => {
  const s0 = rngState();
  const quiet = withoutInit(() => new Conv2d(8, 8, 3));
  const s1 = rngState();
  assert.ok(sameValues(s0, s1), 'no draws inside withoutInit');
  const normal = new Conv2d(8, 8, 3);
  const s2 = rngState();
  assert.ok(!sameValues(s1, s2), 'a normal build draws its initial values');
  assert.equal(quiet.numParameters(), normal.numParameters());
  for (const t of [s0, s1, s2]) t.dispose();
  quiet.dispose();
  normal.dispose();
});

test('measureLatency: a median between min and max over the asked repeats, nothing leaked', () => {
  const net = new Sequential(new Conv2d(3, 8, 3, { padding: 1 }), new ReLU(), new GlobalAvgPool(), new Linear(8, 4));
  const live = undisposedTensors();
  const l = measureLatency(net, [3, 16, 16], { warmup: 1, repeats: 5 });
  assert.equal(l.repeats, 5);
  assert.ok(l.minMs > 0 && l.minMs <= l.medianMs && l.medianMs <= l.maxMs, JSON.stringify(l));
  assert.equal(l.threads, 1);
  assert.equal(undisposedTensors(), live);
  assert.equal(net.training, true);
  assert.throws(() => measureLatency(net, [2, 3, 16, 16]), /\(C, H, W\) or \(1, C, H, W\)/);
  assert.throws(() => measureLatency(net, [3, 16, 16], { repeats: 0 }), RangeError);
  net.dispose();
});

test('estimateCost: params and MACs of the space, latency on request, the generator untouched', () => {
  const g = { arch: '11111111' };
  const s0 = rngState();
  const r = estimateCost(nasBenchMacroSpace, g, { latency: { warmup: 1, repeats: 3 } });
  const s1 = rngState();
  assert.ok(sameValues(s0, s1), 'measuring latency restores the global generator');
  s0.dispose();
  s1.dispose();
  assert.equal(r.params, 1588874);
  assert.equal(r.macs, 53246464);
  assert.deepEqual(r.input, { size: 32, channels: 3 });
  assert.ok(r.latency !== undefined && r.latency.medianMs > 0);
  const noLatency = estimateCost(nasBenchMacroSpace, g, { input: { size: 64 } });
  assert.equal(noLatency.latency, undefined);
  assert.deepEqual(noLatency.input, { size: 64, channels: 3 });
});
