// The operation table of DARTS-style cell spaces: every op keeps the channel count C and applies
// the stride (1, or 2 on a reduction cell's inputs). It is DARTS' table (nn/cellops.ts: its 8
// primitives plus the 7x7 separable and 1x7-7x1 convs of NASNet/AmoebaNet genotypes in DARTS'
// repository) with the morphological ops added, so a space built with an op list from config
// can name any of them.
import { CELL_OPS, type LayerModule } from '../../nn/index.js';
import { MORPH_OP_NAMES, MorphCellOp, isMorphOpName } from './morph-ops.js';

export type CellOpFactory = (channels: number, stride: number, affine: boolean) => LayerModule;

/** DARTS' search-space primitives, 'none' (the supernet's "no edge") first. */
export { DARTS_PRIMITIVES } from '../../nn/index.js';

const TABLE: ReadonlyMap<string, CellOpFactory> = new Map<string, CellOpFactory>([
  ...Object.entries(CELL_OPS),
  ...MORPH_OP_NAMES.map((n) => [n, (c: number, s: number, affine: boolean) => new MorphCellOp(n, c, s, affine)] as [string, CellOpFactory]),
]);

/** Every op name a DARTS-style cell can use. */
export function cellOpNames(): string[] {
  return [...TABLE.keys()];
}

export function isCellOp(name: unknown): name is string {
  return typeof name === 'string' && TABLE.has(name);
}

/** Builds op `name` on C channels; an unknown name is a RangeError listing the known ones. */
export function buildCellOp(name: string, channels: number, stride: number, affine = true): LayerModule {
  const f = TABLE.get(name);
  if (!f) throw new RangeError(`unknown cell operation '${name}'; use one of ${cellOpNames().join(', ')}`);
  if (stride !== 1 && stride !== 2) throw new RangeError(`cell operation '${name}': stride must be 1 or 2, got ${stride}`);
  return f(channels, stride, affine);
}

export { isMorphOpName, MORPH_OP_NAMES };
