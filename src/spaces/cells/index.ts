// Pieces shared by the cell spaces (darts, nasnet): the op table with the morphological ops,
// PyTorch-named containers, and the pair arithmetic of cell genotypes.
export { type CellOpFactory, DARTS_PRIMITIVES, buildCellOp, cellOpNames, isCellOp, isMorphOpName, MORPH_OP_NAMES } from './ops.js';
export { MorphCellOp, type MorphOpName } from './morph-ops.js';
export { ModuleList, ModuleMap } from './containers.js';
export { type OpInputPair, type CellEdgeRule, sortPairs, inputRank, inputOfRank, checkOpList, checkCellEdges } from './pairs.js';
