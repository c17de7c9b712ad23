// The contract every weight-sharing method (one-shot, ENAS, DARTS, GDAS, FBNet, ProxylessNAS)
// offers the study: train a supernet of a space on a data split, checkpointing as it goes, and
// derive one discrete genotype of that space (which `nasforge retrain` then trains from scratch).
import { type Dataset } from '../../data/index.js';
import { type Json } from '../../util/index.js';
import { type AnySearchSpace, type Genotype, type Stack } from '../../spaces/index.js';
import { type Metrics } from '../../strategies/index.js';

export interface OneShotContext {
  readonly space: AnySearchSpace;
  /** the search-time skeleton (e.g. DARTS' 8 cells of 16 channels, or a CPU proxy) */
  readonly stack: Partial<Stack>;
  /** weights are trained on `train`; architecture parameters (or controller, or ranking) use `val` */
  readonly train: Dataset;
  readonly val: Dataset;
  /**
   * the method's options over its `defaults` (unknown names are refused with a clear error;
   * `seed`, which a search config may carry, is accepted: the run's seed is `seed` below)
   */
  readonly options: Readonly<Record<string, Json>>;
  readonly seed: number;
  /** checkpoints go here; a run started on a directory with a checkpoint resumes from it */
  readonly workdir: string;
  /** stop cleanly with a checkpoint when aborted (SIGINT) */
  readonly signal?: AbortSignal;
  /** per-epoch values, e.g. supernet train loss and validation accuracy */
  readonly report?: (epoch: number, metrics: Metrics) => void;
  readonly log?: (line: string) => void;
}

export interface OneShotResult {
  /** the derived discrete architecture, valid in `ctx.space` */
  readonly genotype: Genotype;
  /** what the search measured (e.g. supernet validation accuracy, search seconds) */
  readonly metrics: Metrics;
  /** the method's final architecture distribution or ranking, for the record */
  readonly details?: Json;
}

export interface OneShotMethod {
  /** the strategy name in a search config: 'oneshot', 'enas', 'darts', 'gdas', 'fbnet', 'proxylessnas' */
  readonly name: string;
  readonly description: string;
  /** the options with their defaults, e.g. { epochs: 50, ... } */
  readonly defaults: Readonly<Record<string, Json>>;
  /** the spaces it can build a supernet of */
  readonly spaces: readonly string[];
  run(ctx: OneShotContext): Promise<OneShotResult>;
}
