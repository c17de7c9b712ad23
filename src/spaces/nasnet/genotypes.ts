// NASNet-space genotypes: DARTS' published form (so NASNet/AmoebaNet/PNAS genotypes from DARTS'
// and AutoDL's repositories paste in) with the two NASNet-specific choices added:
//   { normal: [[op, input] × 2B], normal_combine: ['add' | 'concat'] × B, normal_concat: [...],
//     reduce: [...], reduce_combine: [...], reduce_concat: [...] }
// Inputs count as in DARTS: 0 is h_{i-1} (the cell before the previous one), 1 is h_i (the
// previous cell), k ≥ 2 is block k - 2. (The released TF code numbers h_i 0 and h_{i-1} 1.)
// `*_concat` lists the states concatenated into the cell's output. The paper's rule is "the
// hidden states no block uses"; the released cells below carry their code's own lists
// (used_hiddenstates), which also concatenate h_{i-1} (NASNet-A, AmoebaNet-A normal) or states
// a later block reads (NASNet-A reduce, AmoebaNet-A reduce, PNASNet-5).

export type Combine = 'add' | 'concat';
export type BlockInput = readonly [op: string, input: number];

export interface NasnetGenotype {
  readonly normal: readonly BlockInput[];
  readonly normal_combine: readonly Combine[];
  readonly normal_concat: readonly number[];
  readonly reduce: readonly BlockInput[];
  readonly reduce_combine: readonly Combine[];
  readonly reduce_concat: readonly number[];
}

const ADD5: readonly Combine[] = ['add', 'add', 'add', 'add', 'add'];

/**
 * NASNet-A (Zoph et al., CVPR 2018), from TF-slim's nasnet_utils.py (NasNetANormalCell,
 * NasNetAReductionCell); inputs renumbered to DARTS' order.
 */
export const NASNET_A: NasnetGenotype = {
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
  normal_combine: ADD5,
  normal_concat: [0, 2, 3, 4, 5, 6],
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
  reduce_combine: ADD5,
  reduce_concat: [3, 4, 5, 6],
};

/** AmoebaNet-A (Real et al., AAAI 2019), from tensorflow/tpu amoeba_net model_specs.py ('amoeba_net_a'). */
export const AMOEBANET_A: NasnetGenotype = {
  normal: [
    ['avg_pool_3x3', 1],
    ['max_pool_3x3', 1],
    ['sep_conv_3x3', 0],
    ['skip_connect', 0],
    ['skip_connect', 1],
    ['avg_pool_3x3', 0],
    ['sep_conv_3x3', 1],
    ['sep_conv_5x5', 2],
    ['avg_pool_3x3', 5],
    ['sep_conv_3x3', 1],
  ],
  normal_combine: ADD5,
  normal_concat: [0, 3, 4, 6],
  reduce: [
    ['sep_conv_3x3', 0],
    ['avg_pool_3x3', 1],
    ['max_pool_3x3', 1],
    ['sep_conv_7x7', 2],
    ['max_pool_3x3', 0],
    ['max_pool_3x3', 1],
    ['sep_conv_3x3', 4],
    ['conv_7x1_1x7', 1],
    ['avg_pool_3x3', 0],
    ['sep_conv_7x7', 1],
  ],
  reduce_combine: ADD5,
  reduce_concat: [2, 3, 4, 5, 6],
};

const PNAS_CELL: readonly BlockInput[] = [
  ['sep_conv_5x5', 0],
  ['max_pool_3x3', 0],
  ['sep_conv_7x7', 1],
  ['max_pool_3x3', 1],
  ['sep_conv_5x5', 1],
  ['sep_conv_3x3', 1],
  ['sep_conv_3x3', 4],
  ['max_pool_3x3', 1],
  ['sep_conv_3x3', 0],
  ['skip_connect', 1],
];

/**
 * PNASNet-5 (Liu et al., ECCV 2018), from TF-slim's pnasnet.py (PNasNetNormalCell). PNAS has one
 * cell, applied with stride 2 where the network reduces, so both cells are the same.
 */
export const PNASNET_5: NasnetGenotype = {
  normal: PNAS_CELL,
  normal_combine: ADD5,
  normal_concat: [2, 3, 4, 5, 6],
  reduce: PNAS_CELL,
  reduce_combine: ADD5,
  reduce_concat: [2, 3, 4, 5, 6],
};

/**
 * ENAS' micro-space CIFAR-10 cells (Pham et al., ICML 2018), the fixed_arc of its released
 * scripts/cifar10_micro_final.sh (ops 0-4 = sep 3x3, sep 5x5, avg pool, max pool, identity). ENAS
 * concatenates every state no block reads, cell inputs included.
 */
export const ENAS_MICRO: NasnetGenotype = {
  normal: [
    ['avg_pool_3x3', 0],
    ['sep_conv_3x3', 0],
    ['skip_connect', 0],
    ['sep_conv_5x5', 0],
    ['skip_connect', 0],
    ['sep_conv_5x5', 1],
    ['sep_conv_3x3', 1],
    ['sep_conv_5x5', 0],
    ['avg_pool_3x3', 0],
    ['sep_conv_5x5', 1],
  ],
  normal_combine: ADD5,
  normal_concat: [2, 3, 4, 5, 6],
  reduce: [
    ['sep_conv_3x3', 1],
    ['sep_conv_3x3', 1],
    ['max_pool_3x3', 0],
    ['avg_pool_3x3', 0],
    ['sep_conv_5x5', 1],
    ['sep_conv_5x5', 3],
    ['sep_conv_3x3', 1],
    ['skip_connect', 0],
    ['max_pool_3x3', 0],
    ['sep_conv_5x5', 1],
  ],
  reduce_combine: ADD5,
  reduce_concat: [2, 4, 5, 6],
};

/** The paper's output rule: the blocks (states ≥ 2) that no block reads, in order. */
export function unusedBlocks(edges: readonly BlockInput[]): number[] {
  const blocks = edges.length / 2;
  const used = new Set(edges.map(([, input]) => input));
  return Array.from({ length: blocks }, (_, b) => b + 2).filter((s) => !used.has(s));
}
