// Deterministic memory: a long synchronous training loop inside tidy scopes keeps RSS flat and
// frees every tensor each step; disposed tensors fail clearly; tidy keeps what it returns.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  EngineError,
  F,
  type Tensor,
  dispose,
  getNumThreads,
  keep,
  liveTensorBytes,
  undisposedTensors,
  manualSeed,
  noGrad,
  ones,
  randint,
  randn,
  scopeDepth,
  setNumThreads,
  tensor,
  tidy,
  zeros,
} from '../../src/torch/index.js';

const rssMB = (): number => process.memoryUsage().rss / 2 ** 20;

// One intra-op thread: these tensors are tiny, and on a busy machine OpenMP's barriers cost far
// more than the work (measured: 0.7 ms/step with 1 thread, 7-27 ms with 2 under load).
function withOneThread<T>(fn: () => T): T {
  const before = getNumThreads();
  setNumThreads(1);
  try {
    return fn();
  } finally {
    setNumThreads(before);
  }
}

test('10,000 training steps of a small CNN in tidy scopes keep RSS and live tensors flat', () =>
  withOneThread(() => {
    manualSeed(0);
    const params = {
      w1: randn([4, 1, 3, 3]).mul_(0.3).requiresGrad_().keep(),
      b1: zeros([4], { requiresGrad: true }).keep(),
      w2: randn([8, 4, 3, 3]).mul_(0.2).requiresGrad_().keep(),
      b2: zeros([8], { requiresGrad: true }).keep(),
      wl: randn([10, 8]).mul_(0.3).requiresGrad_().keep(),
      bl: zeros([10], { requiresGrad: true }).keep(),
    };
    const list = Object.values(params);
    const x = randn([8, 1, 8, 8]).keep();
    const y = randint(0, 10, [8]).keep();
    const live0 = undisposedTensors();
    const bytes0 = liveTensorBytes();
    let rssAt100 = 0;
    let firstLoss = 0;
    let lastLoss = 0;
    const start = performance.now();
    for (let step = 0; step < 10_000; step++) {
      const loss = tidy(() => {
        // Fresh noise each step, so allocations vary as in real training.
        const input = x.add(randn([8, 1, 8, 8]).mul(0.1));
        let h = F.relu(F.conv2d(input, params.w1, params.b1, { padding: 1 }));
        h = F.relu(F.conv2d(h, params.w2, params.b2, { stride: 2, padding: 1 }));
        const logits = F.linear(h.mean([2, 3]), params.wl, params.bl);
        const l = F.crossEntropy(logits, y);
        l.backward();
        noGrad(() => {
          for (const p of list) {
            p.sub_(p.grad!, 0.05);
            p.grad = null;
          }
        });
        return l.item();
      });
      if (step === 0) firstLoss = loss;
      lastLoss = loss;
      if (undisposedTensors() !== live0) assert.fail(`step ${step}: ${undisposedTensors() - live0} tensors leaked`);
      if (step === 100) rssAt100 = rssMB();
    }
    const seconds = (performance.now() - start) / 1000;
    const growth = rssMB() - rssAt100;
    assert.ok(growth < 50, `RSS grew ${growth.toFixed(1)} MB between step 100 and step 10,000`);
    assert.equal(liveTensorBytes(), bytes0, "the accounted bytes return to the parameters' and data's");
    assert.ok(lastLoss < firstLoss, `the CNN should learn: loss ${firstLoss} -> ${lastLoss}`);
    assert.equal(scopeDepth(), 0);
    dispose([list, x, y]);
    // Printed as a diagnostic: 10,000 steps (forward, backward, update) on this machine.
    console.log(`# 10,000 steps in ${seconds.toFixed(1)} s; RSS growth after step 100: ${growth.toFixed(1)} MB`);
  }));

test('tensors that are never disposed are still freed by garbage collection in a synchronous loop', () =>
  withOneThread(() => {
    // Each abandoned tensor holds 400 kB: if abandoned handles were only freed once the event
    // loop turns, 8,000 of them would take 3.2 GB. Nothing here yields to the event loop.
    const rss0 = rssMB();
    const big = zeros([100_000]).keep();
    for (let i = 0; i < 8_000; i++) big.add(1); // never disposed, outside any scope
    const growth = rssMB() - rss0;
    assert.ok(growth < 1000, `RSS grew ${growth.toFixed(0)} MB for abandoned tensors`);
    big.dispose();
  }));

