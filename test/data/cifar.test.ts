import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CIFAR10_CLASSES, DataError, cifar10, cifar100 } from '../../src/data/index.js';
import { tempDir } from './helpers.js';

const IMG = 3072;

/** Records whose pixel bytes are a function of (record, offset) and whose labels are given. */
function records(labels: number[][], salt: number): Uint8Array {
  const rec = labels[0]!.length + IMG;
  const out = new Uint8Array(labels.length * rec);
  labels.forEach((ls, r) => {
    ls.forEach((l, k) => {
      out[r * rec + k] = l;
    });
    for (let i = 0; i < IMG; i++) out[r * rec + ls.length + i] = (i * 7 + r * 13 + salt) % 256;
  });
  return out;
}

describe('CIFAR binary files', () => {
  const dir = tempDir();
  after(() => dir.remove());
  const c10 = join(dir.path, 'cifar-10-batches-bin');
  mkdirSync(c10);
  for (let k = 1; k <= 5; k++) writeFileSync(join(c10, `data_batch_${k}.bin`), records([[k], [k + 4]], k));
  writeFileSync(join(c10, 'test_batch.bin'), records([[2], [0], [9]], 99));

  it('reads CIFAR-10 train batches 1..5 in order, channel-major, from the parent folder', () => {
    const ds = cifar10({ root: dir.path, split: 'train' });
    assert.equal(ds.length, 10);
    assert.deepEqual(ds.x.shape, [10, 3, 32, 32]);
    assert.deepEqual(ds.y.toArray(), [1, 5, 2, 6, 3, 7, 4, 8, 5, 9]);
    assert.equal(ds.numClasses, 10);
    assert.deepEqual(ds.classNames, CIFAR10_CLASSES);
    // example 3 is record 1 of data_batch_2: byte i is (i*7 + 13 + 2) % 256; (c, row, col) is byte c*1024 + row*32 + col
    const b = ds.getBatch([3]);
    const x = b.x.toArray();
    for (const [c, r, col] of [
      [0, 0, 0],
      [1, 5, 7],
      [2, 31, 31],
    ] as const) {
      const i = c * 1024 + r * 32 + col;
      assert.ok(Math.abs(x[i]! - ((i * 7 + 15) % 256) / 255) < 1e-7, `pixel ${c},${r},${col}`);
    }
    ds.dispose();
  });

  it('reads the CIFAR-10 test batch given the folder itself', () => {
    const ds = cifar10({ root: c10, split: 'test' });
    assert.deepEqual(ds.y.toArray(), [2, 0, 9]);
    ds.dispose();
  });

  it('reads CIFAR-100 fine and coarse labels, with names when the files are there', () => {
    const c100 = join(dir.path, 'c100');
    mkdirSync(c100);
    writeFileSync(
      join(c100, 'train.bin'),
      records(
        [
          [4, 99],
          [19, 0],
          [0, 42],
        ],
        1,
      ),
    );
    writeFileSync(join(c100, 'test.bin'), records([[1, 2]], 2));
    writeFileSync(join(c100, 'coarse_label_names.txt'), `${Array.from({ length: 20 }, (_, i) => `coarse${i}`).join('\n')}\n`);
    const fine = cifar100({ root: c100, split: 'train' });
    assert.deepEqual(fine.y.toArray(), [99, 0, 42]);
    assert.equal(fine.numClasses, 100);
    assert.equal(fine.classNames, undefined);
    const coarse = cifar100({ root: c100, split: 'train', labels: 'coarse' });
    assert.deepEqual(coarse.y.toArray(), [4, 19, 0]);
    assert.equal(coarse.numClasses, 20);
    assert.equal(coarse.classNames?.[19], 'coarse19');
    // pixels skip both label bytes
    const px = coarse.x.select(0, 1).flatten().toArray();
    assert.equal(px[10], (10 * 7 + 13 + 1) % 256);
    for (const d of [fine, coarse]) d.dispose();
  });

  it('explains missing and malformed files', () => {
    assert.throws(
      () => cifar10({ root: join(dir.path, 'nowhere'), split: 'test' }),
      (e: unknown) => e instanceof DataError && e.code === 'missing-data' && /test_batch\.bin/.test(e.message),
    );
    const bad = join(dir.path, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'test_batch.bin'), new Uint8Array(3074));
    assert.throws(
      () => cifar10({ root: bad, split: 'test' }),
      (e: unknown) => e instanceof DataError && /whole number of 3073-byte/.test(e.message),
    );
    writeFileSync(join(bad, 'test.bin'), records([[0, 100]], 0));
    assert.throws(() => cifar100({ root: bad, split: 'test' }), /label 100, but there are only 100 classes/);
  });
});
