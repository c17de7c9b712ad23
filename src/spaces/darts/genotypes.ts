// DARTS-space genotypes in their published form and field names (DARTS' released
// cnn/genotypes.py, so published genotypes paste in as JSON): each cell is a list of
// (operation, input) pairs, two per intermediate node; inputs 0 and 1 are the outputs of the
// cell before the previous one and of the previous cell, input k ≥ 2 is intermediate node k - 2.
// `*_concat` lists the states concatenated into the cell's output.
import { isCellOp } from '../cells/index.js';

export type CellEdge = readonly [op: string, input: number];

export interface DartsGenotype {
  readonly normal: readonly CellEdge[];
  readonly normal_concat: readonly number[];
  readonly reduce: readonly CellEdge[];
  readonly reduce_concat: readonly number[];
}

/**
 * DARTS' first released cell (Liu et al., 2019): named `DARTS` in the June 2018 code release and
 * renamed `DARTS_V1` when `DARTS_V2` (a rerun) was added. "V1" numbers the release, not the
 * first-order search: the paper's first-order cell (3.3M) was never released; this one counts
 * 3.17M at 20 cells and 36 channels (docs/spaces.md).
 */
export const DARTS_V1: DartsGenotype = {
  normal: [
    ['sep_conv_3x3', 1],
    ['sep_conv_3x3', 0],
    ['skip_connect', 0],
    ['sep_conv_3x3', 1],
    ['skip_connect', 0],
    ['sep_conv_3x3', 1],
    ['sep_conv_3x3', 0],
    ['skip_connect', 2],
  ],
  normal_concat: [2, 3, 4, 5],
  reduce: [
    ['max_pool_3x3', 0],
    ['max_pool_3x3', 1],
    ['skip_connect', 2],
    ['max_pool_3x3', 0],
    ['max_pool_3x3', 0],
    ['skip_connect', 2],
    ['skip_connect', 2],
    ['avg_pool_3x3', 0],
  ],
  reduce_concat: [2, 3, 4, 5],
};

/** Second-order DARTS' cell: the paper's headline CIFAR-10 result (2.76% test error, 3.3M params). */
export const DARTS_V2: DartsGenotype = {
  normal: [
    ['sep_conv_3x3', 0],
    ['sep_conv_3x3', 1],
    ['sep_conv_3x3', 0],
    ['sep_conv_3x3', 1],
    ['sep_conv_3x3', 1],
    ['skip_connect', 0],
    ['skip_connect', 0],
    ['dil_conv_3x3', 2],
  ],
  normal_concat: [2, 3, 4, 5],
  reduce: [
    ['max_pool_3x3', 0],
    ['max_pool_3x3', 1],
    ['skip_connect', 2],
    ['max_pool_3x3', 1],
    ['max_pool_3x3', 0],
    ['skip_connect', 2],
    ['skip_connect', 2],
    ['max_pool_3x3', 1],
  ],
  reduce_concat: [2, 3, 4, 5],
};

/** NASNet-A's cell as DARTS' code writes it (Zoph et al., 2018). */
export const NASNET: DartsGenotype = {
  normal: [
    ['sep_conv_5x5', 1],
    ['sep_conv_3x3', 0],
    ['sep_conv_5x5', 0],
    ['sep_conv_3x3', 0],
    ['avg_pool_3x3', 1],
    ['skip_connect', 0],
    ['avg_pool_3x3', 0],
    ['avg_pool_3x3', 0],
    ['sep_conv_3x3', 1],
    ['skip_connect', 1],
  ],
  normal_concat: [2, 3, 4, 5, 6],
  reduce: [
    ['sep_conv_5x5', 1],
    ['sep_conv_7x7', 0],
    ['max_pool_3x3', 1],
    ['sep_conv_7x7', 0],
    ['avg_pool_3x3', 1],
    ['sep_conv_5x5', 0],
    ['skip_connect', 3],
    ['avg_pool_3x3', 2],
    ['sep_conv_3x3', 2],
    ['max_pool_3x3', 1],
  ],
  reduce_concat: [4, 5, 6],
};

/** AmoebaNet-A's cell as DARTS' code writes it (Real et al., 2019). */
export const AMOEBANET: DartsGenotype = {
  normal: [
    ['avg_pool_3x3', 0],
    ['max_pool_3x3', 1],
    ['sep_conv_3x3', 0],
    ['sep_conv_5x5', 2],
    ['sep_conv_3x3', 0],
    ['avg_pool_3x3', 3],
    ['sep_conv_3x3', 1],
    ['skip_connect', 1],
    ['skip_connect', 0],
    ['avg_pool_3x3', 1],
  ],
  normal_concat: [4, 5, 6],
  reduce: [
    ['avg_pool_3x3', 0],
    ['sep_conv_3x3', 1],
    ['max_pool_3x3', 0],
    ['sep_conv_7x7', 2],
    ['sep_conv_7x7', 0],
    ['avg_pool_3x3', 1],
    ['max_pool_3x3', 0],
    ['max_pool_3x3', 1],
    ['conv_7x1_1x7', 0],
    ['sep_conv_3x3', 5],
  ],
  reduce_concat: [3, 4, 6],
};

/** GDAS' CIFAR cells (Dong and Yang, CVPR 2019), from its authors' AutoDL-Projects genotypes.py (GDAS_V1). */
export const GDAS_V1: DartsGenotype = {
  normal: [
    ['skip_connect', 0],
    ['skip_connect', 1],
    ['skip_connect', 0],
    ['sep_conv_5x5', 2],
    ['sep_conv_3x3', 3],
    ['skip_connect', 0],
    ['sep_conv_5x5', 4],
    ['sep_conv_3x3', 3],
  ],
  normal_concat: [2, 3, 4, 5],
  reduce: [
    ['sep_conv_5x5', 0],
    ['sep_conv_3x3', 1],
    ['sep_conv_5x5', 2],
    ['sep_conv_5x5', 1],
    ['dil_conv_5x5', 2],
    ['sep_conv_3x3', 1],
    ['sep_conv_5x5', 0],
    ['sep_conv_5x5', 1],
  ],
  reduce_concat: [2, 3, 4, 5],
};

/** Throws a RangeError naming the bad entry when a genotype cannot build a cell. */
export function validateGenotype(g: DartsGenotype): void {
  for (const kind of ['normal', 'reduce'] as const) {
    const edges = g[kind];
    const concat = kind === 'normal' ? g.normal_concat : g.reduce_concat;
    if (!Array.isArray(edges) || edges.length === 0 || edges.length % 2 !== 0) {
      throw new RangeError(`genotype.${kind} must list two (op, input) pairs per node, got ${Array.isArray(edges) ? edges.length : typeof edges} entries`);
    }
    const nodes = edges.length / 2;
    edges.forEach((e, i) => {
      const [op, input] = e;
      if (!isCellOp(op)) throw new RangeError(`genotype.${kind}[${i}]: unknown operation '${String(op)}'`);
      const limit = 2 + Math.floor(i / 2);
      if (!Number.isInteger(input) || input < 0 || input >= limit) {
        throw new RangeError(`genotype.${kind}[${i}]: input ${input} must be an integer in [0, ${limit - 1}] (the two cell inputs and earlier nodes)`);
      }
    });
    if (!Array.isArray(concat) || concat.length === 0) throw new RangeError(`genotype.${kind}_concat must list at least one node`);
    for (const c of concat) {
      if (!Number.isInteger(c) || c < 0 || c >= 2 + nodes) {
        throw new RangeError(`genotype.${kind}_concat: ${c} is not a state of a ${nodes}-node cell (0..${nodes + 1})`);
      }
    }
  }
}
