import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, TensorDataset, randomCrop } from '../../src/data/index.js';
import { Rng } from '../../src/util/index.js';
import { arange, tensor } from '../../src/torch/index.js';

describe('TensorDataset', () => {
  it('keeps float32 storage as is and cuts batches in the order asked', () => {
    const ds = TensorDataset.fromArrays(Float32Array.from([0.5, 1.5, 2.5, 3.5, 4.5, 5.5]), [3, 1, 2], [2, 0, 1]);
    assert.equal(ds.divisor, 1);
    assert.deepEqual(ds.sampleShape, [1, 2]);
    assert.equal(ds.numClasses, 3);
    const b = ds.getBatch([2, 2, 0]);
    assert.deepEqual(b.x.shape, [3, 1, 2]);
    assert.deepEqual(b.x.toArray(), [4.5, 5.5, 4.5, 5.5, 0.5, 1.5]);
    assert.deepEqual(b.y.toArray(), [1, 1, 2]);
    const idx = arange(1, 3);
    assert.deepEqual(ds.getBatch(idx).y.toArray(), [0, 1]);
    ds.dispose();
  });

  it('scales uint8 storage to [0, 1] float32 by default', () => {
    const ds = TensorDataset.fromArrays(Uint8Array.from([0, 51, 255, 102]), [2, 2], [0, 1]);
    const b = ds.getBatch([0, 1]);
    assert.equal(b.x.dtype, 'float32');
    assert.deepEqual(b.x.toArray(), [0, 0.2, 1, 0.4].map(Math.fround), 'exactly as x / 255 in float32');
    ds.dispose();
  });

  it('rejects mismatched shapes, bad labels and out-of-range indices', () => {
    assert.throws(() => TensorDataset.fromArrays(new Float32Array(5), [2, 2], [0, 1]), /do not fill shape/);
    assert.throws(() => TensorDataset.fromArrays(new Float32Array(4), [2, 2], [0, -1]), /not a class index/);
    assert.throws(() => new TensorDataset(tensor(new Float32Array(4), [2, 2]), tensor([0.5, 1])), /integer class indices/);
    assert.throws(
      () => new TensorDataset(tensor(new Float32Array(6), [3, 2]), tensor(new BigInt64Array(2), [2], { dtype: 'int64' })),
      (e: unknown) => e instanceof DataError && e.code === 'invalid-shape',
    );
    assert.throws(() => TensorDataset.fromArrays(new Float32Array(4), [2, 2], [0, 3], { classNames: ['a', 'b'] }), /labels go up to 3 but there are 2 classes/);
    const ds = TensorDataset.fromArrays(new Float32Array(4), [2, 2], [0, 1]);
    assert.throws(() => ds.getBatch([2]), /outside the dataset's 0..1/);
    // image transforms say what shape they need
    assert.throws(() => randomCrop(2).apply(ds.getBatch([0]), new Rng(0)), /image batches \(N, C, H, W\)/);
    ds.dispose();
  });
});
