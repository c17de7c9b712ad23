// The training-throughput benchmark's workloads: data, augmentation, network and recipe.
// reference_train.py sets up the same four in PyTorch; keep the two files in step.
import {
  CIFAR10_MEAN,
  CIFAR10_STD,
  type Dataset,
  FASHION_MNIST_MEAN,
  FASHION_MNIST_STD,
  TensorDataset,
  type Transform,
  fashionMnist,
  limit,
  normalize,
} from '../../src/data/index.js';
import { BASELINES } from '../../src/spaces/baselines/index.js';
import { type Classifier, DARTS_CIFAR_RECIPE, DEFAULT_RECIPE, type Recipe, resolveRecipe, trainTransform } from '../../src/train/index.js';
import { manualSeed, randint } from '../../src/torch/index.js';
import { buildNetwork } from '../engine/networks.js';

export const WORKLOADS = ['resnet_small_fmnist', 'plain_cnn', 'darts_v2', 'macro_22222222'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** Examples in each workload's training set (a fixed subset, or the synthetic set's size). */
export const EXAMPLES = 2560;
/** Seed of the synthetic CIFAR-shaped data (the same generator call in reference_train.py). */
export const DATA_SEED = 1234;

export const DESCRIPTIONS: Record<WorkloadName, string> = {
  resnet_small_fmnist: `resnet-small on Fashion-MNIST (first ${EXAMPLES} training images), batch 128; crop pad 2, flip, normalise; SGD Nesterov 0.9, wd 3e-4`,
  plain_cnn: 'plain CNN (3x conv-BN-ReLU-pool), batch 64; CIFAR augmentation',
  darts_v2: 'DARTS V2, 8 cells, 16 ch, drop path 0.2, no aux, batch 64; CIFAR augmentation',
  macro_22222222: 'NAS-Bench-Macro 22222222, batch 64; CIFAR augmentation',
};

/** CIFAR workloads: DARTS' final-training recipe (SGD momentum 0.9, wd 3e-4, clip 5, crop pad 4, flip, cutout 16) at batch 64, no auxiliary head. */
const CIFAR_RECIPE: Recipe = resolveRecipe({ batchSize: 64, auxiliaryWeight: 0, dropPath: 0.2 }, DARTS_CIFAR_RECIPE);
const FMNIST_RECIPE: Recipe = resolveRecipe({ batchSize: 128, cropPadding: 2, horizontalFlip: true }, DEFAULT_RECIPE);

/** The batch size a workload trains with. */
export function batchSize(name: WorkloadName): number {
  return (name === 'resnet_small_fmnist' ? FMNIST_RECIPE : CIFAR_RECIPE).batchSize;
}

export interface Workload {
  recipe: Recipe;
  train: Dataset;
  transform: Transform;
  net: Classifier;
  /** frees the data (the network's parameters stay with the process) */
  dispose(): void;
}

/** Synthetic uint8 CIFAR-shaped images and labels from a fixed seed (CIFAR is not available offline). */
function syntheticCifar(n: number): TensorDataset {
  manualSeed(DATA_SEED);
  const x = randint(0, 256, [n, 3, 32, 32], { dtype: 'uint8' });
  const y = randint(0, 10, [n]);
  return new TensorDataset(x, y, { numClasses: 10 });
}

export function buildWorkload(name: WorkloadName, seed = 0): Workload {
  if (name === 'resnet_small_fmnist') {
    const full = fashionMnist({ split: 'train' });
    const train = limit(full, EXAMPLES);
    manualSeed(seed);
    const net = BASELINES['resnet-small']!(1, 10);
    const transform = trainTransform(FMNIST_RECIPE, train.sampleShape, normalize(FASHION_MNIST_MEAN, FASHION_MNIST_STD))!;
    return {
      recipe: FMNIST_RECIPE,
      train,
      transform,
      net,
      dispose: () => {
        train.dispose();
        full.dispose();
      },
    };
  }
  const train = syntheticCifar(EXAMPLES);
  manualSeed(seed);
  const net = buildNetwork(name);
  const transform = trainTransform(CIFAR_RECIPE, train.sampleShape, normalize(CIFAR10_MEAN, CIFAR10_STD))!;
  return { recipe: CIFAR_RECIPE, train, transform, net, dispose: () => train.dispose() };
}

export function isWorkloadName(s: string): s is WorkloadName {
  return (WORKLOADS as readonly string[]).includes(s);
}
