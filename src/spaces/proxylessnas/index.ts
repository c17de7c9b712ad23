// ProxylessNAS: the MobileNetV2-style backbone with MBConv {k3, k5, k7} × {e3, e6} or zero per layer.
export {
  ProxylessNetwork,
  type ProxylessStack,
  type ProxylessLayerSlot,
  type ProxylessOp,
  proxylessLayout,
  PROXYLESS_OPS,
  PROXYLESS_LAYERS,
  PROXYLESS_GROUP_LAYERS,
  PROXYLESS_GROUP_STRIDES,
  PROXYLESS_MOBILE_WIDTHS,
} from './network.js';
export { proxylessSpace, canonicalProxylessBlocks, type ProxylessGenotype, type ProxylessSpaceStack } from './space.js';
export { PROXYLESS_MOBILE, PROXYLESS_GPU, PROXYLESS_CPU, type ProxylessRelease } from './presets.js';
