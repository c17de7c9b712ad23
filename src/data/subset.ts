// Views on a dataset: a subset by positions, the first N examples, seeded train/validation splits.
import { Tensor, tensor } from '../torch/index.js';
import { type Batch, type Dataset, type Indices, checkedPositions, indexTensor } from './dataset.js';
import { DataError, checkSeed } from './errors.js';
import { Rng } from '../util/index.js';

/** The examples of `base` at `positions`. It does not own `base`: dispose the base yourself. */
export class Subset implements Dataset {
  readonly length: number;
  /** Positions in the base dataset, in subset order. */
  readonly positions: Int32Array;
  private readonly map: Tensor;

  constructor(
    readonly base: Dataset,
    positions: ArrayLike<number>,
  ) {
    const checked = checkedPositions(positions, base.length);
    this.positions = Int32Array.from(positions);
    this.length = checked.length;
    this.map = tensor(checked, [checked.length], { dtype: 'int64', device: base.device === 'cpu' ? undefined : base.device }).keep();
  }

  get sampleShape(): readonly number[] {
    return this.base.sampleShape;
  }
  get numClasses(): number {
    return this.base.numClasses;
  }
  get classNames(): readonly string[] | undefined {
    return this.base.classNames;
  }
  get device(): string {
    return this.base.device;
  }

  getBatch(indices: Indices): Batch {
    if (!(indices instanceof Tensor)) {
      const mapped = new Int32Array(indices.length);
      for (let i = 0; i < indices.length; i++) {
        const v = indices[i]!;
        if (!Number.isInteger(v) || v < 0 || v >= this.length) {
          throw new DataError(`index ${v} (position ${i}) is outside the subset's 0..${this.length - 1}`, 'invalid-option');
        }
        mapped[i] = this.positions[v]!;
      }
      return this.base.getBatch(mapped);
    }
    const { index, owned } = indexTensor(indices, this.length, this.device);
    const mapped = this.map.indexSelect(0, index);
    if (owned) index.dispose();
    try {
      return this.base.getBatch(mapped);
    } finally {
      mapped.dispose();
    }
  }

  /** Frees the position map only (the base is not owned). */
  dispose(): void {
    this.map.dispose();
  }
}

/** The first `n` examples (all of them if the dataset is smaller). */
export function limit(ds: Dataset, n: number): Subset {
  if (!Number.isInteger(n) || n < 0) throw new DataError(`limit must be a non-negative integer, got ${n}`, 'invalid-option');
  const m = Math.min(n, ds.length);
  const p = new Int32Array(m);
  for (let i = 0; i < m; i++) p[i] = i;
  return new Subset(ds, p);
}

export interface SplitOptions {
  /** Share of examples for validation, in (0, 1). */
  valFraction?: number;
  /** Number of examples for validation (instead of valFraction). */
  valCount?: number;
  /** Shuffle before splitting (default true); without it the last examples are the validation set. */
  shuffle?: boolean;
  seed?: number;
}

/** Disjoint train and validation subsets that together cover the dataset; seeded. */
export function trainValSplit(ds: Dataset, o: SplitOptions): { train: Subset; val: Subset } {
  const n = ds.length;
  let nVal: number;
  if (o.valCount !== undefined && o.valFraction !== undefined) {
    throw new DataError('give valFraction or valCount, not both', 'invalid-option');
  } else if (o.valCount !== undefined) {
    if (!Number.isInteger(o.valCount) || o.valCount < 0 || o.valCount > n) {
      throw new DataError(`valCount must be an integer in 0..${n} (the dataset's size), got ${o.valCount}`, 'invalid-option');
    }
    nVal = o.valCount;
  } else if (o.valFraction !== undefined) {
    if (!(o.valFraction > 0 && o.valFraction < 1)) {
      throw new DataError(`valFraction must be in (0, 1), got ${o.valFraction}`, 'invalid-option');
    }
    nVal = Math.round(n * o.valFraction);
  } else {
    throw new DataError('trainValSplit needs valFraction (e.g. 0.1) or valCount', 'invalid-option');
  }
  if (nVal < 1 || nVal >= n) {
    const asked = o.valCount !== undefined ? `valCount ${o.valCount}` : `valFraction ${o.valFraction} of ${n} examples (${nVal})`;
    throw new DataError(
      `a train/validation split needs at least one example on each side; ${asked} leaves ${nVal < 1 ? 'no validation' : 'no training'} examples: ` +
        'use more examples or another share',
      'invalid-option',
    );
  }
  const seed = o.seed ?? 0;
  checkSeed(seed);
  let order: Int32Array;
  if (o.shuffle ?? true) {
    order = new Rng(seed, 0x5e1175).permutation(n);
  } else {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  }
  return { train: new Subset(ds, order.subarray(0, n - nVal)), val: new Subset(ds, order.subarray(n - nVal)) };
}
