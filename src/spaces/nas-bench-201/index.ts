export { nb201Space, nb201ArchString, parseNb201Arch, type Nb201Genotype, type Nb201SpaceStack } from './space.js';
export { Nb201Network, Nb201Cell, Nb201Reduction, NB201_OPS, NB201_EDGES, type Nb201Op, type Nb201Stack } from './network.js';
