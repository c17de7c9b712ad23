import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataError, imageFolder } from '../../src/data/index.js';
import { tempDir } from './helpers.js';

/** RGBA pixels where (r, g, b) depend on position and `seed`. */
function rgba(w: number, h: number, seed: number): Buffer {
  const d = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    d[4 * i] = (i * 5 + seed) % 256;
    d[4 * i + 1] = (i * 11 + 2 * seed) % 256;
    d[4 * i + 2] = (255 - i * 3) & 255;
    d[4 * i + 3] = 255;
  }
  return d;
}

function png(w: number, h: number, seed: number): Buffer {
  const p = new PNG({ width: w, height: h });
  rgba(w, h, seed).copy(p.data);
  return PNG.sync.write(p);
}

function flat(w: number, h: number, v: [number, number, number]): Buffer {
  const d = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) d.set([...v, 255], 4 * i);
  return d;
}

describe('image folders', () => {
  const dir = tempDir();
  after(() => dir.remove());
  const root = join(dir.path, 'pets');
  for (const c of ['dog', 'cat']) mkdirSync(join(root, c), { recursive: true });
  writeFileSync(join(root, 'cat', 'b.png'), png(6, 4, 1));
  writeFileSync(join(root, 'cat', 'a.png'), png(6, 4, 2));
  writeFileSync(join(root, 'cat', 'notes.txt'), 'not an image');
  writeFileSync(join(root, 'dog', 'x.jpg'), jpeg.encode({ data: flat(6, 4, [200, 40, 90]), width: 6, height: 4 }, 100).data);

  it('decodes PNG and JPEG into (N, 3, H, W) with classes from sorted folder names', () => {
    const ds = imageFolder({ root });
    assert.deepEqual(ds.classNames, ['cat', 'dog']);
    assert.equal(ds.length, 3);
    assert.deepEqual(ds.x.shape, [3, 3, 4, 6]);
    assert.deepEqual(ds.y.toArray(), [0, 0, 1]);
    // cat/a.png comes first (files sorted); channel c of pixel i is its RGBA byte c
    const a = ds.x.select(0, 0).flatten().toArray();
    const src = rgba(6, 4, 2);
    for (let c = 0; c < 3; c++) for (let i = 0; i < 24; i++) assert.equal(a[c * 24 + i], src[4 * i + c]);
    // a flat JPEG at quality 100 decodes within a couple of levels
    const d = ds.x.select(0, 2).flatten().toArray();
    for (let i = 0; i < 24; i++) {
      assert.ok(Math.abs(d[i]! - 200) <= 2 && Math.abs(d[24 + i]! - 40) <= 2 && Math.abs(d[48 + i]! - 90) <= 2);
    }
    ds.dispose();
  });

  it('converts to grey with the ITU-R 601-2 luma weights', () => {
    const ds = imageFolder({ root, channels: 1 });
    assert.deepEqual(ds.sampleShape, [1, 4, 6]);
    const g = ds.x.select(0, 0).flatten().toArray();
    const src = rgba(6, 4, 2);
    for (let i = 0; i < 24; i++) assert.equal(g[i], Math.floor((src[4 * i]! * 299 + src[4 * i + 1]! * 587 + src[4 * i + 2]! * 114) / 1000));
    ds.dispose();
  });

  it('rejects mixed sizes unless a size is given, then resizes', () => {
    const mixed = join(dir.path, 'mixed');
    mkdirSync(join(mixed, 'a'), { recursive: true });
    writeFileSync(join(mixed, 'a', '1.png'), png(6, 4, 0));
    const big = new PNG({ width: 12, height: 8 });
    flat(12, 8, [10, 20, 30]).copy(big.data);
    writeFileSync(join(mixed, 'a', '2.png'), PNG.sync.write(big));
    assert.throws(
      () => imageFolder({ root: mixed }),
      (e: unknown) => e instanceof DataError && e.code === 'invalid-shape' && /12x8/.test(e.message) && /pass size/.test(e.message),
    );
    const ds = imageFolder({ root: mixed, size: [4, 6] });
    assert.deepEqual(ds.x.shape, [2, 3, 4, 6]);
    // the flat image stays flat when shrunk; the one already at size is untouched
    assert.deepEqual(
      [...new Set(ds.x.select(0, 1).flatten().toArray())].sort((p, q) => p - q),
      [10, 20, 30],
    );
    assert.equal(ds.x.select(0, 0).flatten().toArray()[5], rgba(6, 4, 0)[20]);
    ds.dispose();
  });

  it('explains a missing root, an empty class and an undecodable file', () => {
    assert.throws(
      () => imageFolder({ root: join(dir.path, 'none') }),
      (e: unknown) => e instanceof DataError && e.code === 'missing-data',
    );
    const empty = join(dir.path, 'empty');
    mkdirSync(join(empty, 'k'), { recursive: true });
    assert.throws(() => imageFolder({ root: empty }), /has no \.png, \.jpg or \.jpeg files/);
    writeFileSync(join(empty, 'k', 'bad.png'), 'hello');
    assert.throws(() => imageFolder({ root: empty }), /neither PNG nor JPEG/);
  });
});
