import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DataError, ucr, ucrCsv } from '../../src/data/index.js';
import { tempDir } from './helpers.js';

describe('UCR time series files', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it('reads comma-separated rows as (N, 1, T) with labels remapped to 0..K-1 in numeric order', () => {
    const p = join(dir.path, 'a.csv');
    writeFileSync(p, '1,0.5,1.5,2.5\n-1,3,4,5\n10,-1e-3,0,7\n1.0,8,9,10\n');
    const ds = ucrCsv(p);
    assert.equal(ds.length, 4);
    assert.deepEqual(ds.sampleShape, [1, 3]);
    assert.deepEqual(ds.classNames, ['-1', '1', '10']);
    assert.deepEqual(ds.y.toArray(), [1, 0, 2, 1]);
    const b = ds.getBatch([2, 0]);
    assert.deepEqual(b.x.shape, [2, 1, 3]);
    assert.deepEqual(b.x.toArray(), [Math.fround(-1e-3), 0, 7, 0.5, 1.5, 2.5]);
    ds.dispose();
  });

  it('reads the archive layout with tabs; the test split uses the training mapping', () => {
    const root = join(dir.path, 'UCR');
    mkdirSync(join(root, 'Toy'), { recursive: true });
    writeFileSync(join(root, 'Toy', 'Toy_TRAIN.tsv'), '2\t1\t2\n3\t3\t4\n5\t5\t6\n');
    writeFileSync(join(root, 'Toy', 'Toy_TEST.tsv'), '5\t0\t0\n3\t1\t1\n');
    const test = ucr({ root, name: 'Toy', split: 'test' });
    assert.deepEqual(test.classNames, ['2', '3', '5']);
    assert.equal(test.numClasses, 3);
    assert.deepEqual(test.y.toArray(), [2, 1]);
    test.dispose();
    assert.throws(
      () => ucr({ root, name: 'Nope', split: 'train' }),
      (e: unknown) => e instanceof DataError && e.code === 'missing-data',
    );
  });

  it('rejects ragged rows, missing values (unless filled) and unknown labels', () => {
    const ragged = join(dir.path, 'r.csv');
    writeFileSync(ragged, '1,2,3\n0,1\n');
    assert.throws(() => ucrCsv(ragged), /row 2 has 1 values but row 1 has 2/);
    const gaps = join(dir.path, 'g.csv');
    writeFileSync(gaps, '1,2,NaN\n0,1,2\n');
    assert.throws(() => ucrCsv(gaps), /missing value .*fillMissing/);
    const filled = ucrCsv(gaps, { fillMissing: 0 });
    assert.deepEqual(filled.x.toArray(), [2, 0, 1, 2]);
    filled.dispose();
    assert.throws(() => ucrCsv(gaps, { classes: ['0'], fillMissing: 0 }), /label '1', which is not among the classes \[0\]/);
  });
});
