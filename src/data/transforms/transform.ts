// Transforms act on whole batches with tensor ops; their random choices come from the Rng the
// loader derives from (seed, epoch, batch), so augmentation is reproducible and resumable.
import { tidy } from '../../torch/index.js';
import { type Batch } from '../dataset.js';
import { DataError } from '../errors.js';
import { type Rng } from '../../util/index.js';

export interface Transform {
  /** A fixed name, for logs and configs. */
  readonly kind: string;
  /**
   * The transformed batch. It never disposes or changes its input; the result may share
   * tensors with it (e.g. the labels, or x when nothing was drawn to change).
   */
  apply(batch: Batch, rng: Rng): Batch;
}

/** Apply transforms in order; intermediate tensors are freed. */
export class Compose implements Transform {
  readonly kind = 'compose';
  readonly transforms: readonly Transform[];
  constructor(transforms: readonly Transform[]) {
    this.transforms = [...transforms];
  }
  apply(batch: Batch, rng: Rng): Batch {
    return tidy(() => this.transforms.reduce((b, t) => t.apply(b, rng), batch));
  }
}

export function compose(...transforms: Transform[]): Compose {
  return new Compose(transforms);
}

/** Throws unless x is an image batch (N, C, H, W). */
export function requireImages(shape: readonly number[], what: string): [number, number, number, number] {
  if (shape.length !== 4) {
    throw new DataError(`${what} works on image batches (N, C, H, W), got shape [${shape.join(', ')}]`, 'invalid-shape');
  }
  return shape as [number, number, number, number];
}

export function checkProbability(p: number, what: string): void {
  if (!(p >= 0 && p <= 1)) throw new DataError(`${what}: probability p must be in [0, 1], got ${p}`, 'invalid-option');
}
