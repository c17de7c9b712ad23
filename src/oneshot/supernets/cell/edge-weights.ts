// How a cell's edges are weighted on one forward pass: per edge, the candidates to run and their
// weights. Its own module so that the supernet and the functions that build edge weights
// (a child's genotype, path dropout, GDAS' sample) import it and not one another.
import { type Tensor } from '../../../torch/index.js';

/** One candidate of an edge: the op's index in the primitive list and its (0-d) weight. */
export interface WeightedOp {
  readonly op: number;
  readonly weight: Tensor;
}

/** Per edge of a cell (in DARTS' edge order), the candidates to run and their weights. */
export type EdgeWeights = readonly (readonly WeightedOp[])[];

/** Edges of a cell with `nodes` intermediate nodes: node i has 2 + i inputs. */
export function edgeCount(nodes: number): number {
  return (nodes * (nodes + 3)) / 2;
}
