// nasforge's data layer: datasets read a batch at a time, readers for the common formats,
// a seeded and resumable loader, and batched augmentations.
export type { Batch, Dataset, Indices } from './dataset.js';
export { DataError, type DataErrorCode } from './errors.js';
export { TensorDataset, type TensorDatasetOptions } from './tensor-dataset.js';
export { Subset, limit, trainValSplit, type SplitOptions } from './subset.js';
export { parseIdx, readIdx, idxDataset, type IdxArray } from './idx.js';
export { fashionMnist, mnist, FASHION_MNIST_ROOT, FASHION_MNIST_CLASSES, type Split, type IdxSetOptions } from './fashion-mnist.js';
export { cifar10, cifar100, readCifarBinary, CIFAR10_CLASSES, type CifarOptions } from './cifar.js';
export { imageFolder, listImageFolder, type ImageFolderOptions } from './image-folder.js';
export { decodeImage, type DecodedImage } from './image-decode.js';
export { ucr, ucrCsv, sortedLabels, type UcrCsvOptions } from './ucr.js';
export { DataLoader, type DataLoaderOptions, type LoaderState } from './loader.js';
export { type Transform, Compose, compose } from './transforms/transform.js';
export {
  Normalize,
  normalize,
  channelStats,
  CIFAR10_MEAN,
  CIFAR10_STD,
  FASHION_MNIST_MEAN,
  FASHION_MNIST_STD,
} from './transforms/normalize.js';
export { RandomCrop, randomCrop, cropWindows, type RandomCropOptions } from './transforms/crop.js';
export { RandomHorizontalFlip, randomHorizontalFlip } from './transforms/flip.js';
export { Cutout, cutout } from './transforms/cutout.js';
export { DATASETS, datasetNames, getDataset, loadDataset, type DatasetEntry, type NamedData } from './registry.js';
