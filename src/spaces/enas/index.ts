// ENAS' two CIFAR-10 search spaces (Pham et al., ICML 2018): micro cells and the macro layer space.
export {
  type EnasMicroGenotype,
  type EnasCellEdge,
  type EnasMicroStack,
  ENAS_MICRO_OPS,
  enasUnusedStates,
  enasMicroSpace,
} from './micro.js';
export {
  type EnasMacroGenotype,
  type EnasMacroLayerChoice,
  type EnasMacroSpaceStack,
  type EnasMacroSpaceOptions,
  createEnasMacroSpace,
  enasMacroSpace,
} from './macro.js';
export { ENAS_MACRO_OPS, type EnasMacroOp, type EnasMacroStack, EnasMacroNetwork, EnasMacroLayer, enasPoolLayers } from './macro-network.js';
