// Running one child of the cell supernet.
// - A `darts` genotype names, per node, two (op, input) pairs; as edge weights that is the
//   chosen op alone on each of the node's two chosen edges (weight 1) and nothing on the others,
//   so the cell computes exactly that child's ops (as GDAS' one-op-per-edge sample does).
import { type Tensor } from '../../../torch/index.js';
import { type darts } from '../../../spaces/index.js';
import { type EdgeWeights, type WeightedOp } from './edge-weights.js';

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
      if (k < 0 || op === 'none')
        throw new RangeError(`node ${i} applies '${op}', which is not one of the supernet's ops (${primitives.filter((p) => p !== 'none').join(', ')})`);
      if (!Number.isInteger(input) || input < 0 || input >= i + 2) throw new RangeError(`node ${i} reads state ${input}; it can read states 0..${i + 1}`);
      own[input]!.push({ op: k, weight: one });
    }
    lists.push(...own);
  }
  return lists;
}
