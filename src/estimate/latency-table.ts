// FBNet's latency lookup table (Wu et al., CVPR 2019, §3.2): the latency of every candidate
// block of every searchable layer, measured on the target at that layer's input shape, so the
// latency of an architecture is the sum of its blocks' entries plus the fixed parts (stem,
// head): LAT(a) = Σ_l LAT(b_l). The table assumes blocks run independently of each other,
// which a sequential network on one device nearly does; bench/oneshot/latency-table.ts checks
// how well the sum ranks measured end-to-end latencies.
import { cpus } from 'node:os';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { full, getNumThreads, libtorchVersion, noGrad, tidy } from '../torch/index.js';
import { type Layer, type Module } from '../nn/index.js';
import { type LatencyOptions, measureLatency } from './latency.js';

/** What the table is measured from: modules with the input shape each runs at (batch 1). */
export interface LatencyTableParts {
  /** the space (or supernet) the table belongs to */
  space: string;
  /** the network's input, e.g. {channels: 3, size: 224} */
  input: { channels: number; size: number };
  /** parts every architecture runs (stem, head), each at its own input shape (C, H, W) */
  fixed: readonly { name: string; module: Module & Layer; inputShape: readonly number[] }[];
  /** one entry per searchable layer: its input shape and its candidate blocks by name */
  layers: readonly { inputShape: readonly number[]; candidates: readonly { name: string; module: Module & Layer }[] }[];
}

export interface LatencyTable {
  version: 1;
  space: string;
  /** where it was measured: CPU model, core count, libtorch threads and version */
  device: string;
  input: { channels: number; size: number };
  threads: number;
  warmup: number;
  repeats: number;
  /**
   * which statistic of the timed runs the entries hold: the median (default), or the minimum,
   * which is closer to the uncontended time on a machine others are loading
   */
  statistic: LatencyStatistic;
  clock: LatencyClock;
  /** milliseconds of each fixed part */
  fixedMs: Record<string, number>;
  /** per searchable layer: its input shape and each candidate's milliseconds */
  layers: { inputShape: number[]; ms: Record<string, number> }[];
}

export type LatencyStatistic = 'median' | 'min';
/**
 * 'wall': elapsed time (what a deployed model sees on an idle device); 'cpu': the process's CPU
 * time per run, which other processes' load does not inflate (with one libtorch thread it equals
 * the wall time of an idle machine): for tables measured on a shared, busy machine.
 */
export type LatencyClock = 'wall' | 'cpu';

export class LatencyTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LatencyTableError';
  }
}

/** This machine's CPU as a table names its device. */
export function cpuDescription(threads = getNumThreads()): string {
  const c = cpus();
  return `cpu: ${c[0]?.model.trim() ?? 'unknown'} (${c.length} cores), ${threads} libtorch thread${threads === 1 ? '' : 's'}, libtorch ${libtorchVersion()}`;
}

/** Measure every fixed part and every candidate at its input shape (batch 1, warm-up, median). */
export interface TableOptions extends LatencyOptions {
  device?: string;
  statistic?: LatencyStatistic;
  clock?: LatencyClock;
}

/** Per-run CPU milliseconds of `net` at batch 1 (eval mode, no autograd), sorted. */
function cpuTimes(net: Module & Layer, inputShape: readonly number[], warmup: number, repeats: number): number[] {
  const modes = [...net.namedModules()].map(([, m]) => m.training);
  net.eval();
  const x = full([1, ...inputShape.slice(-3)], 0.5);
  const run = (): void => tidy(() => noGrad(() => { net.forward(x); }));
  const times: number[] = [];
  try {
    for (let i = 0; i < warmup; i++) run();
    for (let i = 0; i < repeats; i++) {
      const t0 = process.cpuUsage();
      run();
      const d = process.cpuUsage(t0);
      times.push((d.user + d.system) / 1000);
    }
  } finally {
    x.dispose();
    [...net.namedModules()].forEach(([, m], i) => { m.training = modes[i]!; });
  }
  return times.sort((a, b) => a - b);
}

/** One module's time at batch 1 with the table's clock and statistic. */
export function timeModule(net: Module & Layer, inputShape: readonly number[], o: TableOptions = {}): number {
  const warmup = o.warmup ?? 5;
  const repeats = o.repeats ?? 20;
  if ((o.clock ?? 'wall') === 'wall') {
    const l = measureLatency(net, inputShape, { warmup, repeats });
    return (o.statistic ?? 'median') === 'min' ? l.minMs : l.medianMs;
  }
  const t = cpuTimes(net, inputShape, warmup, repeats);
  const mid = t.length >> 1;
  return (o.statistic ?? 'median') === 'min' ? t[0]! : t.length % 2 ? t[mid]! : (t[mid - 1]! + t[mid]!) / 2;
}

