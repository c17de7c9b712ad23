// Random crop with zero padding (pad 4 then crop 32 on CIFAR): every sample gets its own offset.
// The padded batch is flattened per channel and all windows are cut by one gather whose index
// is a fixed window pattern plus each sample's offset: exact, and a handful of engine calls.
import { F, arange, tensor, tidy, type Tensor } from '../../torch/index.js';
import { type Batch } from '../dataset.js';
import { DataError } from '../errors.js';
import { type Rng } from '../../util/index.js';
import { type Transform, requireImages } from './transform.js';

export interface RandomCropOptions {
  /** Output size: one number for square, or [H, W]. */
  size: number | readonly [number, number];
  /** Zeros added on every side before cropping. */
  padding?: number;
}

/**
 * Cut an (h, w) window at (top[n], left[n]) out of each sample of x (N, C, H, W).
 * Exported for augmentation policies that place windows themselves.
 */
export function cropWindows(x: Tensor, top: Int32Array, left: Int32Array, h: number, w: number): Tensor {
  const [n, c, H, W] = requireImages(x.shape, 'cropWindows');
  for (let i = 0; i < n; i++) {
    if (top[i]! < 0 || left[i]! < 0 || top[i]! + h > H || left[i]! + w > W) {
      throw new DataError(`cropWindows: a ${h}x${w} window at (${top[i]}, ${left[i]}) leaves the ${H}x${W} image`, 'invalid-shape');
    }
  }
  const device = x.device === 'cpu' ? undefined : x.device;
  return tidy(() => {
    // pattern[i*w + j] = i*W + j: the window at the origin, in flat (row-major) positions
    const rows = arange(0, h, 1, { device }).mul(W).view([h, 1]);
    const pattern = rows.add(arange(0, w, 1, { device }).view([1, w])).view([1, 1, h * w]);
    const start = new BigInt64Array(n);
    for (let i = 0; i < n; i++) start[i] = BigInt(top[i]! * W + left[i]!);
    const index = pattern.add(tensor(start, [n, 1, 1], { dtype: 'int64', device })).expand([n, c, h * w]);
    return x
      .reshape([n, c, H * W])
      .gather(2, index)
      .view([n, c, h, w]);
  });
}

export class RandomCrop implements Transform {
  readonly kind = 'random-crop';
  readonly size: readonly [number, number];
  readonly padding: number;

  constructor(o: RandomCropOptions) {
    const size: [number, number] = typeof o.size === 'number' ? [o.size, o.size] : [o.size[0], o.size[1]];
    if (!size.every((s) => Number.isInteger(s) && s > 0))
      throw new DataError(`randomCrop: size must be positive integers, got ${JSON.stringify(o.size)}`, 'invalid-option');
    const padding = o.padding ?? 0;
    if (!Number.isInteger(padding) || padding < 0) throw new DataError(`randomCrop: padding must be a non-negative integer, got ${padding}`, 'invalid-option');
    this.size = size;
    this.padding = padding;
  }

  apply(batch: Batch, rng: Rng): Batch {
    const [n, , h, w] = requireImages(batch.x.shape, 'randomCrop');
    const p = this.padding;
    const [ch, cw] = this.size;
    if (ch > h + 2 * p || cw > w + 2 * p) {
      throw new DataError(`randomCrop: a ${ch}x${cw} crop does not fit ${h}x${w} images padded by ${p}`, 'invalid-shape');
    }
    const top = new Int32Array(n);
    const left = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      top[i] = rng.int(h + 2 * p - ch + 1);
      left[i] = rng.int(w + 2 * p - cw + 1);
    }
    const x = tidy(() => cropWindows(p > 0 ? F.pad(batch.x, [p, p, p, p]) : batch.x, top, left, ch, cw));
    return { x, y: batch.y };
  }
}

export function randomCrop(size: number | readonly [number, number], padding = 0): RandomCrop {
  return new RandomCrop({ size, padding });
}
