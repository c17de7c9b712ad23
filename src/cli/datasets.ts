// Data sets by name for the CLI: train/test splits and their normalisation.
import {
  CIFAR10_MEAN, CIFAR10_STD, type Dataset, FASHION_MNIST_MEAN, FASHION_MNIST_STD, type Transform,
  cifar10, fashionMnist, limit, mnist, normalize,
} from '../data/index.js';
import { UserError } from './errors.js';

export interface NamedData {
  train: Dataset;
  test: Dataset;
  normalize: Transform;
}

export const DATASET_NAMES = ['fashion-mnist', 'mnist', 'cifar10'] as const;

export function loadDataset(name: string, o: { root?: string; limit?: number } = {}): NamedData {
  let d: NamedData;
  switch (name) {
    case 'fashion-mnist':
      d = {
        train: fashionMnist({ split: 'train', root: o.root }), test: fashionMnist({ split: 'test', root: o.root }),
        normalize: normalize(FASHION_MNIST_MEAN, FASHION_MNIST_STD),
      };
      break;
    case 'mnist':
      if (!o.root) throw new UserError('mnist needs --data-root DIR (the folder with the four IDX files)');
      d = {
        train: mnist({ split: 'train', root: o.root }), test: mnist({ split: 'test', root: o.root }),
        normalize: normalize([0.1307], [0.3081]),
      };
      break;
    case 'cifar10':
      if (!o.root) throw new UserError('cifar10 needs --data-root DIR (the folder with data_batch_1.bin ... test_batch.bin)');
      d = { train: cifar10({ split: 'train', root: o.root }), test: cifar10({ split: 'test', root: o.root }), normalize: normalize(CIFAR10_MEAN, CIFAR10_STD) };
      break;
    default:
      throw new UserError(`unknown dataset '${name}'; use one of ${DATASET_NAMES.join(', ')}`);
  }
  if (o.limit !== undefined) d.train = limit(d.train, o.limit);
  return d;
}
