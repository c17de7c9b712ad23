// The layer-wise supernet (FBNet's and ProxylessNAS' spaces): every candidate block at every
// searchable layer, the mixers that combine them, the spaces' supernets, a path as a child, and
// the latency table of the candidates.
export { LayerwiseSupernet, SupernetLayer, PoolHead, PathNetwork, type Mixer, type LayerwiseParts } from './supernet.js';
export { weightedMixer, pathMixer, pathDropoutMixer } from './mixers.js';
export { LAYERWISE_SPACES, layerwiseSupernet, pathGenotype, genotypePath } from './spaces.js';
export { recalibrateBatchNorm, pathAccuracy } from './path.js';
export {
  layerInputShapes,
  supernetLatencyParts,
  checkTableFits,
  searchLatencyTable,
  latencyVectors,
  fixedLatency,
} from './latency.js';
