// FBNet's latency lookup table (Wu et al., CVPR 2019, §3.2): the latency of every candidate
// block of every searchable layer, measured on the target at that layer's input shape, so the
// latency of an architecture is the sum of its blocks' entries plus the fixed parts (stem,
// head): LAT(a) = Σ_l LAT(b_l). Two ways to measure the entries: 'in-context' (default) times
// each block inside sampled whole-network passes (latency-context.ts), 'isolated' times each
// block alone in a loop. bench/oneshot/latency-table.ts checks how well the sum ranks measured
// end-to-end latencies (docs/oneshot.md records what it measured).
import { cpus } from 'node:os';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { full, getNumThreads, libtorchVersion, noGrad, tidy } from '../torch/index.js';
import { type Layer, type Module } from '../nn/index.js';
import { type LatencyOptions, measureLatency } from './latency.js';
import {
  type LatencyClock,
  type LatencyMethod,
  type LatencyStatistic,
  type LatencyTableParts,
  LatencyTableError,
  checkCounts,
  statisticOf,
} from './latency-parts.js';
import { timeInContext } from './latency-context.js';

export { type LatencyClock, type LatencyMethod, type LatencyStatistic, type LatencyTableParts, LatencyTableError } from './latency-parts.js';
export { spearman, pearson } from './correlation.js';

export interface LatencyTable {
  version: 1;
  space: string;
  /** where it was measured: CPU model, core count, libtorch threads and version */
  device: string;
  input: { channels: number; size: number };
  threads: number;
  /** how the entries were timed (tables saved before this field existed are 'isolated') */
  method: LatencyMethod;
  /** untimed runs of each entry first */
  warmup: number;
  /** timed runs of each entry ('in-context': at least this many samples per entry) */
  repeats: number;
  /**
   * which statistic of the timed runs the entries hold: the median (default), or the minimum,
   * which is closer to the uncontended time on a machine others are loading
   */
  statistic: LatencyStatistic;
  clock: LatencyClock;
  /** milliseconds of each fixed part ('in-context' adds 'between': a pass's time outside the parts) */
  fixedMs: Record<string, number>;
  /** per searchable layer: its input shape and each candidate's milliseconds */
  layers: { inputShape: number[]; ms: Record<string, number> }[];
}

/** This machine's CPU as a table names its device. */
export function cpuDescription(threads = getNumThreads()): string {
  const c = cpus();
  return `cpu: ${c[0]?.model.trim() ?? 'unknown'} (${c.length} cores), ${threads} libtorch thread${threads === 1 ? '' : 's'}, libtorch ${libtorchVersion()}`;
}

/** How to measure a table: warm-up and timed runs per entry, clock, statistic and method. */
export interface TableOptions extends LatencyOptions {
  device?: string;
  statistic?: LatencyStatistic;
  clock?: LatencyClock;
  /** default 'in-context' */
  method?: LatencyMethod;
  /** seeds the in-context choice of candidates per pass (default 0) */
  seed?: number;
}

/** Per-run CPU milliseconds of `net` at batch 1 (eval mode, no autograd). */
function cpuTimes(net: Module & Layer, inputShape: readonly number[], warmup: number, repeats: number): number[] {
  const modes = [...net.namedModules()].map(([, m]) => m.training);
  net.eval();
  const x = full([1, ...inputShape.slice(-3)], 0.5);
  const run = (): void =>
    tidy(() =>
      noGrad(() => {
        net.forward(x);
      }),
    );
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
    [...net.namedModules()].forEach(([, m], i) => {
      m.training = modes[i]!;
    });
  }
  return times;
}

/** One module's time at batch 1, timed alone in a loop, with the table's clock and statistic. */
export function timeModule(net: Module & Layer, inputShape: readonly number[], o: TableOptions = {}): number {
  const warmup = o.warmup ?? 5;
  const repeats = o.repeats ?? 20;
  if ((o.clock ?? 'wall') === 'wall') {
    const l = measureLatency(net, inputShape, { warmup, repeats });
    return (o.statistic ?? 'median') === 'min' ? l.minMs : l.medianMs;
  }
  return statisticOf(cpuTimes(net, inputShape, warmup, repeats), o.statistic ?? 'median');
}

