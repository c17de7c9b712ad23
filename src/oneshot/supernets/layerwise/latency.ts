// A layer-wise supernet's latency lookup table: the stem and head as the fixed parts, each
// searchable layer's candidates at that layer's input shape (found by running the stem and one
// path on a dummy image), measured on this machine (by default in context: sampled paths through
// the supernet, each block timed inside the pass); and the checks that a loaded table fits.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type LatencyTable, type LatencyTableParts, loadLatencyTable, measureLatencyTable, saveLatencyTable } from '../../../estimate/index.js';
import { type TableOptions } from '../../../estimate/index.js';
import { full, noGrad, tidy } from '../../../torch/index.js';
import { type LayerwiseSupernet } from './supernet.js';
import { OneShotError } from '../../core/index.js';

/** Input shape (C, H, W) of every searchable layer and of the head, for `size`×`size` images. */
export function layerInputShapes(net: LayerwiseSupernet, size: number): { layers: number[][]; head: number[] } {
  const wasTraining = net.training;
  net.eval();
  try {
    return tidy(() =>
      noGrad(() => {
        let h = net.stem.forward(full([1, net.inChannels, size, size], 0.5));
        const layers: number[][] = [];
        for (const cell of net.searchable) {
          layers.push(h.shape.slice(1));
          h = cell.run(0, h);
        }
        return { layers, head: h.shape.slice(1) };
      }),
    );
  } finally {
    net.train(wasTraining);
  }
}

/** What `measureLatencyTable` times for this supernet at `size`×`size` inputs. */
export function supernetLatencyParts(net: LayerwiseSupernet, size: number): LatencyTableParts {
  const shapes = layerInputShapes(net, size);
  return {
    space: net.space,
    input: { channels: net.inChannels, size },
    fixed: [
      { name: 'stem', module: net.stem, inputShape: [net.inChannels, size, size], at: 'start' },
      { name: 'head', module: net.head, inputShape: shapes.head, at: 'end' },
    ],
    layers: net.searchable.map((cell, i) => ({
      inputShape: shapes.layers[i]!,
      candidates: cell.choices.map((name, k) => ({ name, module: cell.candidates[k]! })),
    })),
  };
}

/** Throws unless `table` has an entry for every candidate of every layer of `net`. */
export function checkTableFits(table: LatencyTable, net: LayerwiseSupernet, where: string): void {
  if (table.space !== net.space || table.layers.length !== net.searchable.length) {
    throw new OneShotError(
      `the latency table ${where} is for '${table.space}' with ${table.layers.length} layers, not this ${net.space} supernet with ${net.searchable.length}; measure one for this search`,
      'invalid-option',
    );
  }
  net.searchable.forEach((cell, i) => {
    const missing = cell.choices.filter((c) => table.layers[i]!.ms[c] === undefined);
    if (missing.length)
      throw new OneShotError(`the latency table ${where} has no entry for ${missing.join(', ')} at layer ${i}; measure one for this search`, 'invalid-option');
  });
}

/**
 * The table a search uses: the one at `path` when given, else the one saved in the workdir by
 * an earlier run (so a resumed search keeps its table), else one measured now and saved there.
 */
export function searchLatencyTable(
  net: LayerwiseSupernet,
  o: { path: string; saveTo: string; size: number; log?: (l: string) => void } & TableOptions,
): LatencyTable {
  const from = o.path || (existsSync(o.saveTo) ? o.saveTo : '');
  if (from) {
    const t = loadLatencyTable(from);
    checkTableFits(t, net, from);
    return t;
  }
  o.log?.(`measuring the latency table of ${net.space} at ${o.size}x${o.size} on this machine (${o.method ?? 'in-context'}, ${o.clock ?? 'wall'} clock)`);
  const t = measureLatencyTable(supernetLatencyParts(net, o.size), {
    warmup: o.warmup,
    repeats: o.repeats,
    clock: o.clock,
    statistic: o.statistic,
    method: o.method,
    seed: o.seed,
  });
  mkdirSync(dirname(o.saveTo), { recursive: true });
  saveLatencyTable(o.saveTo, t);
  return t;
}

/** Each layer's table entries in the order of its candidates (milliseconds). */
export function latencyVectors(table: LatencyTable, net: LayerwiseSupernet): number[][] {
  checkTableFits(table, net, `of ${table.space}`);
  return net.searchable.map((cell, i) => cell.choices.map((c) => table.layers[i]!.ms[c]!));
}

/** The stem's and head's milliseconds. */
export function fixedLatency(table: LatencyTable): number {
  return Object.values(table.fixedMs).reduce((a, b) => a + b, 0);
}
