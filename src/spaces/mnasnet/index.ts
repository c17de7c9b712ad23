// MnasNet's factorized hierarchical space, with MnasNet-A1/B1 and MobileNetV2 as presets; the
// layer and network modules are shared with the MobileNetV3 space.
export {
  mnasnetSpace,
  buildMnasnet,
  mnasnetLayers,
  MNASNET_A1,
  MNASNET_B1,
  MOBILENET_V2,
  MNASNET_OPS,
  MNASNET_SKIPS,
  MNASNET_FILTERS,
  MNASNET_LAYERS,
  MOBILENETV2_FILTERS,
  MOBILENETV2_LAYERS,
  type MnasnetGenotype,
  type MnasnetBlock,
  type MnasnetStack,
  type MnasnetOp,
  type MnasnetSkip,
  type StrideSetting,
} from './space.js';
export {
  MobileLayer,
  identityApplies,
  type MobileLayerSpec,
  type ConvOp,
  type SkipOp,
  type LayerActivation,
  type SEKind,
} from './layer.js';
export { MobileNetwork, type MobileNetworkSpec } from './network.js';
