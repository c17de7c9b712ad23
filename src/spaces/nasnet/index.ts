// The NASNet cell space, its op vocabulary and the published cells it expresses (NASNet-A,
// AmoebaNet-A, PNASNet-5, ENAS micro), with the CIFAR networks of TF-slim and ENAS.
export {
  type NasnetGenotype,
  type BlockInput,
  type Combine,
  NASNET_A,
  AMOEBANET_A,
  PNASNET_5,
  ENAS_MICRO,
  unusedBlocks,
} from './genotypes.js';
export { NASNET_OPS, NASNET_OP_TABLE, type NasnetSkeleton, NasnetOp, FactorizedReduction, nasnetOp } from './ops.js';
export { NasnetCell, type CellSpec, type StateShape } from './cell.js';
export { NasnetNetwork, NasnetAuxHead, EnasAuxHead, type NasnetStack, stageCounts } from './network.js';
export { type NasnetSpaceStack, type NasnetSpaceOptions, createNasnetSpace, nasnetSpace } from './space.js';
