// The cell supernet of the `darts` space (DARTS' search network): mixed ops on every edge, edge
// weights from α, a genotype or path dropout, the derived cell, and what DARTS and GDAS share.
export { type WeightedOp, type EdgeWeights, edgeCount } from './edge-weights.js';
export { MixedOp, type SupernetFlavor } from './mixed-op.js';
export { CellSupernet, SearchCell, type SupernetConfig, softmaxWeights } from './supernet.js';
export { genotypeEdgeWeights } from './genotype.js';
export { pathDropoutEdgeWeights } from './path-dropout.js';
export { alphaProbabilities, deriveCell, deriveGenotype } from './derive.js';
export { CELL_SEARCH_STACK, CELL_SPACES, createCellSupernet, evaluateCellSupernet, cellSearchResult } from './search.js';
