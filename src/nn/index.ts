// Layers and modules (torch.nn's counterpart).
export { Module, type Layer, type LayerModule } from './module.js';
export * from './layers.js';
export * as init from './init.js';
export * from './cellops.js';
export { DropPath, dropPath, dropPath_ } from './droppath.js';
export { MBConv, type MBConvOptions, type MBActivation } from './mbconv.js';
export {
  SqueezeExcite,
  type SqueezeExciteOptions,
  type SEActivation,
  type SEGate,
  makeDivisible,
  mnasnetSEWidth,
  mobilenetV3SEWidth,
} from './se.js';
export {
  Dilation2d,
  Erosion2d,
  Opening2d,
  Closing2d,
  dilation2d,
  erosion2d,
  type MorphOp,
  type MorphOptions,
  type MorphLayerOptions,
  type MorphPairOptions,
} from './morph.js';
export { LSTMCell, StackedLSTM, Embedding, type LSTMState } from './recurrent.js';
export {
  AuxiliaryHead,
  AuxiliaryHeadCIFAR,
  AuxiliaryHeadImageNet,
  type AuxiliaryHeadVariant,
  type AuxiliaryHeadOptions,
} from './heads.js';
export {
  traceMacs,
  countMacs,
  tracing,
  withoutInit,
  initSkipped,
  convOutputShape,
  type ConvGeometry,
} from './trace.js';
export { InplaceReLU, InplaceReLU6 } from './inplace.js';
