// The DARTS cell space, its published genotypes and the networks that evaluate them.
export {
  type CellEdge,
  type DartsGenotype,
  DARTS_V1,
  DARTS_V2,
  GDAS_V1,
  NASNET,
  AMOEBANET,
  validateGenotype,
} from './genotypes.js';
export { type DartsStack, DartsCell, DartsNetwork, AuxiliaryHeadCIFAR, buildDartsNetwork } from './network.js';
export { type DartsSpaceStack, type DartsSpaceOptions, DARTS_OPS, createDartsSpace, dartsSpace } from './space.js';
