// CIFAR-10 and CIFAR-100 "binary version" files (Krizhevsky 2009): fixed-size records of label
// byte(s) then 3072 bytes of a 32x32 image, channel-major (1024 R, 1024 G, 1024 B).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '../torch/index.js';
import { DataError } from './errors.js';
import { type Split } from './fashion-mnist.js';
import { TensorDataset } from './tensor-dataset.js';

const IMAGE_BYTES = 3 * 32 * 32;

export const CIFAR10_CLASSES: readonly string[] = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

export interface CifarOptions {
  /** Folder with the .bin files, or its parent holding cifar-10-batches-bin / cifar-100-binary. */
  root: string;
  split: Split;
  device?: string;
}

/**
 * Read CIFAR binary files into uint8 images (N, 3, 32, 32) and labels: each record has
 * `labelBytes` label bytes, of which byte `labelAt` is the class.
 */
export function readCifarBinary(paths: readonly string[], labelBytes: number, labelAt: number): { images: Uint8Array; labels: BigInt64Array } {
  const record = labelBytes + IMAGE_BYTES;
  const files = paths.map((p) => {
    const b = readFileSync(p);
    if (b.length === 0 || b.length % record !== 0) {
      throw new DataError(
        `${p} has ${b.length} bytes, not a whole number of ${record}-byte CIFAR records; is it the ${labelBytes === 1 ? 'CIFAR-10' : 'CIFAR-100'} binary version?`,
        'invalid-format',
      );
    }
    return b;
  });
  const n = files.reduce((a, b) => a + b.length / record, 0);
  const images = new Uint8Array(n * IMAGE_BYTES);
  const labels = new BigInt64Array(n);
  let i = 0;
  for (const b of files) {
    for (let at = 0; at < b.length; at += record, i++) {
      labels[i] = BigInt(b[at + labelAt]!);
      images.set(b.subarray(at + labelBytes, at + record), i * IMAGE_BYTES);
    }
  }
  return { images, labels };
}

function resolveRoot(root: string, sub: string, probe: string): string {
  if (existsSync(join(root, probe))) return root;
  if (existsSync(join(root, sub, probe))) return join(root, sub);
  return root;
}

function requireFiles(paths: string[], what: string, root: string): void {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new DataError(
      `${what}: ${missing.map((p) => p.slice(p.lastIndexOf('/') + 1)).join(', ')} not found in ${root}; pass root: the folder of the binary version (e.g. the extracted cifar-*-binary.tar.gz)`,
      'missing-data',
    );
  }
}

function namesFile(path: string, count: number): string[] | undefined {
  if (!existsSync(path)) return undefined;
  const names = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return names.length === count ? names : undefined;
}

function checkSplit(split: string): void {
  if (split !== 'train' && split !== 'test') throw new DataError(`split must be 'train' or 'test', got '${split}'`, 'invalid-option');
}

/** CIFAR-10: data_batch_1..5.bin (train, 50000) or test_batch.bin (test, 10000). */
export function cifar10(o: CifarOptions): TensorDataset {
  checkSplit(o.split);
  const dir = resolveRoot(o.root, 'cifar-10-batches-bin', 'test_batch.bin');
  const names = o.split === 'train' ? [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`) : ['test_batch.bin'];
  const paths = names.map((f) => join(dir, f));
  requireFiles(paths, 'CIFAR-10', dir);
  const { images, labels } = readCifarBinary(paths, 1, 0);
  return build(images, labels, 10, namesFile(join(dir, 'batches.meta.txt'), 10) ?? CIFAR10_CLASSES, o.device);
}

/** CIFAR-100: train.bin or test.bin; records carry a coarse (20) and a fine (100) label. */
export function cifar100(o: CifarOptions & { labels?: 'fine' | 'coarse' }): TensorDataset {
  checkSplit(o.split);
  const kind = o.labels ?? 'fine';
  if (kind !== 'fine' && kind !== 'coarse') throw new DataError(`labels must be 'fine' or 'coarse', got '${String(kind)}'`, 'invalid-option');
  const dir = resolveRoot(o.root, 'cifar-100-binary', 'test.bin');
  const path = join(dir, o.split === 'train' ? 'train.bin' : 'test.bin');
  requireFiles([path], 'CIFAR-100', dir);
  const { images, labels } = readCifarBinary([path], 2, kind === 'coarse' ? 0 : 1);
  const k = kind === 'coarse' ? 20 : 100;
  return build(images, labels, k, namesFile(join(dir, `${kind}_label_names.txt`), k), o.device);
}

function build(images: Uint8Array, labels: BigInt64Array, k: number, classNames: readonly string[] | undefined, device?: string): TensorDataset {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= BigInt(k))
      throw new DataError(
        `record ${i} has label ${labels[i]}, but there are only ${k} classes; the file is corrupt or of the other CIFAR version`,
        'invalid-format',
      );
  }
  const n = labels.length;
  const x = tensor(images, [n, 3, 32, 32], { dtype: 'uint8' });
  const y = tensor(labels, [n], { dtype: 'int64' });
  return new TensorDataset(x, y, { numClasses: k, classNames, device });
}
