// MobileNetV3 as a MnasNet-style block space, with MobileNetV3-Large and -Small as presets.
export {
  mobilenetV3Space,
  buildMobileNetV3,
  mobilenetV3Layers,
  MOBILENET_V3_LARGE,
  MOBILENET_V3_SMALL,
  V3_SKELETONS,
  V3_SIZES,
  V3_EXPANSIONS,
  V3_ACTIVATIONS,
  type MobileNetV3Genotype,
  type MobileNetV3Stack,
  type V3Block,
  type V3Size,
} from './space.js';
