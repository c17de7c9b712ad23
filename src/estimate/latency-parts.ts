// What a latency table is measured from and the small pieces its two measuring methods share:
// the clocks, the statistic over timed samples, and the table's typed error.
import { type Layer, type Module } from '../nn/index.js';
import { NasforgeError } from '../util/index.js';

/** What the table is measured from: modules with the input shape each runs at (batch 1). */
export interface LatencyTableParts {
  /** the space (or supernet) the table belongs to */
  space: string;
  /** the network's input, e.g. {channels: 3, size: 224} */
  input: { channels: number; size: number };
  /**
   * parts every architecture runs (stem, head), each at its own input shape (C, H, W); `at` says
   * whether it runs before or after the searchable layers, which in-context timing needs to run
   * the parts as one network (in the listed order within each end)
   */
  fixed: readonly { name: string; module: Module & Layer; inputShape: readonly number[]; at?: 'start' | 'end' }[];
  /** one entry per searchable layer: its input shape and its candidate blocks by name */
  layers: readonly { inputShape: readonly number[]; candidates: readonly { name: string; module: Module & Layer }[] }[];
}

export type LatencyStatistic = 'median' | 'min';
/**
 * 'wall': elapsed time (what a deployed model sees on an idle device); 'cpu': the process's CPU
 * time per run, which other processes' load does not inflate (with one libtorch thread it equals
 * the wall time of an idle machine): for tables measured on a shared, busy machine.
 */
export type LatencyClock = 'wall' | 'cpu';
/**
 * 'isolated': each candidate timed alone in a loop (warm caches, its own input each time);
 * 'in-context': whole sampled paths through the parts timed block by block, so each entry is
 * the block's time inside a network, with the caches and inputs a real network gives it.
 */
export type LatencyMethod = 'isolated' | 'in-context';

/** A latency table that cannot be used: missing, malformed, measured for another space or input. */
export class LatencyTableError extends NasforgeError {
  constructor(message: string) {
    super(message, 'invalid-latency-table');
    this.name = 'LatencyTableError';
  }
}

/** The current reading of `clock` in milliseconds (only differences mean anything). */
export function clockMs(clock: LatencyClock): number {
  if (clock === 'wall') return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The median (mean of the middle two for an even count) or the minimum of `v`. */
export function statisticOf(v: readonly number[], statistic: LatencyStatistic): number {
  if (v.length === 0) throw new RangeError('statisticOf: no samples');
  const s = [...v].sort((a, b) => a - b);
  if (statistic === 'min') return s[0]!;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The same options checked once for every measuring function. */
export function checkCounts(where: string, counts: Record<string, number>): void {
  for (const [k, v] of Object.entries(counts)) {
    const min = k === 'warmup' ? 0 : 1;
    if (!Number.isInteger(v) || v < min) throw new RangeError(`${where}: ${k} must be an integer ≥ ${min}, got ${v}`);
  }
}
