// How well FBNet's latency lookup table predicts measured end-to-end latency on this machine:
// measure the table of a layer-wise space (every candidate of every layer at its input shape,
// batch 1, warm-up then median), sample architectures uniformly, measure each stand-alone
// network (space.build) end to end the same way, and compare: Spearman's rank correlation (the
// acceptance asks ≥ 0.9 over 20 architectures), Pearson's, and the mean relative error.
//
//   node dist/bench/oneshot/latency-table.js [--space fbnet|proxylessnas] [--size 224] [--archs 20]
//        [--repeats 15] [--threads 1] [--seed 0] [--statistic median|min] [--clock wall|cpu]
//        [--json out.json]
// The same clock and statistic time the table's entries and the end-to-end networks.
import { writeFileSync } from 'node:fs';
import { getSpace } from '../../src/spaces/index.js';
import { Rng } from '../../src/spaces/core/index.js';
import { manualSeed, setNumThreads } from '../../src/torch/index.js';
import { measureLatencyTable, predictLatency, spearman, timeModule } from '../../src/estimate/index.js';
import { layerwiseSupernet } from '../../src/oneshot/layerwise-spaces.js';
import { supernetLatencyParts } from '../../src/oneshot/layerwise-latency.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const ma = a.reduce((s, x) => s + x, 0) / a.length;
  const mb = b.reduce((s, x) => s + x, 0) / b.length;
  let [sab, saa, sbb] = [0, 0, 0];
  a.forEach((x, i) => { sab += (x - ma) * (b[i]! - mb); saa += (x - ma) ** 2; sbb += (b[i]! - mb) ** 2; });
  return sab / Math.sqrt(saa * sbb);
}

const spaceName = arg('space', 'fbnet');
const size = Number(arg('size', '224'));
const archs = Number(arg('archs', '20'));
const repeats = Number(arg('repeats', '15'));
const threads = Number(arg('threads', '1'));
const seed = Number(arg('seed', '0'));
const statistic = arg('statistic', 'median') as 'median' | 'min';
const clock = arg('clock', 'wall') as 'wall' | 'cpu';
setNumThreads(threads);
manualSeed(seed);
const space = getSpace(spaceName);
const t0 = Date.now();
const net = layerwiseSupernet(space, {});
const table = measureLatencyTable(supernetLatencyParts(net, size), { warmup: 3, repeats, statistic, clock });
const tableSec = (Date.now() - t0) / 1000;
const rng = new Rng(seed, 0x1a7);
const rows: { key: string; predictedMs: number; measuredMs: number }[] = [];
for (let i = 0; i < archs; i++) {
  const g = space.sample(rng);
  const blocks = space.toDecisions(g).map((k, l) => net.searchable[l]!.choices[k]!);
  const built = space.build(g, {});
  const measuredMs = timeModule(built, [3, size, size], { warmup: 3, repeats, statistic, clock });
  rows.push({ key: space.key(g), predictedMs: predictLatency(table, blocks), measuredMs });
}
const pred = rows.map((r) => r.predictedMs);
const meas = rows.map((r) => r.measuredMs);
const result = {
  space: spaceName, size, archs, repeats, threads, seed, statistic, clock, device: table.device,
  tableSeconds: tableSec, totalSeconds: (Date.now() - t0) / 1000,
  spearman: spearman(pred, meas), pearson: pearson(pred, meas),
  meanRelativeError: rows.reduce((s, r) => s + Math.abs(r.predictedMs - r.measuredMs) / r.measuredMs, 0) / rows.length,
  fixedMs: table.fixedMs, rows,
};
console.log(`| arch | predicted ms | measured ms |\n| --- | --- | --- |`);
rows.forEach((r, i) => console.log(`| ${i} | ${r.predictedMs.toFixed(2)} | ${r.measuredMs.toFixed(2)} |`));
console.log(`\n${spaceName} at ${size}x${size}, ${threads} thread(s), ${clock} clock, ${statistic} of ${repeats} runs, ${table.device}`);
console.log(`Spearman ${result.spearman.toFixed(3)}, Pearson ${result.pearson.toFixed(3)}, mean |error| ${(result.meanRelativeError * 100).toFixed(1)}%; table ${tableSec.toFixed(1)} s, total ${result.totalSeconds.toFixed(1)} s`);
const out = arg('json', '');
if (out) writeFileSync(out, `${JSON.stringify(result, null, 1)}\n`);
