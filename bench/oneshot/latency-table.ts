// How well FBNet's latency lookup table predicts measured end-to-end latency on this machine:
// measure the table of a layer-wise space, sample architectures uniformly, time each
// stand-alone network (space.build) end to end, and compare: Spearman's rank correlation (the
// acceptance asks ≥ 0.9 over 20 architectures, wall clock, 224x224, one thread), Pearson's, and
// the mean relative error.
//
//   node dist/bench/oneshot/latency-table.js [--space fbnet|proxylessnas] [--size 224] [--archs 20]
//        [--threads 1] [--seed 0] [--clock wall|cpu] [--statistic median|min]
//        [--method in-context|isolated] [--repeats N] [--timing interleaved|sequential] [--rounds R]
//        [--json out.json]
//
// Table (--method): 'in-context' (default) runs sampled paths through the supernet and times
// every block inside the pass, --repeats samples per entry (default 200); 'isolated' times each
// block alone in a loop, --repeats runs each (default 15). End to end (--timing): 'interleaved'
// (default) times every network once per round in a shuffled order for --rounds rounds (default
// 100), so drift of the machine reaches all networks alike; 'sequential' times one network after
// another, --repeats runs each. The same clock and statistic serve table and networks. The
// split-half line is the Spearman correlation of the networks' odd-round and even-round
// statistics: how well the measurement ranks the networks against itself (interleaved only).
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { getSpace } from '../../src/spaces/index.js';
import { Rng } from '../../src/util/index.js';
import { manualSeed, setNumThreads } from '../../src/torch/index.js';
import { measureLatencyTable, pearson, predictLatency, spearman, timeInterleaved, timeModule } from '../../src/estimate/index.js';
import { layerwiseSupernet } from '../../src/oneshot/index.js';
import { supernetLatencyParts } from '../../src/oneshot/supernets/layerwise/index.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

function oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
  const v = arg(name, fallback) as T;
  if (!allowed.includes(v)) throw new Error(`--${name} must be one of ${allowed.join(', ')}, got '${v}'`);
  return v;
}

const spaceName = arg('space', 'fbnet');
const size = Number(arg('size', '224'));
const archs = Number(arg('archs', '20'));
const threads = Number(arg('threads', '1'));
const seed = Number(arg('seed', '0'));
const statistic = oneOf('statistic', 'median', ['median', 'min']);
const clock = oneOf('clock', 'wall', ['wall', 'cpu']);
const method = oneOf('method', 'in-context', ['in-context', 'isolated']);
const timing = oneOf('timing', 'interleaved', ['interleaved', 'sequential']);
const repeats = Number(arg('repeats', method === 'in-context' ? '200' : '15'));
const rounds = Number(arg('rounds', '100'));
const loadStart = loadavg()[0]!;
setNumThreads(threads);
manualSeed(seed);
const space = getSpace(spaceName);
const t0 = Date.now();
const net = layerwiseSupernet(space, {});
const table = measureLatencyTable(supernetLatencyParts(net, size), { warmup: 3, repeats, statistic, clock, method, seed });
const tableSec = (Date.now() - t0) / 1000;
net.dispose();
const rng = new Rng(seed, 0x1a7);
const picked = Array.from({ length: archs }, () => {
  const g = space.sample(rng);
  return { g, blocks: space.toDecisions(g).map((k, l) => net.searchable[l]!.choices[k]!) };
});
const t1 = Date.now();
const built = picked.map((p) => space.build(p.g, {}));
let measured: number[];
let splitHalf: number | null = null;
if (timing === 'interleaved') {
  const r = timeInterleaved(built, [3, size, size], { warmup: 3, rounds, statistic, clock, seed });
  measured = r.ms;
  const half = (parity: number): number[] =>
    r.samples
      .map((s) => s.filter((_, i) => i % 2 === parity))
      .map((s) => {
        const v = [...s].sort((a, b) => a - b);
        return statistic === 'min' ? v[0]! : v[v.length >> 1]!;
      });
  if (rounds >= 2) splitHalf = spearman(half(0), half(1));
} else {
  measured = built.map((b) => timeModule(b, [3, size, size], { warmup: 3, repeats, statistic, clock }));
}
built.forEach((b) => b.dispose());
const netSec = (Date.now() - t1) / 1000;
const rows = picked.map((p, i) => ({ key: space.key(p.g), predictedMs: predictLatency(table, p.blocks), measuredMs: measured[i]! }));
const pred = rows.map((r) => r.predictedMs);
const meas = rows.map((r) => r.measuredMs);
const result = {
  space: spaceName,
  size,
  archs,
  threads,
  seed,
  statistic,
  clock,
  method,
  repeats,
  timing,
  rounds: timing === 'interleaved' ? rounds : null,
  device: table.device,
  loadAverage: { start: loadStart, end: loadavg()[0]! },
  tableSeconds: tableSec,
  networkSeconds: netSec,
  totalSeconds: (Date.now() - t0) / 1000,
  spearman: spearman(pred, meas),
  pearson: pearson(pred, meas),
  meanRelativeError: rows.reduce((s, r) => s + Math.abs(r.predictedMs - r.measuredMs) / r.measuredMs, 0) / rows.length,
  splitHalfSpearman: splitHalf,
  measuredRangeMs: [Math.min(...meas), Math.max(...meas)],
  fixedMs: table.fixedMs,
  rows,
};
console.log('| arch | predicted ms | measured ms |\n| --- | --- | --- |');
rows.forEach((r, i) => console.log(`| ${i} | ${r.predictedMs.toFixed(2)} | ${r.measuredMs.toFixed(2)} |`));
const tableHow = method === 'in-context' ? `in-context table (≥ ${repeats} samples per entry)` : `isolated table (${repeats} runs per entry)`;
const netHow = timing === 'interleaved' ? `networks interleaved over ${rounds} rounds` : `networks one after another (${repeats} runs each)`;
console.log(`\n${spaceName} at ${size}x${size}, ${threads} thread(s), ${clock} clock, ${statistic}; ${tableHow}; ${netHow}; ${table.device}`);
console.log(
  `fixed parts: ${Object.entries(table.fixedMs)
    .map(([k, v]) => `${k} ${v.toFixed(3)} ms`)
    .join(', ')}; measured ${result.measuredRangeMs.map((v) => v.toFixed(2)).join('-')} ms`,
);
console.log(
  `Spearman ${result.spearman.toFixed(3)}, Pearson ${result.pearson.toFixed(3)}, mean |error| ${(result.meanRelativeError * 100).toFixed(1)}%` +
    `${splitHalf === null ? '' : `; split-half Spearman of the measurement ${splitHalf.toFixed(3)}`}`,
);
console.log(
  `table ${tableSec.toFixed(1)} s, networks ${netSec.toFixed(1)} s, total ${result.totalSeconds.toFixed(1)} s; load average ${loadStart.toFixed(2)} at start, ${result.loadAverage.end.toFixed(2)} at end`,
);
const out = arg('json', '');
if (out) writeFileSync(out, `${JSON.stringify(result, null, 1)}\n`);
