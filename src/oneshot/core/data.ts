// What the weight-sharing searches share around the data: the search stack (classes from the
// data), seeded loaders, inputs shaped for the space's stem, a child's accuracy, and
// recalibrating batch-norm statistics for one child (Bender et al.: a shared BN's running
// statistics are those of the mixture the supernet was trained on, not of the one architecture
// being ranked). A child is any forward function through a supernet: a layer-wise path, a cell
// genotype, an ENAS decision vector (a layer-wise path's wrappers: supernets/layerwise/path.ts).
import { type Batch, type Dataset, DataLoader } from '../../data/index.js';
import { BatchNorm2d, type Module } from '../../nn/index.js';
import { type Stack } from '../../spaces/index.js';
import { type Tensor, noGrad, tidy } from '../../torch/index.js';
import { OneShotError } from './errors.js';

/** The search stack with `classes` taken from the data where the caller left it out. */
export function searchStack(stack: Partial<Stack>, train: Dataset): Partial<Stack> {
  if (stack.classes !== undefined && stack.classes < train.numClasses) {
    throw new OneShotError(`stack.classes is ${stack.classes} but the data has ${train.numClasses} classes; leave classes out or raise it`, 'data');
  }
  return { ...stack, classes: stack.classes ?? train.numClasses };
}

/** Checks that `ds` holds images the supernet's stem can take (grey images are repeated to its channels). */
export function checkImages(ds: Dataset, inChannels: number, what: string): void {
  const s = ds.sampleShape;
  if (s.length !== 3 || (s[0] !== inChannels && s[0] !== 1)) {
    throw new OneShotError(
      `the ${what} data has examples of shape [${s.join(', ')}]; this supernet takes images (C, H, W) with ${inChannels} channels (or 1, repeated)`,
      'data',
    );
  }
  if (ds.length === 0) throw new OneShotError(`the ${what} data is empty`, 'data');
}

/** `x` with its channels repeated up to the stem's (grey images on an RGB stem). */
export function stemInput(x: Tensor, inChannels: number): Tensor {
  const c = x.shape[1]!;
  if (c === inChannels) return x;
  return x.expand([x.shape[0]!, inChannels, x.shape[2]!, x.shape[3]!]);
}

/** A seeded loader that drops the last short batch when the data holds more than one batch. */
export function searchLoader(ds: Dataset, batchSize: number, seed: number, shuffle = true): DataLoader {
  return new DataLoader(ds, { batchSize, shuffle, seed, dropLast: ds.length > batchSize });
}

/** Batch `b` of `epoch` (wrapping around the loader), shaped for the stem. The caller owns it. */
export function batchFor(loader: DataLoader, epoch: number, b: number, inChannels: number): Batch {
  const n = loader.length;
  const { x, y } = loader.batchAt(epoch + Math.floor(b / n), b % n);
  const xi = stemInput(x, inChannels);
  if (xi !== x) x.dispose();
  return { x: xi, y };
}

function batchNorms(m: Module): BatchNorm2d[] {
  return [...m.namedModules()].map(([, x]) => x).filter((x): x is BatchNorm2d => x instanceof BatchNorm2d);
}

/** A child network's logits on a batch (a path, a genotype, a decision vector through a supernet). */
export type ChildForward = (x: Tensor) => Tensor;

/**
 * Reset every BN of `net` and re-estimate its running statistics as the plain average over
 * `batches` training batches run through `child` (momentum 1/(t+1) makes the running value
 * the mean). `inChannels`: the stem's input channels (grey images are repeated to them).
 */
export function recalibrateChildBatchNorm(net: Module, inChannels: number, child: ChildForward, loader: DataLoader, batches: number, epoch = 0): void {
  const bns = batchNorms(net);
  const momenta = bns.map((bn) => bn.momentum);
  noGrad(() => {
    for (const bn of bns) {
      bn.runningMean?.zero_();
      bn.runningVar?.fill_(1);
    }
  });
  const wasTraining = net.training;
  net.train();
  try {
    for (let t = 0; t < batches; t++) {
      for (const bn of bns) (bn as { momentum: number }).momentum = 1 / (t + 1);
      tidy(() =>
        noGrad(() => {
          const { x } = batchFor(loader, epoch, t, inChannels);
          child(x);
        }),
      );
    }
  } finally {
    bns.forEach((bn, i) => {
      (bn as { momentum: number }).momentum = momenta[i]!;
    });
    net.train(wasTraining);
  }
}

/** Top-1 accuracy (a fraction) of `child` over the first `batches` batches of `loader` (all when omitted), `net` in eval mode. */
export function childAccuracy(net: Module, inChannels: number, child: ChildForward, loader: DataLoader, batches = loader.length): number {
  const wasTraining = net.training;
  net.eval();
  let correct = 0;
  let seen = 0;
  try {
    for (let b = 0; b < Math.min(batches, loader.length); b++) {
      tidy(() =>
        noGrad(() => {
          const { x, y } = batchFor(loader, 0, b, inChannels);
          correct += child(x).argmax(1).eq(y).sum().item();
          seen += y.shape[0]!;
        }),
      );
    }
  } finally {
    net.train(wasTraining);
  }
  return correct / Math.max(seen, 1);
}
