// Cutout (DeVries & Taylor 2017) as in the DARTS code: each sample gets one square of zeros whose
// centre is anywhere in the image; the square is clipped at the borders.
import { tensor, tidy } from '../../torch/index.js';
import { type Batch } from '../dataset.js';
import { DataError } from '../errors.js';
import { type Rng } from '../../util/index.js';
import { type Transform, checkProbability, requireImages } from './transform.js';

export class Cutout implements Transform {
  readonly kind = 'cutout';
  /**
   * The square spans rows [cy - ⌊L/2⌋, cy - ⌊L/2⌋ + L) clipped to the image (the same as
   * DARTS' clip(cy ± L/2) for even L, and exactly L wide for odd L); `p` is the chance a
   * sample gets a square at all.
   */
  constructor(
    readonly length: number,
    readonly p = 1,
  ) {
    if (!Number.isInteger(length) || length < 1) throw new DataError(`cutout: length must be a positive integer, got ${length}`, 'invalid-option');
    checkProbability(p, 'cutout');
  }

  /** The clipped square [y1, y2) x [x1, x2) for each sample (empty where none was drawn). */
  boxes(n: number, h: number, w: number, rng: Rng): { y1: Int32Array; y2: Int32Array; x1: Int32Array; x2: Int32Array } {
    const b = { y1: new Int32Array(n), y2: new Int32Array(n), x1: new Int32Array(n), x2: new Int32Array(n) };
    const half = Math.floor(this.length / 2);
    const clip = (v: number, hi: number): number => Math.min(Math.max(v, 0), hi);
    for (let i = 0; i < n; i++) {
      if (this.p < 1 && !(rng.next() < this.p)) continue;
      const cy = rng.int(h);
      const cx = rng.int(w);
      b.y1[i] = clip(cy - half, h);
      b.y2[i] = clip(cy - half + this.length, h);
      b.x1[i] = clip(cx - half, w);
      b.x2[i] = clip(cx - half + this.length, w);
    }
    return b;
  }

  apply(batch: Batch, rng: Rng): Batch {
    const [n, , h, w] = requireImages(batch.x.shape, 'cutout');
    const b = this.boxes(n, h, w, rng);
    // the keep-mask is built in JS (N·H·W bytes, L² writes per sample) and applied by one
    // multiplication, as the DARTS code does (img * mask); uint8 promotes to x's float type
    const keep = new Uint8Array(n * h * w).fill(1);
    for (let i = 0; i < n; i++) {
      for (let r = b.y1[i]!; r < b.y2[i]!; r++) keep.fill(0, (i * h + r) * w + b.x1[i]!, (i * h + r) * w + b.x2[i]!);
    }
    const device = batch.x.device === 'cpu' ? undefined : batch.x.device;
    const x = tidy(() => batch.x.mul(tensor(keep, [n, 1, h, w], { device })));
    return { x, y: batch.y };
  }
}

export function cutout(length: number, p = 1): Cutout {
  return new Cutout(length, p);
}
