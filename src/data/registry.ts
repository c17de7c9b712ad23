// Data sets by name, as a search config, `train` and `retrain` name them: the train and test
// splits, the per-channel normalisation the networks are trained with (on pixel values scaled
// to [0, 1]) and where the files come from. A data set is one entry here.
import { didYouMean } from '../util/index.js';
import { cifar10 } from './cifar.js';
import { type Dataset } from './dataset.js';
import { DataError } from './errors.js';
import { fashionMnist, mnist } from './fashion-mnist.js';
import { limit } from './subset.js';
import { CIFAR10_MEAN, CIFAR10_STD, FASHION_MNIST_MEAN, FASHION_MNIST_STD, normalize } from './transforms/normalize.js';
import { type Transform } from './transforms/transform.js';

export interface NamedData {
  readonly name: string;
  train: Dataset;
  readonly test: Dataset;
  /** per-channel mean and std on pixel values in [0, 1], and the transform that applies them */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly normalize: Transform;
}

export interface DatasetEntry {
  readonly name: string;
  readonly description: string;
  /** where the files are read from when no root is given; null when a root must be given */
  readonly defaultRoot: string | null;
  /** what a root must hold, for messages */
  readonly rootHelp: string;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  open(split: 'train' | 'test', root: string | undefined): Dataset;
}

export const DATASETS: readonly DatasetEntry[] = [
  {
    name: 'fashion-mnist',
    description: 'Fashion-MNIST (Xiao et al., 2017): 28x28 grey garments, 10 classes; Debian package dataset-fashion-mnist',
    defaultRoot: '/usr/share/datasets/fashion-mnist',
    rootHelp: 'the folder with the four IDX files',
    mean: FASHION_MNIST_MEAN,
    std: FASHION_MNIST_STD,
    open: (split, root) => fashionMnist({ split, root }),
  },
  {
    name: 'mnist',
    description: 'MNIST digits: 28x28 grey, 10 classes, IDX files',
    defaultRoot: null,
    rootHelp: 'the folder with the four IDX files',
    mean: [0.1307],
    std: [0.3081],
    open: (split, root) => mnist({ split, root: root! }),
  },
  {
    name: 'cifar10',
    description: 'CIFAR-10: 32x32 colour, 10 classes, the binary version',
    defaultRoot: null,
    rootHelp: 'the folder with data_batch_1.bin ... test_batch.bin',
    mean: CIFAR10_MEAN,
    std: CIFAR10_STD,
    open: (split, root) => cifar10({ split, root: root! }),
  },
];

export function datasetNames(): string[] {
  return DATASETS.map((d) => d.name);
}

/** The entry called `name`; DataError('unknown-dataset') with "did you mean" help. */
export function getDataset(name: string): DatasetEntry {
  const hit = DATASETS.find((d) => d.name === name);
  if (hit) return hit;
  const names = datasetNames();
  throw new DataError(`unknown data set '${name}'.${didYouMean(name, names)} Known data sets: ${names.join(', ')}`, 'unknown-dataset');
}

/** Opens both splits of data set `name` (`limit`: the first N training examples only). */
export function loadDataset(name: string, o: { root?: string; limit?: number } = {}): NamedData {
  const entry = getDataset(name);
  if (o.root === undefined && entry.defaultRoot === null) {
    throw new DataError(`${name} needs the folder of its files (dataset.root in a config, --data-root on the command line): ${entry.rootHelp}`, 'missing-data');
  }
  const train = entry.open('train', o.root);
  return {
    name,
    train: o.limit === undefined ? train : limit(train, o.limit),
    test: entry.open('test', o.root),
    mean: entry.mean,
    std: entry.std,
    normalize: normalize(entry.mean, entry.std),
  };
}
