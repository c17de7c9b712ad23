import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataLoader, DataError, TensorDataset, compose, cutout, randomCrop, randomHorizontalFlip } from '../../src/data/index.js';
import { undisposedTensors, manualSeed, rand, tidy, type Tensor } from '../../src/torch/index.js';

/** 23 examples whose single input value is their position (so batches reveal the order). */
function positions(n = 23): TensorDataset {
  return TensorDataset.fromArrays(
    Float32Array.from({ length: n }, (_, i) => i),
    [n, 1],
    Array.from({ length: n }, (_, i) => i % 3),
  );
}

/** n random images (n, c, s, s) with labels in 0..2, leaving no temporary tensors behind. */
function images(n: number, c: number, s: number): TensorDataset {
  return tidy(() => new TensorDataset(rand([n, c, s, s]), rand([n]).mul(3).floor().to('int64')));
}

function order(loader: DataLoader): number[][] {
  const out: number[][] = [];
  for (const b of loader) {
    out.push(b.x.toArray());
    b.x.dispose();
    b.y.dispose();
  }
  return out;
}

function take(it: Iterator<{ x: Tensor; y: Tensor }>): number[] {
  const r = it.next();
  assert.ok(!r.done);
  const v = r.value.x.toArray();
  r.value.x.dispose();
  r.value.y.dispose();
  return v;
}

describe('DataLoader', () => {
  it('gives the same order for the same seed, a new order each epoch, and covers every example once', () => {
    const ds = positions();
    const a = new DataLoader(ds, { batchSize: 5, seed: 7 });
    const b = new DataLoader(ds, { batchSize: 5, seed: 7 });
    const e0 = order(a);
    manualSeed(123); // the global generator does not affect the loader
    assert.deepEqual(order(b), e0);
    assert.equal(a.epoch, 1);
    const e1 = order(a);
    assert.notDeepEqual(e1, e0);
    for (const e of [e0, e1])
      assert.deepEqual(
        e.flat().sort((p, q) => p - q),
        Array.from({ length: 23 }, (_, i) => i),
      );
    assert.deepEqual(
      e0.map((x) => x.length),
      [5, 5, 5, 5, 3],
    );
    assert.notDeepEqual(order(new DataLoader(ds, { batchSize: 5, seed: 8 })), e0);
    assert.deepEqual(
      order(new DataLoader(ds, { batchSize: 5, shuffle: false })).flat(),
      Array.from({ length: 23 }, (_, i) => i),
    );
    ds.dispose();
  });

  it('drops the last short batch when asked', () => {
    const ds = positions();
    const l = new DataLoader(ds, { batchSize: 5, dropLast: true, seed: 1 });
    assert.equal(l.length, 4);
    const e = order(l);
    assert.deepEqual(
      e.map((x) => x.length),
      [5, 5, 5, 5],
    );
    assert.equal(new Set(e.flat()).size, 20);
    ds.dispose();
  });

  it('resumes mid-epoch from a JSON state exactly as an uninterrupted run, augmentations included', () => {
    const n = 10;
    const ds = images(n, 2, 6);
    const transform = compose(randomCrop(6, 2), randomHorizontalFlip(), cutout(3));
    const opts = { batchSize: 3, seed: 42, transform };
    const whole = new DataLoader(ds, opts);
    const full = [...order(whole), ...order(whole)];

    const first = new DataLoader(ds, opts);
    const it = first[Symbol.iterator]();
    const head = [take(it), take(it)];
    const saved = JSON.stringify(first.state());
    assert.deepEqual(JSON.parse(saved), { epoch: 0, batch: 2, seed: 42 });
    manualSeed(999);
    const resumed = new DataLoader(ds, opts);
    resumed.loadState(JSON.parse(saved));
    const tail = [...order(resumed), ...order(resumed)];
    assert.deepEqual([...head, ...tail], full);
    assert.throws(() => new DataLoader(ds, { ...opts, seed: 1 }).loadState(JSON.parse(saved)), DataError);
    ds.dispose();
  });

  it('rolls over to the next epoch after a break at the last batch', () => {
    const ds = positions(4);
    const l = new DataLoader(ds, { batchSize: 2, seed: 3 });
    const it = l[Symbol.iterator]();
    take(it);
    take(it);
    assert.deepEqual(l.state(), { epoch: 1, batch: 0, seed: 3 });
    assert.equal(order(l).length, 2);
    assert.equal(l.epoch, 2);
    ds.dispose();
  });

  it('frees everything but the batches it hands out', () => {
    const ds = images(8, 1, 5);
    const l = new DataLoader(ds, { batchSize: 4, transform: compose(randomCrop(5, 1), cutout(2)) });
    order(l); // warm up lazily created engine state
    const before = undisposedTensors();
    order(l);
    assert.equal(undisposedTensors(), before);
    ds.dispose();
  });

  it('rejects bad options', () => {
    const ds = positions();
    assert.throws(() => new DataLoader(ds, { batchSize: 0 }), /batchSize must be a positive integer/);
    assert.throws(() => new DataLoader(ds, { batchSize: 2, seed: -1 }), /seed/);
    assert.throws(() => new DataLoader(ds, { batchSize: 2 }).seek(0, 99), /batch position/);
    assert.throws(() => new DataLoader(ds, { batchSize: 24, dropLast: true }), /no batches.*fewer than one batch of 24/);
    ds.dispose();
  });
});
