// The DataLoader: seeded shuffling, batching, batched transforms, and an exact mid-epoch resume.
//
// Order and augmentation are pure functions of (seed, epoch, batch position): the shuffle of an
// epoch comes from Rng(seed, epoch) and a batch's transform draws from Rng(seed, epoch, batch),
// so restoring {epoch, batch} reproduces the rest of the run exactly, whatever else used
// libtorch's global generator meanwhile.
//
// Prefetch, honestly: Node runs this on one thread and every engine call is synchronous, so no
// batch can be prepared "in the background" while a training step runs. Instead the data is
// decoded once, up front, into one resident tensor (uint8 or float32, on the training device if
// asked), so that making a batch is an index_select, a conversion to float32, and a few batched
// tensor ops for the transforms: no per-example JS work on the hot path. bench/data/loader.ts
// measures that cost against a training step.
import { tidy } from '../torch/index.js';
import { type Batch, type Dataset } from './dataset.js';
import { DataError, checkPositiveInt, checkSeed } from './errors.js';
import { Rng } from '../util/index.js';
import { type Transform } from './transforms/transform.js';

export interface DataLoaderOptions {
  batchSize: number;
  /** Reshuffle every epoch (default true); false keeps the dataset's order. */
  shuffle?: boolean;
  /** Seeds the shuffles and the transforms' random choices (default 0). */
  seed?: number;
  /** Skip the last, smaller batch of an epoch (default false). */
  dropLast?: boolean;
  /** Applied to each whole batch. */
  transform?: Transform;
}

/** Where a loader stands: the next batch it yields is batch `batch` of epoch `epoch`. JSON-safe. */
export interface LoaderState {
  epoch: number;
  batch: number;
  seed: number;
}

// Stream tags keep the shuffle's and the transforms' random numbers apart.
const SHUFFLE = 0x5f1e;
const AUGMENT = 0xa06e;

export class DataLoader implements Iterable<Batch> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly transform?: Transform;
  private _epoch = 0;
  private _batch = 0;
  private cached: { epoch: number; order: Int32Array } | null = null;

  constructor(
    readonly dataset: Dataset,
    o: DataLoaderOptions,
  ) {
    checkPositiveInt(o.batchSize, 'batchSize');
    this.seed = o.seed ?? 0;
    checkSeed(this.seed);
    this.batchSize = o.batchSize;
    this.shuffle = o.shuffle ?? true;
    this.dropLast = o.dropLast ?? false;
    this.transform = o.transform;
    if (this.length === 0) {
      throw new DataError(
        `an epoch would have no batches: the dataset has ${dataset.length} examples${this.dropLast ? `, fewer than one batch of ${this.batchSize} with dropLast` : ''}; use a smaller batchSize or more data`,
        'invalid-option',
      );
    }
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The epoch the next batch belongs to. */
  get epoch(): number {
    return this.state().epoch;
  }
  /** The position in its epoch of the next batch. */
  get position(): number {
    return this.state().batch;
  }

  state(): LoaderState {
    if (this._batch >= this.length) return { epoch: this._epoch + 1, batch: 0, seed: this.seed };
    return { epoch: this._epoch, batch: this._batch, seed: this.seed };
  }

  /** Continue from a saved state (the same dataset, batch size and seed are needed to reproduce the run). */
  loadState(s: LoaderState): void {
    if (s.seed !== this.seed) {
      throw new DataError(
        `loader state was saved with seed ${s.seed} but this loader has seed ${this.seed}; build the loader with the same seed to resume`,
        'invalid-option',
      );
    }
    this.seek(s.epoch, s.batch);
  }

  /** Make batch `batch` of epoch `epoch` the next one. */
  seek(epoch: number, batch = 0): void {
    if (!Number.isInteger(epoch) || epoch < 0) throw new DataError(`epoch must be a non-negative integer, got ${epoch}`, 'invalid-option');
    if (!Number.isInteger(batch) || batch < 0 || batch > this.length) {
      throw new DataError(`batch position must be an integer in 0..${this.length}, got ${batch}`, 'invalid-option');
    }
    this._epoch = epoch;
    this._batch = batch;
  }

  /** The order in which epoch `epoch` visits the dataset. */
  order(epoch: number): Int32Array {
    if (this.cached?.epoch === epoch) return this.cached.order;
    const n = this.dataset.length;
    let order: Int32Array;
    if (this.shuffle) {
      order = new Rng(this.seed, SHUFFLE, epoch).permutation(n);
    } else {
      order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
    }
    this.cached = { epoch, order };
    return order;
  }

  /** Batch `b` of epoch `epoch`, transformed; it does not move the loader. The caller owns the tensors. */
  batchAt(epoch: number, b: number): Batch {
    if (!Number.isInteger(b) || b < 0 || b >= this.length) {
      throw new DataError(`batch ${b} does not exist; an epoch has ${this.length} batches`, 'invalid-option');
    }
    const order = this.order(epoch);
    const idx = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length));
    const t = this.transform;
    return tidy(() => {
      const raw = this.dataset.getBatch(idx);
      return t ? t.apply(raw, new Rng(this.seed, AUGMENT, epoch, b)) : raw;
    });
  }

  /** The rest of the current epoch, batch by batch; the state advances as each batch is handed out. */
  *[Symbol.iterator](): Iterator<Batch> {
    const start = this.state();
    this._epoch = start.epoch;
    this._batch = start.batch;
    const epoch = this._epoch;
    while (this._epoch === epoch && this._batch < this.length) {
      const b = this._batch;
      const batch = this.batchAt(epoch, b);
      this._batch = b + 1;
      yield batch;
    }
    if (this._epoch === epoch && this._batch >= this.length) {
      this._epoch = epoch + 1;
      this._batch = 0;
    }
  }
}
