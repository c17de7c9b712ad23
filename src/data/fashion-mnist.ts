// Fashion-MNIST (Xiao et al. 2017): 28x28 grey images of 10 clothing classes, 60000 train and
// 10000 test, in IDX files. Debian's dataset-fashion-mnist package installs them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from './errors.js';
import { idxDataset } from './idx.js';
import { type TensorDataset } from './tensor-dataset.js';

export const FASHION_MNIST_ROOT = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

export type Split = 'train' | 'test';

export interface IdxSetOptions {
  split: Split;
  /** Folder with {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]. */
  root?: string;
  device?: string;
}

/** The IDX file for `stem` in `root`, gzip or raw, or null. */
function find(root: string, stem: string): string | null {
  for (const name of [`${stem}.gz`, stem]) {
    const p = join(root, name);
    if (existsSync(p)) return p;
  }
  return null;
}

/** Load one split of an MNIST-layout data set found in `root`. */
export function mnistLayout(name: string, o: IdxSetOptions & { root: string }, classNames: readonly string[], help: string): TensorDataset {
  if (o.split !== 'train' && o.split !== 'test') {
    throw new DataError(`split must be 'train' or 'test', got '${String(o.split)}'`, 'invalid-option');
  }
  const prefix = o.split === 'train' ? 'train' : 't10k';
  const images = find(o.root, `${prefix}-images-idx3-ubyte`);
  const labels = find(o.root, `${prefix}-labels-idx1-ubyte`);
  if (images === null || labels === null) {
    const missing = images === null ? `${prefix}-images-idx3-ubyte[.gz]` : `${prefix}-labels-idx1-ubyte[.gz]`;
    throw new DataError(`${name}: ${missing} not found in ${o.root}; ${help}`, 'missing-data');
  }
  return idxDataset(images, labels, { classNames, device: o.device });
}

/** Fashion-MNIST's train or test split as uint8 (N, 1, 28, 28) read out as float32 in [0, 1]. */
export function fashionMnist(o: IdxSetOptions): TensorDataset {
  const root = o.root ?? FASHION_MNIST_ROOT;
  const help =
    o.root === undefined
      ? 'install it with `apt-get install dataset-fashion-mnist` or pass root: the folder that holds the IDX files'
      : 'pass root: the folder that holds the IDX files (or omit root after `apt-get install dataset-fashion-mnist`)';
  return mnistLayout('Fashion-MNIST', { ...o, root }, FASHION_MNIST_CLASSES, help);
}

/** MNIST digits from IDX files in `root` (same file names as Fashion-MNIST). */
export function mnist(o: IdxSetOptions & { root: string }): TensorDataset {
  if (typeof o.root !== 'string') throw new DataError('mnist needs root: the folder that holds the MNIST IDX files', 'invalid-option');
  return mnistLayout('MNIST', o, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], 'pass root: the folder that holds the MNIST IDX files');
}
