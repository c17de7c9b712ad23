// Bender et al.'s path dropout over a cell of the cell supernet.
// - Path dropout (Bender et al., ICML 2018): a node's paths are every computed op ('none' has
//   none) of every incoming edge, K of them; each is dropped with probability r^(1/K), at least
//   one is kept. The kept outputs are summed and scaled by 2/|kept|: the mean of the kept paths
//   times the two paths a child's node adds, so the node's scale matches the children the
//   supernet is ranked on (the layer-wise version averages, its children having one path).
import { type Tensor } from '../../../torch/index.js';
import { type RandomSource } from '../../../util/index.js';
import { type EdgeWeights, type WeightedOp } from './edge-weights.js';
import { type SearchCell } from './supernet.js';

/** Inputs (paths) a node of a child adds: two (op, input) pairs. */
const CHILD_PATHS = 2;

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
      ops[e]!.primitives.forEach((_, k) => {
        if (ops[e]!.computes(k)) paths.push([e, k]);
      });
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
