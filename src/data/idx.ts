// IDX files (LeCun's MNIST format, also Fashion-MNIST and EMNIST): a big-endian header with
// the element type and dimensions, then the elements. Gzip-compressed files are detected by magic.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tensor } from '../torch/index.js';
import { DataError } from './errors.js';
import { TensorDataset, type TensorDatasetOptions } from './tensor-dataset.js';

export interface IdxArray {
  /** Dimensions from the header, e.g. [60000, 28, 28]. */
  shape: number[];
  /** Elements in row-major order, in their natural JS type. */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
  /** IDX element type name. */
  type: 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
}

const TYPES: Record<number, { type: IdxArray['type']; size: number }> = {
  8: { type: 'uint8', size: 1 },
  9: { type: 'int8', size: 1 },
  11: { type: 'int16', size: 2 },
  12: { type: 'int32', size: 4 },
  13: { type: 'float32', size: 4 },
  14: { type: 'float64', size: 8 },
};

/** Decode an IDX file's bytes (gzip or raw). `name` is used in error messages. */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxArray {
  let buf = bytes;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw new DataError(`${name}: gzip data is corrupt (${(e as Error).message}); download the file again`, 'invalid-format');
    }
  }
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) {
    throw new DataError(`${name} is not an IDX file (its first two bytes must be zero)`, 'invalid-format');
  }
  const kind = TYPES[buf[2]!];
  if (kind === undefined) throw new DataError(`${name}: unknown IDX element type 0x${buf[2]!.toString(16)}`, 'invalid-format');
  const ndim = buf[3]!;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const header = 4 + 4 * ndim;
  if (buf.length < header) throw new DataError(`${name} is truncated inside its header`, 'invalid-format');
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = header + count * kind.size;
  if (buf.length !== expected) {
    throw new DataError(
      `${name} has ${buf.length} bytes but its header [${shape.join(', ')}] of ${kind.type} needs ${expected}; the file is truncated or corrupt`,
      'invalid-format',
    );
  }
  return { shape, type: kind.type, data: decode(view, header, count, kind.type) };
}

function decode(view: DataView, at: number, n: number, type: IdxArray['type']): IdxArray['data'] {
  switch (type) {
    case 'uint8':
      return new Uint8Array(view.buffer, view.byteOffset + at, n);
    case 'int8':
      return new Int8Array(view.buffer, view.byteOffset + at, n);
    case 'int16': {
      const o = new Int16Array(n);
      for (let i = 0; i < n; i++) o[i] = view.getInt16(at + 2 * i, false);
      return o;
    }
    case 'int32': {
      const o = new Int32Array(n);
      for (let i = 0; i < n; i++) o[i] = view.getInt32(at + 4 * i, false);
      return o;
    }
    case 'float32': {
      const o = new Float32Array(n);
      for (let i = 0; i < n; i++) o[i] = view.getFloat32(at + 4 * i, false);
      return o;
    }
    case 'float64': {
      const o = new Float64Array(n);
      for (let i = 0; i < n; i++) o[i] = view.getFloat64(at + 8 * i, false);
      return o;
    }
  }
}

/** Read an IDX file from disk. */
export function readIdx(path: string): IdxArray {
  if (!existsSync(path)) throw new DataError(`IDX file ${path} does not exist`, 'missing-data');
  return parseIdx(readFileSync(path), path);
}

/**
 * A dataset from an IDX image file (N, H, W) or (N, H, W, C) and an IDX label file (N):
 * inputs are stored as uint8 (N, C, H, W) and come out as float32 in [0, 1].
 */
export function idxDataset(imagesPath: string, labelsPath: string, o: TensorDatasetOptions = {}): TensorDataset {
  const images = readIdx(imagesPath);
  const labels = readIdx(labelsPath);
  if (images.type !== 'uint8') throw new DataError(`${imagesPath}: images must be uint8, got ${images.type}`, 'invalid-format');
  if (images.shape.length !== 3 && images.shape.length !== 4) {
    throw new DataError(`${imagesPath}: images must be (N, H, W) or (N, H, W, C), got [${images.shape.join(', ')}]`, 'invalid-format');
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new DataError(
      `${labelsPath} holds labels of shape [${labels.shape.join(', ')}] for ${images.shape[0]} images in ${imagesPath}; use the matching label file`,
      'invalid-shape',
    );
  }
  const [n, h, w, c = 1] = images.shape as [number, number, number, number?];
  let x = tensor(images.data, [n, h, w, c], { dtype: 'uint8' });
  const nchw = x.permute([0, 3, 1, 2]);
  x.dispose();
  x = nchw.contiguous();
  nchw.dispose();
  const ys = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const v = labels.data[i]!;
    if (!Number.isInteger(v) || v < 0) throw new DataError(`${labelsPath}: label ${v} at position ${i} is not a class index`, 'invalid-format');
    ys[i] = BigInt(v);
  }
  const y = tensor(ys, [n], { dtype: 'int64' });
  return new TensorDataset(x, y, o);
}