export function measureLatencyTable(parts: LatencyTableParts, o: TableOptions = {}): LatencyTable {
  const warmup = o.warmup ?? 5;
  const repeats = o.repeats ?? 20;
  const statistic = o.statistic ?? 'median';
  const clock = o.clock ?? 'wall';
  const method = o.method ?? 'in-context';
  checkCounts('measureLatencyTable', { warmup, repeats });
  if (method !== 'isolated' && method !== 'in-context')
    throw new LatencyTableError(`unknown latency table method '${String(method)}'; use 'in-context' or 'isolated'`);
  let fixedMs: Record<string, number>;
  let ms: number[][];
  if (method === 'in-context') {
    const s = timeInContext(parts, { warmup, repeats, clock, seed: o.seed });
    fixedMs = Object.fromEntries(Object.entries(s.fixed).map(([k, v]) => [k, statisticOf(v, statistic)]));
    fixedMs.between = statisticOf(s.between, statistic);
    ms = s.layers.map((l) => l.map((v) => statisticOf(v, statistic)));
  } else {
    const time = (m: Module & Layer, shape: readonly number[]): number => timeModule(m, shape, { warmup, repeats, statistic, clock });
    fixedMs = Object.fromEntries(parts.fixed.map((f) => [f.name, time(f.module, f.inputShape)]));
    ms = parts.layers.map((l) => l.candidates.map((c) => time(c.module, l.inputShape)));
  }
  const layers = parts.layers.map((l, i) => ({
    inputShape: [...l.inputShape],
    ms: Object.fromEntries(l.candidates.map((c, k) => [c.name, ms[i]![k]!])),
  }));
  const threads = getNumThreads();
  return {
    version: 1,
    space: parts.space,
    device: o.device ?? cpuDescription(threads),
    input: { ...parts.input },
    threads,
    method,
    warmup,
    repeats,
    statistic,
    clock,
    fixedMs,
    layers,
  };
}

/** One layer's entry for `block`, with an error that names the layer and the known blocks. */
export function tableEntry(table: LatencyTable, layer: number, block: string): number {
  const row = table.layers[layer];
  if (row === undefined) throw new LatencyTableError(`the latency table of '${table.space}' has ${table.layers.length} layers; there is no layer ${layer}`);
  const ms = row.ms[block];
  if (ms === undefined) {
    throw new LatencyTableError(
      `the latency table of '${table.space}' has no entry for '${block}' at layer ${layer}; it has: ${Object.keys(row.ms).join(', ')}`,
    );
  }
  return ms;
}

/** Predicted milliseconds of an architecture: its blocks' entries plus the fixed parts. */
export function predictLatency(table: LatencyTable, blocks: readonly string[]): number {
  if (blocks.length !== table.layers.length) {
    throw new LatencyTableError(`the latency table of '${table.space}' has ${table.layers.length} layers but the architecture has ${blocks.length} blocks`);
  }
  let ms = Object.values(table.fixedMs).reduce((a, b) => a + b, 0);
  blocks.forEach((b, i) => {
    ms += tableEntry(table, i, b);
  });
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
  const bad = (what: string): never => {
    throw new LatencyTableError(`${path} is not a latency table: ${what}; measure it again`);
  };
  if (t === null || typeof t !== 'object') bad('not a JSON object');
  if (t.version !== 1) bad(`version ${String(t.version)} (this nasforge reads version 1)`);
  if (typeof t.space !== 'string' || typeof t.device !== 'string') bad('it needs a space and a device description');
  if (t.statistic !== 'median' && t.statistic !== 'min') bad(`statistic is ${JSON.stringify(t.statistic)}, not 'median' or 'min'`);
  if (t.clock !== 'wall' && t.clock !== 'cpu') bad(`clock is ${JSON.stringify(t.clock)}, not 'wall' or 'cpu'`);
  // tables saved before the method was recorded timed each block alone
  if (t.method === undefined) t.method = 'isolated';
  if (t.method !== 'isolated' && t.method !== 'in-context') bad(`method is ${JSON.stringify(t.method)}, not 'in-context' or 'isolated'`);
  if (!t.input || !Number.isInteger(t.input.size) || !Number.isInteger(t.input.channels)) bad('it needs the input {channels, size}');
  if (!t.fixedMs || !Object.values(t.fixedMs).every(finiteMs)) bad('fixedMs must map names to milliseconds');
  if (!Array.isArray(t.layers)) bad('layers must be a list');
  t.layers.forEach((l, i) => {
    if (!Array.isArray(l?.inputShape) || !l.ms || !Object.values(l.ms).every(finiteMs)) bad(`layers[${i}] needs an inputShape and milliseconds per block`);
  });
  return t;
}
