// The workhorse dataset: every example in one resident tensor (uint8 or float32) plus int64
// labels, so a batch is one index_select (and a conversion to float32 for integer storage).
import { type Tensor, tensor, type DType, type TypedArray } from '../torch/index.js';
import { type Batch, type Dataset, type Indices, indexTensor, labelArray } from './dataset.js';
import { DataError } from './errors.js';

export interface TensorDatasetOptions {
  /** Default: the number of class names, else the largest label + 1. */
  numClasses?: number;
  classNames?: readonly string[];
  /** Inputs are divided by this after conversion to float32 (default 255 for uint8, as ToTensor, else 1). */
  divisor?: number;
  /** Keep the data on this device (e.g. "cuda") so batching never copies across devices. */
  device?: string;
}

export class TensorDataset implements Dataset {
  /** All inputs, (N, ...sampleShape), in their stored dtype. */
  readonly x: Tensor;
  /** All labels, (N) int64. */
  readonly y: Tensor;
  readonly length: number;
  readonly sampleShape: readonly number[];
  readonly numClasses: number;
  readonly classNames?: readonly string[];
  readonly device: string;
  readonly divisor: number;

  /** Takes ownership of `x` and `y` (they are kept out of tidy scopes and freed by dispose()). */
  constructor(x: Tensor, y: Tensor, o: TensorDatasetOptions = {}) {
    if (x.ndim < 1 || y.ndim !== 1 || x.shape[0] !== y.shape[0]) {
      throw new DataError(
        `inputs (shape [${x.shape.join(', ')}]) and labels (shape [${y.shape.join(', ')}]) must have the same first dimension, and labels must be 1-d`,
        'invalid-shape',
      );
    }
    if (y.dtype !== 'int64') {
      if (y.dtype.startsWith('float') || y.dtype === 'bool' || y.dtype === 'bfloat16') {
        throw new DataError(`labels must be integer class indices, got dtype ${y.dtype}`, 'invalid-format');
      }
      const converted = y.to('int64');
      y.dispose();
      y = converted;
    }
    const device = o.device ?? x.device;
    if (x.device !== device) x = move(x, device);
    if (y.device !== device) y = move(y, device);
    this.x = x.keep();
    this.y = y.keep();
    this.length = x.shape[0]!;
    this.sampleShape = x.shape.slice(1);
    this.device = device;
    this.divisor = o.divisor ?? (x.dtype === 'uint8' ? 255 : 1);
    if (!(this.divisor > 0)) throw new DataError(`divisor must be positive, got ${this.divisor}`, 'invalid-option');
    const top = this.length === 0 ? -1 : maxLabel(this.y);
    this.numClasses = o.numClasses ?? o.classNames?.length ?? top + 1;
    if (top >= this.numClasses) {
      throw new DataError(`labels go up to ${top} but there are ${this.numClasses} classes; labels must be 0..${this.numClasses - 1}`, 'invalid-format');
    }
    if (o.classNames !== undefined) {
      if (o.classNames.length !== this.numClasses) {
        throw new DataError(`${o.classNames.length} class names given for ${this.numClasses} classes`, 'invalid-option');
      }
      this.classNames = [...o.classNames];
    }
  }

  /** A dataset from raw arrays: inputs of `shape` (N, ...) and one label per example. */
  static fromArrays(
    x: TypedArray,
    shape: readonly number[],
    labels: ArrayLike<number> | BigInt64Array,
    o: TensorDatasetOptions & { dtype?: DType } = {},
  ): TensorDataset {
    const n = shape.reduce((a, b) => a * b, 1);
    if (n !== x.length) throw new DataError(`${x.length} input values do not fill shape [${shape.join(', ')}] (${n} values)`, 'invalid-shape');
    const y = labelArray(labels);
    const xt = tensor(x, shape, o.dtype ? { dtype: o.dtype } : {});
    const yt = tensor(y, [y.length], { dtype: 'int64' });
    return new TensorDataset(xt, yt, o);
  }

  getBatch(indices: Indices): Batch {
    const { index, owned } = indexTensor(indices, this.length, this.device);
    try {
      const raw = this.x.indexSelect(0, index);
      let x = raw;
      if (raw.dtype !== 'float32') {
        x = raw.to('float32');
        raw.dispose();
      }
      if (this.divisor !== 1) x.div_(this.divisor);
      return { x, y: this.y.indexSelect(0, index) };
    } finally {
      if (owned) index.dispose();
    }
  }

  dispose(): void {
    this.x.dispose();
    this.y.dispose();
  }
}

function move(t: Tensor, device: string): Tensor {
  const m = t.to(device);
  t.dispose();
  return m;
}

function maxLabel(y: Tensor): number {
  const m = y.max();
  const v = m.item();
  m.dispose();
  const lo = y.min();
  const low = lo.item();
  lo.dispose();
  if (low < 0) throw new DataError(`labels must be class indices 0..K-1, found ${low}`, 'invalid-format');
  return v;
}
