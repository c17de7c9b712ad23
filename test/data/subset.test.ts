import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, TensorDataset, limit, trainValSplit } from '../../src/data/index.js';
import { arange } from '../../src/torch/index.js';

function positions(n: number): TensorDataset {
  return TensorDataset.fromArrays(
    Uint8Array.from({ length: n }, (_, i) => i),
    [n, 1],
    Array.from({ length: n }, (_, i) => i % 4),
    { divisor: 1 },
  );
}

describe('subsets and splits', () => {
  it('splits by fraction into disjoint parts that cover the dataset, reproducibly', () => {
    const ds = positions(50);
    const { train, val } = trainValSplit(ds, { valFraction: 0.2, seed: 5 });
    assert.equal(train.length, 40);
    assert.equal(val.length, 10);
    const all = [...train.positions, ...val.positions];
    assert.equal(new Set(all).size, 50);
    assert.deepEqual(
      [...new Set(all)].sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => i),
    );
    const again = trainValSplit(ds, { valFraction: 0.2, seed: 5 });
    assert.deepEqual([...again.val.positions], [...val.positions]);
    const other = trainValSplit(ds, { valFraction: 0.2, seed: 6 });
    assert.notDeepEqual([...other.val.positions], [...val.positions]);
    // a subset's batch is the base's examples at the mapped positions
    const b = val.getBatch([3, 0]);
    assert.deepEqual(b.x.toArray(), [val.positions[3], val.positions[0]]);
    assert.deepEqual(b.y.toArray(), [val.positions[3]! % 4, val.positions[0]! % 4]);
    const idx = arange(0, 2);
    assert.deepEqual(val.getBatch(idx).x.toArray(), [val.positions[0], val.positions[1]]);
    for (const d of [train, val, again.train, again.val, other.train, other.val]) d.dispose();
    ds.dispose();
  });

  it('splits by count, and without shuffling takes the last examples for validation', () => {
    const ds = positions(10);
    const { train, val } = trainValSplit(ds, { valCount: 3, shuffle: false });
    assert.deepEqual([...train.positions], [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...val.positions], [7, 8, 9]);
    assert.equal(val.numClasses, 4);
    assert.throws(() => trainValSplit(ds, { valCount: 11 }), DataError);
    assert.throws(() => trainValSplit(ds, { valFraction: 1 }), /valFraction must be in \(0, 1\)/);
    assert.throws(() => trainValSplit(ds, {}), /needs valFraction/);
    ds.dispose();
  });

  it('limits to the first N examples and nests', () => {
    const ds = positions(10);
    const first = limit(ds, 4);
    assert.equal(first.length, 4);
    assert.deepEqual(first.getBatch([0, 1, 2, 3]).x.toArray(), [0, 1, 2, 3]);
    assert.equal(limit(ds, 100).length, 10);
    const { val } = trainValSplit(first, { valCount: 2, shuffle: false });
    assert.deepEqual(val.getBatch([1]).x.toArray(), [3]);
    assert.throws(() => first.getBatch([4]), /outside the subset's 0..3/);
    ds.dispose();
  });
});
