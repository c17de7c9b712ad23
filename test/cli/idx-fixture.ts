// A tiny MNIST-layout data set for the CLI tests: IDX files written into a folder.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** IDX files of `n` 12x12 grey images whose label (0..3 of MNIST's ten classes) sets which quadrant is bright. */
export function writeIdx(dir: string, prefix: string, n: number, seed: number): void {
  const side = 12;
  const images = Buffer.alloc(16 + n * side * side);
  images.writeUInt32BE(0x803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(side, 8);
  images.writeUInt32BE(side, 12);
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x801, 0);
  labels.writeUInt32BE(n, 4);
  let s = seed;
  const next = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 24;
  };
  for (let i = 0; i < n; i++) {
    const label = i % 4;
    labels[8 + i] = label;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const q = (y < side / 2 ? 0 : 2) + (x < side / 2 ? 0 : 1);
        images[16 + i * side * side + y * side + x] = Math.min(255, (q === label ? 140 : 0) + (next() >> 1));
      }
    }
  }
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte`), images);
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte`), labels);
}