export function measureLatencyTable(parts: LatencyTableParts, o: TableOptions = {}): LatencyTable {
  const warmup = o.warmup ?? 5;
  const repeats = o.repeats ?? 20;
  const statistic = o.statistic ?? 'median';
  const clock = o.clock ?? 'wall';
  const time = (m: Module & Layer, shape: readonly number[]): number => timeModule(m, shape, { warmup, repeats, statistic, clock });
  const fixedMs: Record<string, number> = {};
  for (const f of parts.fixed) fixedMs[f.name] = time(f.module, f.inputShape);
  const layers = parts.layers.map((l) => ({
    inputShape: [...l.inputShape],
    ms: Object.fromEntries(l.candidates.map((c) => [c.name, time(c.module, l.inputShape)])),
  }));
  const threads = getNumThreads();
  return {
    version: 1, space: parts.space, device: o.device ?? cpuDescription(threads), input: { ...parts.input },
    threads, warmup, repeats, statistic, clock, fixedMs, layers,
  };
}

/** One layer's entry for `block`, with an error that names the layer and the known blocks. */
export function tableEntry(table: LatencyTable, layer: number, block: string): number {
  const row = table.layers[layer];
  if (row === undefined) throw new LatencyTableError(`the latency table of '${table.space}' has ${table.layers.length} layers; there is no layer ${layer}`);
  const ms = row.ms[block];
  if (ms === undefined) {
    throw new LatencyTableError(`the latency table of '${table.space}' has no entry for '${block}' at layer ${layer}; it has: ${Object.keys(row.ms).join(', ')}`);
  }
  return ms;
}

/** Predicted milliseconds of an architecture: its blocks' entries plus the fixed parts. */
export function predictLatency(table: LatencyTable, blocks: readonly string[]): number {
  if (blocks.length !== table.layers.length) {
    throw new LatencyTableError(`the latency table of '${table.space}' has ${table.layers.length} layers but the architecture has ${blocks.length} blocks`);
  }
  let ms = Object.values(table.fixedMs).reduce((a, b) => a + b, 0);
  blocks.forEach((b, i) => { ms += tableEntry(table, i, b); });
  return ms;
}

export function saveLatencyTable(path: string, table: LatencyTable): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(table, null, 1)}\n`);
  renameSync(tmp, path);
}

const finiteMs = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** A table saved by `saveLatencyTable`, checked field by field. */
export function loadLatencyTable(path: string): LatencyTable {
  let t: LatencyTable;
  try {
    t = JSON.parse(readFileSync(path, 'utf8')) as LatencyTable;
  } catch (e) {
    throw new LatencyTableError(`cannot read the latency table ${path}: ${(e as Error).message}; measure it again`);
  }
  const bad = (what: string): never => { throw new LatencyTableError(`${path} is not a latency table: ${what}; measure it again`); };
  if (t === null || typeof t !== 'object') bad('not a JSON object');
  if (t.version !== 1) bad(`version ${String(t.version)} (this nasforge reads version 1)`);
  if (typeof t.space !== 'string' || typeof t.device !== 'string') bad('it needs a space and a device description');
  if (t.statistic !== 'median' && t.statistic !== 'min') bad(`statistic is ${JSON.stringify(t.statistic)}, not 'median' or 'min'`);
  if (t.clock !== 'wall' && t.clock !== 'cpu') bad(`clock is ${JSON.stringify(t.clock)}, not 'wall' or 'cpu'`);
  if (!t.input || !Number.isInteger(t.input.size) || !Number.isInteger(t.input.channels)) bad('it needs the input {channels, size}');
  if (!t.fixedMs || !Object.values(t.fixedMs).every(finiteMs)) bad('fixedMs must map names to milliseconds');
  if (!Array.isArray(t.layers)) bad('layers must be a list');
  t.layers.forEach((l, i) => {
    if (!Array.isArray(l?.inputShape) || !l.ms || !Object.values(l.ms).every(finiteMs)) bad(`layers[${i}] needs an inputShape and milliseconds per block`);
  });
  return t;
}

/** Ranks 1..n, ties sharing their mean rank. */
function ranks(v: readonly number[]): number[] {
  const order = v.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(v.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Spearman's rank correlation: Pearson's correlation of the ranks (ties get mean ranks). */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length < 2) throw new RangeError(`spearman: need two lists of equal length ≥ 2, got ${a.length} and ${b.length}`);
  const [ra, rb] = [ranks(a), ranks(b)];
  const mean = (a.length + 1) / 2;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [ra[i]! - mean, rb[i]! - mean];
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
}
