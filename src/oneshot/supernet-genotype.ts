// Running one child of the cell supernet, and Bender et al.'s path dropout over a cell.
// - A `darts` genotype names, per node, two (op, input) pairs; as edge weights that is the
//   chosen op alone on each of the node's two chosen edges (weight 1) and nothing on the others,
//   so the cell computes exactly that child's ops (as GDAS' one-op-per-edge sample does).
// - Path dropout (Bender et al., ICML 2018): a node's paths are every computed op ('none' has
//   none) of every incoming edge, K of them; each is dropped with probability r^(1/K), at least
//   one is kept. The kept outputs are summed and scaled by 2/|kept|: the mean of the kept paths
//   times the two paths a child's node adds, so the node's scale matches the children the
//   supernet is ranked on (the layer-wise version averages, its children having one path).
import { type Tensor } from '../torch/index.js';
import { type darts } from '../spaces/index.js';
import { type RandomSource } from '../util/index.js';
import { type WeightedOp } from './mixed-op.js';
import { type EdgeWeights, type SearchCell } from './supernet.js';

/** Inputs (paths) a node of a child adds: two (op, input) pairs. */
const CHILD_PATHS = 2;

/**
 * The edge weights (DARTS' edge order) that run exactly the cell `edges` ([op, input] per
 * node, two per node): the op on its input's edge, weight `one`.
 */
export function genotypeEdgeWeights(edges: readonly darts.CellEdge[], primitives: readonly string[], nodes: number, one: Tensor): EdgeWeights {
  if (edges.length !== 2 * nodes) throw new RangeError(`a cell of ${nodes} nodes has ${2 * nodes} (op, input) pairs, got ${edges.length}`);
  const lists: WeightedOp[][] = [];
  for (let i = 0; i < nodes; i++) {
    const own: WeightedOp[][] = Array.from({ length: i + 2 }, () => []);
    for (const [op, input] of edges.slice(2 * i, 2 * i + 2)) {
      const k = primitives.indexOf(op);
      if (k < 0 || op === 'none') throw new RangeError(`node ${i} applies '${op}', which is not one of the supernet's ops (${primitives.filter((p) => p !== 'none').join(', ')})`);
      if (!Number.isInteger(input) || input < 0 || input >= i + 2) throw new RangeError(`node ${i} reads state ${input}; it can read states 0..${i + 1}`);
      own[input]!.push({ op: k, weight: one });
    }
    lists.push(...own);
  }
  return lists;
}

/**
 * One path-dropout draw for `cell` at rate `rate`, from `rng` (per node, path by path in edge
 * and op order). `weight(v)` gives the (0-d) tensor of value v the kept paths are scaled by.
 */
export function pathDropoutEdgeWeights(cell: SearchCell, rate: number, rng: RandomSource, weight: (value: number) => Tensor): EdgeWeights {
  const ops = cell._ops.items;
  const lists: WeightedOp[][] = ops.map(() => []);
  let start = 0;
  for (let i = 0; i < cell.nodes; i++) {
    const paths: [number, number][] = [];
    for (let e = start; e < start + i + 2; e++) {
      ops[e]!.primitives.forEach((_, k) => { if (ops[e]!.computes(k)) paths.push([e, k]); });
    }
    const drop = rate > 0 ? rate ** (1 / paths.length) : 0;
    let kept = paths.filter(() => rng.next() >= drop);
    if (kept.length === 0) kept = [paths[rng.int(paths.length)]!];
    const w = weight(CHILD_PATHS / kept.length);
    for (const [e, k] of kept) lists[e]!.push({ op: k, weight: w });
    start += i + 2;
  }
  return lists;
}
