// Tiny data and tiny cell supernets for the DARTS and GDAS tests: 64 random 3x8x8 images in
// 2 classes, supernets of 3 cells and 4 channels.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TensorDataset } from '../../src/data/index.js';
import { DARTS_PRIMITIVES } from '../../src/nn/index.js';
import { CellSupernet, type OneShotContext } from '../../src/oneshot/index.js';
import { dartsSpace } from '../../src/spaces/darts/index.js';
import { Rng } from '../../src/util/index.js';
import { manualSeed } from '../../src/torch/index.js';

export function tinyImages(n: number, seed: number): TensorDataset {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 3 * 8 * 8);
  for (let i = 0; i < x.length; i++) x[i] = rng.next() * 2 - 1;
  const y = Array.from({ length: n }, () => rng.int(2));
  return TensorDataset.fromArrays(x, [n, 3, 8, 8], y, { numClasses: 2 });
}

export function tinySupernet(seed: number, o: { gdas?: boolean; dtype?: 'float32' | 'float64' } = {}): CellSupernet {
  manualSeed(seed);
  return new CellSupernet({
    cells: 3,
    channels: 4,
    classes: 2,
    inputChannels: 3,
    nodes: 4,
    primitives: DARTS_PRIMITIVES,
    poolBN: !o.gdas,
    lastAct: o.gdas ?? false,
    dtype: o.dtype,
  });
}

export function tinyContext(o: {
  options: Record<string, number | boolean>;
  workdir?: string;
  signal?: AbortSignal;
  report?: OneShotContext['report'];
}): OneShotContext {
  return {
    space: dartsSpace,
    stack: { cells: 3, channels: 4 },
    train: tinyImages(32, 1),
    val: tinyImages(32, 2),
    options: o.options,
    seed: 7,
    workdir: o.workdir ?? mkdtempSync(join(tmpdir(), 'nasforge-darts-')),
    signal: o.signal,
    report: o.report,
  };
}
