// ENAS' shared-weight supernets (Pham et al., ICML 2018): one network per ENAS space whose
// forward pass runs the one child a decision vector names.
export { type EnasSupernet, type EnasSupernetStack, ENAS_SPACES } from './supernet.js';
export { EnasMicroSupernet } from './micro.js';
export { EnasMacroSupernet } from './macro.js';
export { enasSupernet, enasCellsPerStage, enasSearchSupernet } from './factory.js';
