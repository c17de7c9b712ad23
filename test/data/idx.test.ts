import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DataError, FASHION_MNIST_ROOT, fashionMnist, idxDataset, mnist, parseIdx, readIdx } from '../../src/data/index.js';
import { idxBytes, tempDir } from './helpers.js';

describe('IDX files', () => {
  const dir = tempDir();
  after(() => dir.remove());
  const n = 5,
    h = 3,
    w = 4;
  const pixels = Uint8Array.from({ length: n * h * w }, (_, i) => (i * 37) % 256);
  const labels = [3, 0, 9, 1, 3];
  writeFileSync(join(dir.path, 'img-raw'), idxBytes(0x08, [n, h, w], pixels));
  writeFileSync(join(dir.path, 'img.gz'), gzipSync(idxBytes(0x08, [n, h, w], pixels)));
  writeFileSync(join(dir.path, 'lab-raw'), idxBytes(0x08, [n], labels));
  writeFileSync(join(dir.path, 'lab.gz'), gzipSync(idxBytes(0x08, [n], labels)));

  it('parses raw and gzip files to the same shape and elements', () => {
    const raw = readIdx(join(dir.path, 'img-raw'));
    const gz = readIdx(join(dir.path, 'img.gz'));
    for (const a of [raw, gz]) {
      assert.deepEqual(a.shape, [n, h, w]);
      assert.equal(a.type, 'uint8');
      assert.deepEqual(Array.from(a.data), Array.from(pixels));
    }
  });

  it('reads big-endian int32 and float32 elements', () => {
    const ints = parseIdx(idxBytes(0x0c, [2, 2], [-7, 65536, 1, 2 ** 30]));
    assert.equal(ints.type, 'int32');
    assert.deepEqual(Array.from(ints.data), [-7, 65536, 1, 2 ** 30]);
    const floats = parseIdx(idxBytes(0x0d, [3], [1.5, -0.25, 1e10]));
    assert.deepEqual(Array.from(floats.data), [1.5, -0.25, Math.fround(1e10)]);
  });

  it('rejects truncated data and non-IDX bytes with a DataError', () => {
    const bytes = idxBytes(0x08, [n, h, w], pixels);
    assert.throws(
      () => parseIdx(bytes.subarray(0, bytes.length - 1)),
      (e: unknown) => e instanceof DataError && /truncated/.test(e.message),
    );
    assert.throws(() => parseIdx(Uint8Array.from([1, 2, 3, 4])), DataError);
    assert.throws(
      () => readIdx(join(dir.path, 'nope')),
      (e: unknown) => e instanceof DataError && e.code === 'missing-data',
    );
  });

  it('builds a dataset of (N, 1, H, W) float32 in [0, 1] and int64 labels', () => {
    const ds = idxDataset(join(dir.path, 'img.gz'), join(dir.path, 'lab-raw'));
    assert.equal(ds.length, n);
    assert.deepEqual(ds.sampleShape, [1, h, w]);
    assert.equal(ds.numClasses, 10);
    const b = ds.getBatch([4, 1]);
    assert.deepEqual(b.x.shape, [2, 1, h, w]);
    assert.equal(b.x.dtype, 'float32');
    assert.equal(b.y.dtype, 'int64');
    assert.deepEqual(b.y.toArray(), [3, 0]);
    const x = b.x.toArray();
    for (let i = 0; i < h * w; i++) {
      assert.ok(Math.abs(x[i]! - pixels[4 * h * w + i]! / 255) < 1e-7);
      assert.ok(Math.abs(x[h * w + i]! - pixels[h * w + i]! / 255) < 1e-7);
    }
    ds.dispose();
  });

  it('says how to get Fashion-MNIST when its files are missing', () => {
    assert.throws(
      () => fashionMnist({ split: 'train', root: dir.path }),
      (e: unknown) =>
        e instanceof DataError && e.code === 'missing-data' && /apt-get install dataset-fashion-mnist/.test(e.message) && e.message.includes(dir.path),
    );
    assert.throws(() => mnist({ split: 'validation' as 'train', root: dir.path }), /split must be 'train' or 'test'/);
  });

  it('reads an MNIST-layout folder through mnist({root})', () => {
    const root = join(dir.path, 'mnist');
    tempLayout(root);
    const ds = mnist({ split: 'test', root });
    assert.equal(ds.length, 2);
    assert.deepEqual(ds.y.toArray(), [7, 2]);
    ds.dispose();
  });

  it('reads the real Fashion-MNIST when installed', {
    skip: !existsSync(join(FASHION_MNIST_ROOT, 'train-labels-idx1-ubyte.gz')) && 'dataset-fashion-mnist not installed',
  }, () => {
    const train = fashionMnist({ split: 'train' });
    assert.equal(train.length, 60000);
    assert.deepEqual(train.x.shape, [60000, 1, 28, 28]);
    assert.equal(train.x.dtype, 'uint8');
    assert.equal(train.numClasses, 10);
    assert.equal(train.classNames?.[9], 'Ankle boot');
    assert.deepEqual(train.y.toArray().slice(0, 5), [9, 0, 0, 3, 0]);
    const counts = new Array(10).fill(0);
    for (const v of train.y.toArray()) counts[v]++;
    assert.deepEqual(counts, new Array(10).fill(6000));
    // the first image's pixel sum, as read by Python from the same file
    const first = train.x.select(0, 0);
    const s = first.sum();
    assert.equal(s.item(), 76247);
    for (const t of [first, s]) t.dispose();
    train.dispose();
    const test = fashionMnist({ split: 'test' });
    assert.equal(test.length, 10000);
    assert.deepEqual(test.y.toArray().slice(0, 5), [9, 2, 1, 1, 6]);
    test.dispose();
  });
});

function tempLayout(root: string): void {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 't10k-images-idx3-ubyte'), idxBytes(0x08, [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]));
  writeFileSync(join(root, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxBytes(0x08, [2], [7, 2])));
}
