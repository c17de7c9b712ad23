// Per-channel standardisation, (x - mean) / std, as torchvision's Normalize (computed as
// x·(1/std) − mean/std in one engine call: equal up to float rounding).
import { callAten, tensor, tidy, type Tensor } from '../../torch/index.js';
import { type Batch, type Dataset } from '../dataset.js';
import { DataError } from '../errors.js';
import { type Transform } from './transform.js';

/** CIFAR-10 training-set channel statistics (as in the DARTS code). */
export const CIFAR10_MEAN = [0.49139968, 0.48215827, 0.44653124] as const;
export const CIFAR10_STD = [0.24703233, 0.24348505, 0.26158768] as const;
/** Fashion-MNIST training-set statistics. */
export const FASHION_MNIST_MEAN = [0.2860406] as const;
export const FASHION_MNIST_STD = [0.3530242] as const;

export class Normalize implements Transform {
  readonly kind = 'normalize';
  readonly mean: readonly number[];
  readonly std: readonly number[];

  constructor(mean: readonly number[], std: readonly number[]) {
    if (mean.length === 0 || mean.length !== std.length) {
      throw new DataError(`normalize needs one mean and one std per channel, got ${mean.length} means and ${std.length} stds`, 'invalid-option');
    }
    if (std.some((s) => !(s > 0))) throw new DataError(`normalize: every std must be positive, got [${std.join(', ')}]`, 'invalid-option');
    this.mean = [...mean];
    this.std = [...std];
  }

  apply(batch: Batch): Batch {
    const { x } = batch;
    const c = x.shape[1];
    if (x.ndim < 2 || (this.mean.length !== 1 && c !== this.mean.length)) {
      throw new DataError(
        `normalize has ${this.mean.length} channel statistics but the batch has shape [${x.shape.join(', ')}] (channels are dimension 1)`,
        'invalid-shape',
      );
    }
    const shape = [1, this.mean.length, ...x.shape.slice(2).map(() => 1)];
    const device = x.device === 'cpu' ? undefined : x.device;
    // one fused engine call: x·(1/std) + (−mean/std)
    const out = tidy(() => {
      const invStd = tensor(
        Float32Array.from(this.std, (s) => 1 / s),
        shape,
        { device },
      );
      const bias = tensor(
        Float32Array.from(this.mean, (m, i) => -m / this.std[i]!),
        shape,
        { device },
      );
      return callAten('addcmul', bias, x, invStd) as Tensor;
    });
    return { x: out, y: batch.y };
  }
}

export function normalize(mean: readonly number[], std: readonly number[]): Normalize {
  return new Normalize(mean, std);
}

/** Per-channel mean and (population) standard deviation of a dataset's inputs, read in batches. */
export function channelStats(ds: Dataset, batchSize = 1000): { mean: number[]; std: number[] } {
  const c = ds.sampleShape[0] ?? 1;
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  let count = 0;
  for (let start = 0; start < ds.length; start += batchSize) {
    const n = Math.min(batchSize, ds.length - start);
    const idx = Array.from({ length: n }, (_, i) => start + i);
    tidy(() => {
      const { x } = ds.getBatch(idx);
      const dims = [0, ...x.shape.slice(2).map((_, i) => i + 2)];
      const xd = x.to('float64');
      const s = xd.sum(dims).toArray();
      const q = xd.square().sum(dims).toArray();
      for (let k = 0; k < c; k++) {
        sum[k] += s[k]!;
        sq[k] += q[k]!;
      }
      count += x.numel / c;
    });
  }
  const mean = Array.from(sum, (s) => s / count);
  return { mean, std: Array.from(sq, (q, k) => Math.sqrt(Math.max(0, q / count - mean[k]! ** 2))) };
}
