import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cutout, DataError, compose, cutout, normalize, randomCrop, randomHorizontalFlip } from '../../src/data/index.js';
import { Rng } from '../../src/util/index.js';
import { undisposedTensors, tensor, tidy, type Tensor } from '../../src/torch/index.js';

/** A batch (n, c, h, w) whose values are all distinct and non-zero: 1 + flat position. */
function distinct(n: number, c: number, h: number, w: number): { x: Tensor; y: Tensor } {
  const x = tensor(
    Float32Array.from({ length: n * c * h * w }, (_, i) => i + 1),
    [n, c, h, w],
  );
  return { x, y: tensor(new BigInt64Array(n), [n], { dtype: 'int64' }) };
}

/** Value of x (as nested 4-d lookup) at n, c, r, col, or 0 outside (zero padding). */
function at(v: number[], [, c, h, w]: number[], n: number, ch: number, r: number, col: number): number {
  if (r < 0 || r >= h || col < 0 || col >= w) return 0;
  return v[((n * c + ch) * h + r) * w + col]!;
}

describe('transforms', () => {
  it('normalize computes (x - mean) / std per channel', () => {
    const b = { x: tensor([[[[1, 2]], [[3, 4]]]]), y: tensor(new BigInt64Array(1), [1], { dtype: 'int64' }) };
    const out = normalize([1, 2], [0.5, 4]).apply(b);
    assert.deepEqual(out.x.toArray(), [0, 2, 0.25, 0.5]);
    assert.equal(out.y, b.y);
    assert.throws(() => normalize([0, 0, 0], [1, 1, 1]).apply(b), /3 channel statistics/);
    assert.throws(() => normalize([0], [0]), /std must be positive/);
    // a series batch (N, C, T) works the same way
    const s = normalize([1], [2]).apply({ x: tensor([[[1, 3, 5]]]), y: b.y });
    assert.deepEqual(s.x.toArray(), [0, 1, 2]);
  });

  it('random crop cuts each sample at its own offset from the zero-padded image, exactly', () => {
    const shape = [16, 2, 5, 6];
    const b = distinct(16, 2, 5, 6);
    const v = b.x.toArray();
    const out = randomCrop([5, 6], 2).apply(b, new Rng(3));
    assert.deepEqual(out.x.shape, shape);
    const o = out.x.toArray();
    const offsets = new Set<string>();
    for (let n = 0; n < 16; n++) {
      // find the offset (dy, dx) in the padded frame whose window equals the output
      const matches: string[] = [];
      for (let dy = 0; dy <= 4; dy++)
        for (let dx = 0; dx <= 4; dx++) {
          let ok = true;
          for (let ch = 0; ch < 2 && ok; ch++)
            for (let r = 0; r < 5 && ok; r++)
              for (let col = 0; col < 6 && ok; col++) {
                ok = o[((n * 2 + ch) * 5 + r) * 6 + col] === at(v, shape, n, ch, r + dy - 2, col + dx - 2);
              }
          if (ok) matches.push(`${dy},${dx}`);
        }
      assert.equal(matches.length, 1, `sample ${n} is a window of its padded image`);
      offsets.add(matches[0]!);
    }
    assert.ok(offsets.size > 4, 'offsets differ between samples');
    // a crop smaller than the image without padding, non-square
    const small = randomCrop([2, 3]).apply(b, new Rng(4));
    assert.deepEqual(small.x.shape, [16, 2, 2, 3]);
    assert.throws(
      () => randomCrop(9, 1).apply(b, new Rng(0)),
      (e: unknown) => e instanceof DataError && /does not fit/.test(e.message),
    );
  });

  it('horizontal flip mirrors the chosen samples and leaves the others alone', () => {
    const b = distinct(40, 3, 2, 4);
    const v = b.x.toArray();
    const o = randomHorizontalFlip(0.5).apply(b, new Rng(11)).x.toArray();
    const per = 3 * 2 * 4;
    let flipped = 0;
    for (let n = 0; n < 40; n++) {
      const same = Array.from({ length: per }, (_, i) => o[n * per + i] === v[n * per + i]).every(Boolean);
      const mirrored = Array.from({ length: per }, (_, i) => {
        const col = i % 4;
        return o[n * per + i] === v[n * per + i - col + (3 - col)];
      }).every(Boolean);
      assert.ok(same !== mirrored, `sample ${n} is either untouched or mirrored`);
      if (mirrored) flipped++;
    }
    assert.ok(flipped > 5 && flipped < 35, `about half flipped, got ${flipped}`);
    assert.deepEqual(randomHorizontalFlip(0).apply(b, new Rng(1)).x.toArray(), v);
    assert.deepEqual(randomHorizontalFlip(1).apply(b, new Rng(1)).x.flatten().toArray().slice(0, 8), [4, 3, 2, 1, 8, 7, 6, 5]);
  });

  it('cutout zeros exactly an LxL square per sample, clipped at the borders', () => {
    const n = 200,
      h = 7,
      w = 9;
    for (const L of [4, 3]) {
      const b = distinct(n, 2, h, w);
      const o = cutout(L).apply(b, new Rng(L)).x.toArray();
      let clipped = 0;
      for (let s = 0; s < n; s++) {
        const zeros: [number, number][] = [];
        for (let r = 0; r < h; r++)
          for (let c = 0; c < w; c++) {
            const z0 = o[(s * 2 * h + r) * w + c] === 0;
            const z1 = o[((s * 2 + 1) * h + r) * w + c] === 0;
            assert.equal(z0, z1, 'every channel gets the same square');
            if (z0) zeros.push([r, c]);
          }
        const rows = zeros.map((z) => z[0]);
        const cols = zeros.map((z) => z[1]);
        const [r0, r1, c0, c1] = [Math.min(...rows), Math.max(...rows) + 1, Math.min(...cols), Math.max(...cols) + 1];
        assert.equal(zeros.length, (r1 - r0) * (c1 - c0), 'the zeros form a rectangle');
        assert.ok(r1 - r0 === L || r0 === 0 || r1 === h, 'height is L unless clipped');
        assert.ok(c1 - c0 === L || c0 === 0 || c1 === w, 'width is L unless clipped');
        const least = Math.min(L - Math.floor(L / 2), Math.floor(L / 2) + 1); // the centre is inside the image
        assert.ok(r1 - r0 <= L && c1 - c0 <= L && r1 - r0 >= least && c1 - c0 >= least);
        if (r1 - r0 < L || c1 - c0 < L) clipped++;
      }
      assert.ok(clipped > 0 && clipped < n, 'some squares are clipped at a border, most sizes vary');
    }
  });

  it('cutout boxes follow the centre rule: rows [cy - floor(L/2), cy - floor(L/2) + L) clipped', () => {
    const c = new Cutout(4);
    const rng = new Rng(9);
    const b = c.boxes(50, 6, 6, rng);
    const again = new Rng(9);
    for (let i = 0; i < 50; i++) {
      const cy = again.int(6);
      const cx = again.int(6);
      assert.deepEqual([b.y1[i], b.y2[i], b.x1[i], b.x2[i]], [Math.max(cy - 2, 0), Math.min(cy + 2, 6), Math.max(cx - 2, 0), Math.min(cx + 2, 6)]);
    }
  });

  it('compose applies in order and frees its intermediates', () => {
    const b = distinct(4, 1, 4, 4);
    const t = compose(randomCrop(4, 1), randomHorizontalFlip(), cutout(2), normalize([1], [2]));
    tidy(() => t.apply(b, new Rng(0))); // warm up lazily created engine state
    const before = undisposedTensors();
    const out = t.apply(b, new Rng(0));
    assert.equal(undisposedTensors(), before + 1); // only the new x; the labels pass through
    assert.equal(out.y, b.y);
    // same rng stream, same result
    assert.deepEqual(t.apply(b, new Rng(0)).x.toArray(), out.x.toArray());
  });
});
