import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TensorDataset, channelStats } from '../../src/data/index.js';
import { Rng } from '../../src/util/index.js';

describe('Rng', () => {
  it('is a pure function of its seed and stream', () => {
    const draw = (r: Rng): number[] => Array.from({ length: 8 }, () => r.nextU32());
    assert.deepEqual(draw(new Rng(1, 2, 3)), draw(new Rng(1, 2, 3)));
    assert.notDeepEqual(draw(new Rng(1, 2, 3)), draw(new Rng(1, 2, 4)));
    assert.notDeepEqual(draw(new Rng(1)), draw(new Rng(2)));
  });

  it('draws integers in range, roughly uniformly, and valid permutations', () => {
    const r = new Rng(0);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 6000; i++) counts[r.int(6)]++;
    for (const c of counts) assert.ok(c > 850 && c < 1150, `count ${c}`);
    for (let i = 0; i < 1000; i++) {
      const u = r.next();
      assert.ok(u >= 0 && u < 1);
    }
    const p = r.permutation(100);
    assert.deepEqual(
      [...p].sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => i),
    );
    assert.notDeepEqual(
      [...p],
      Array.from({ length: 100 }, (_, i) => i),
    );
  });
});

describe('channelStats', () => {
  it('gives per-channel mean and population std over all examples', () => {
    // channel 0 holds 0..7, channel 1 holds 10 everywhere
    const x = Float32Array.from([0, 1, 10, 10, 2, 3, 10, 10, 4, 5, 10, 10, 6, 7, 10, 10]);
    const ds = TensorDataset.fromArrays(x, [4, 2, 2], [0, 1, 0, 1]);
    const { mean, std } = channelStats(ds, 3);
    assert.ok(Math.abs(mean[0]! - 3.5) < 1e-12 && Math.abs(mean[1]! - 10) < 1e-12);
    assert.ok(Math.abs(std[0]! - Math.sqrt(5.25)) < 1e-9 && Math.abs(std[1]!) < 1e-6);
    ds.dispose();
  });
});