test('a disposed tensor throws a clear EngineError when used', () => {
  const t = ones([2, 2]);
  t.dispose();
  assert.equal(t.isDisposed, true);
  t.dispose(); // twice is harmless
  for (const use of [() => t.add(1), () => t.shape, () => t.data(), () => t.item(), () => t.sum(), () => F.relu(t), () => ones([2, 2]).mul(t)]) {
    assert.throws(
      () => tidy(() => use()),
      (e: unknown) => e instanceof EngineError && /disposed/.test(e.message),
    );
  }
  assert.equal(String(t), 'Tensor(disposed)');
  // A tensor freed by the end of its scope says how to keep it.
  let escaped: Tensor | undefined;
  tidy(() => {
    escaped = ones([1]);
  });
  assert.throws(() => escaped!.add(1), /was disposed.*keep\(\) it or return it from tidy/);
});

test('tidy returns nested results (arrays, objects, Maps) and frees everything else', () => {
  const live0 = undisposedTensors();
  const out = tidy(() => {
    const a = ones([2]);
    const b = a.add(1);
    const c = b.mul(3);
    a.mul(10); // garbage
    return { list: [a, { deep: c }], map: new Map([['b', b]]), n: 42 };
  });
  assert.equal(undisposedTensors(), live0 + 3, 'three tensors survive, the rest is freed');
  assert.deepEqual(out.list[0] instanceof Object && (out.list[0] as Tensor).toArray(), [1, 1]);
  assert.deepEqual((out.list[1] as { deep: Tensor }).deep.toArray(), [6, 6]);
  assert.deepEqual(out.map.get('b')!.toArray(), [2, 2]);
  assert.equal(out.n, 42);
  dispose(out);
  assert.equal(undisposedTensors(), live0);
});

test('tidy finds returned tensors at any depth, in Sets, and in cyclic structures', () => {
  const live0 = undisposedTensors();
  const deep = tidy(() => ({ a: { b: { c: { d: { e: { f: [ones([1])] } } } } } }));
  assert.equal(deep.a.b.c.d.e.f[0]!.isDisposed, false, 'a deeply nested result survives');
  const set = tidy(() => new Set([ones([1]), ones([2])]));
  assert.ok([...set].every((t) => !t.isDisposed));
  const cyclic = tidy(() => {
    const node: { t: Tensor; self?: unknown; bare?: object } = { t: ones([3]) };
    node.self = node;
    node.bare = Object.assign(Object.create(null) as object, { u: ones([4]) });
    return node;
  });
  assert.equal(cyclic.t.isDisposed, false);
  assert.equal((cyclic.bare as { u: Tensor }).u.isDisposed, false);
  assert.equal(undisposedTensors(), live0 + 5);
  dispose([deep, set, cyclic]);
  assert.equal(undisposedTensors(), live0);
});

test('nested tidy hands results to the parent scope, which frees them unless returned', () => {
  const live0 = undisposedTensors();
  const kept = tidy(() => {
    const inner = tidy(() => ones([3]).add(1));
    assert.equal(inner.isDisposed, false);
    const unused = tidy(() => ones([3]).mul(2));
    const r = inner.add(unused);
    assert.equal(undisposedTensors(), live0 + 3);
    return r;
  });
  assert.deepEqual(kept.toArray(), [4, 4, 4]);
  assert.equal(undisposedTensors(), live0 + 1);
  kept.dispose();
});

test('returning an outer tensor from a nested tidy does not hand it to the parent scope', () => {
  const outer = ones([2]);
  tidy(() => {
    const same = tidy(() => outer);
    assert.equal(same, outer);
  });
  assert.equal(outer.isDisposed, false, 'a tensor made outside both scopes must survive them');
  tidy(() => {
    const made = ones([1]);
    tidy(() => {
      tidy(() => made); // created in the outermost scope: its owner frees it, not the inner ones
      assert.equal(made.isDisposed, false);
    });
    assert.equal(made.isDisposed, false);
  });
  outer.dispose();
});

test('keep exempts tensors from scopes; throwing inside tidy frees the scope', () => {
  const live0 = undisposedTensors();
  const k = tidy(() => keep(ones([1])));
  const k2 = tidy(() => {
    const _t = ones([1]).keep();
    return 1;
  });
  assert.equal(k2, 1);
  assert.equal(undisposedTensors(), live0 + 2);
  assert.throws(
    () =>
      tidy(() => {
        ones([5]);
        ones([5]);
        throw new Error('boom');
      }),
    /boom/,
  );
  assert.equal(undisposedTensors(), live0 + 2);
  assert.equal(scopeDepth(), 0);
  assert.throws(() => tidy(() => Promise.resolve(1)), /Promise/);
  k.dispose();
  void tensor([1]).dispose();
});
