// Deriving the discrete cell from α, as genotype() in DARTS' cnn/model_search.py: per node, the
// two incoming edges whose strongest non-'none' op weighs most (softmax over each edge's row),
// each with that op. GDAS' released code (AutoDL-Projects) instead keeps the two strongest
// (op, input) pairs of a node, which can pick the same input twice; the `darts` space needs two
// distinct inputs per node, so both methods derive with DARTS' rule.
import { noGrad, type Tensor } from '../../../torch/index.js';
import { type darts } from '../../../spaces/index.js';

type CellEdge = darts.CellEdge;

/** Softmax of each row of α, as plain numbers. */
export function alphaProbabilities(alpha: Tensor): number[][] {
  return noGrad(() => {
    const p = alpha.softmax(-1);
    const flat = p.toArray();
    p.dispose();
    const [rows, cols] = alpha.shape as [number, number];
    return Array.from({ length: rows }, (_, r) => flat.slice(r * cols, (r + 1) * cols));
  });
}

/** The (op, input) pairs of one cell from its edges' op probabilities (rows in DARTS' edge order). */
export function deriveCell(probs: readonly (readonly number[])[], primitives: readonly string[], nodes: number): CellEdge[] {
  const none = primitives.indexOf('none');
  const bestOp = (row: readonly number[]): number => {
    let best = -1;
    row.forEach((w, k) => {
      if (k !== none && (best < 0 || w > row[best]!)) best = k;
    });
    return best;
  };
  const gene: CellEdge[] = [];
  let start = 0;
  for (let i = 0; i < nodes; i++) {
    const inputs = Array.from({ length: i + 2 }, (_, j) => j);
    const strength = (j: number): number => probs[start + j]![bestOp(probs[start + j]!)]!;
    // a stable sort by decreasing strength, as Python's sorted(key=-max)
    const top = [...inputs].sort((a, b) => strength(b) - strength(a) || a - b).slice(0, 2);
    for (const j of top) gene.push([primitives[bestOp(probs[start + j]!)]!, j]);
    start += i + 2;
  }
  return gene;
}

/** The `darts` genotype of a supernet's α (normal and reduction cells, all nodes concatenated). */
export function deriveGenotype(alphasNormal: Tensor, alphasReduce: Tensor, primitives: readonly string[], nodes: number): darts.DartsGenotype {
  const concat = Array.from({ length: nodes }, (_, i) => i + 2);
  return {
    normal: deriveCell(alphaProbabilities(alphasNormal), primitives, nodes),
    normal_concat: concat,
    reduce: deriveCell(alphaProbabilities(alphasReduce), primitives, nodes),
    reduce_concat: [...concat],
  };
}
