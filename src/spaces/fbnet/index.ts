// FBNet: Table 1's macro-architecture with Table 2's nine candidate blocks, and FBNet-A/B/C.
export { FBNET_BLOCKS, type FBNetBlockName, type FBNetBlockSpec, fbnetBlockSpec, ChannelShuffle, FBNetBlock, fbnetLayer } from './blocks.js';
export {
  FBNetNetwork,
  type FBNetStack,
  fbnetLayout,
  FBNET_LAYERS,
  FBNET_STAGE_LAYERS,
  FBNET_STAGE_STRIDES,
  FBNET_WIDTHS,
} from './network.js';
export { fbnetSpace, canonicalFBNetBlocks, type FBNetGenotype, type FBNetSpaceStack } from './space.js';
export { FBNET_A, FBNET_B, FBNET_C } from './presets.js';
