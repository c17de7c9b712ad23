// Shared fixtures of the layer-wise one-shot tests: a tiny two-class image set whose label is
// which half of the image is brighter (learnable, so accuracies can move), and temp folders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TensorDataset } from '../../src/data/index.js';
import { manualSeed, noGrad, randn, tidy, keep } from '../../src/torch/index.js';

/** `n` random size×size RGB images; label 1 when the left half is brighter than the right. */
export function tinyImages(n: number, size: number, seed: number): TensorDataset {
  manualSeed(seed);
  const { x, y } = tidy(() =>
    noGrad(() => {
      const x = randn([n, 3, size, size]);
      const half = size >> 1;
      const left = x.narrow(3, 0, half).mean([1, 2, 3]);
      const right = x.narrow(3, half, size - half).mean([1, 2, 3]);
      return { x: keep(x), y: keep(left.gt(right).long()) };
    }),
  );
  return new TensorDataset(x, y, { numClasses: 2 });
}

export function tempDir(prefix = 'nasforge-oneshot-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
