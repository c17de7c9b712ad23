// Datasets are read a batch at a time: one index_select per batch instead of per-example JS work.
import { Tensor, tensor, type TypedArray } from '../torch/index.js';
import { DataError } from './errors.js';

/** A batch: inputs (N, C, H, W) or (N, C, T) float32, and class labels (N) int64. */
export interface Batch {
  x: Tensor;
  y: Tensor;
}

/** Example positions: an int64 tensor or plain numbers. */
export type Indices = Tensor | ArrayLike<number>;

export interface Dataset {
  /** Number of examples. */
  readonly length: number;
  /** Shape of one example's input, e.g. [1, 28, 28] or [1, T]. */
  readonly sampleShape: readonly number[];
  readonly numClasses: number;
  /** Class names in label order, where the source has them. */
  readonly classNames?: readonly string[];
  /** Device the batches come out on ("cpu" or "cuda:0"...). */
  readonly device: string;
  /** The examples at `indices`, in that order, as new tensors the caller owns (dispose them or use tidy). */
  getBatch(indices: Indices): Batch;
  /** Free the tensors the dataset holds (views on it, such as subsets, become unusable). */
  dispose(): void;
}

/** int64 positions as a BigInt64Array, each checked against `length`. */
export function checkedPositions(indices: ArrayLike<number>, length: number): BigInt64Array {
  const out = new BigInt64Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= length) {
      throw new DataError(`index ${v} (position ${i}) is outside the dataset's 0..${length - 1}`, 'invalid-option');
    }
    out[i] = BigInt(v);
  }
  return out;
}

/** An int64 index tensor on `device` (a new tensor, or the given one moved if needed). */
export function indexTensor(indices: Indices, length: number, device: string): { index: Tensor; owned: boolean } {
  if (indices instanceof Tensor) {
    if (indices.ndim !== 1) throw new DataError(`indices must be 1-d, got shape [${indices.shape.join(', ')}]`, 'invalid-shape');
    if (indices.dtype === 'int64' && indices.device === device) return { index: indices, owned: false };
    const moved = indices.dtype === 'int64' ? indices.to(device) : indices.to('int64');
    if (moved.device === device) return { index: moved, owned: true };
    const onDevice = moved.to(device);
    moved.dispose();
    return { index: onDevice, owned: true };
  }
  const data = checkedPositions(indices, length);
  return { index: tensor(data, [data.length], { dtype: 'int64', device: device === 'cpu' ? undefined : device }), owned: true };
}

/** Labels as int64 data from plain numbers or a typed array. */
export function labelArray(labels: ArrayLike<number> | BigInt64Array): BigInt64Array {
  if (labels instanceof BigInt64Array) return labels;
  const out = new BigInt64Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0) throw new DataError(`label ${v} at position ${i} is not a class index (a non-negative integer)`, 'invalid-format');
    out[i] = BigInt(v);
  }
  return out;
}

export type { TypedArray };
