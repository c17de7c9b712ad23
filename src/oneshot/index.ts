// Weight-sharing search: supernets and the one-shot methods that train them.
export { type OneShotMethod, type OneShotContext, type OneShotResult } from './method.js';
export { ONESHOT_METHODS } from './registry.js';
export { OneShotError, type OneShotErrorCode } from './oneshot-errors.js';
export { CellSupernet, SearchCell, type SupernetConfig, type EdgeWeights, softmaxWeights, edgeCount } from './supernet.js';
export { MixedOp, type SupernetFlavor, type WeightedOp } from './mixed-op.js';
export { deriveCell, deriveGenotype, alphaProbabilities } from './supernet-derive.js';
export { firstOrderArchGrad, secondOrderArchGrad, weightStep, supernetLoss, applyArchGrads, type UnrollOptions } from './darts-architect.js';
export { dartsMethod, DARTS_DEFAULTS, type DartsOptions } from './darts.js';
export { gdasMethod, gdasStep, gdasForward, GDAS_DEFAULTS, type GdasOptions } from './gdas.js';
export { gumbelEdgeWeights, gdasTau, type GumbelSample } from './gdas-sample.js';
export { enasMethod, runEnas, enasOptions, ENAS_DEFAULTS, type EnasOptions } from './enas.js';
export { enasSupernet, EnasMicroSupernet, EnasMacroSupernet, ENAS_SPACES, type EnasSupernet, type EnasSupernetStack } from './enas-supernet.js';
export {
  LayerwiseSupernet, SupernetLayer, PoolHead, PathNetwork, type Mixer, type LayerwiseParts, weightedMixer,
} from './layerwise-supernet.js';
export { layerwiseSupernet, LAYERWISE_SPACES, pathGenotype, genotypePath } from './layerwise-spaces.js';
export { supernetLatencyParts, layerInputShapes, searchLatencyTable, checkTableFits } from './layerwise-latency.js';
export { fbnetMethod, runFBNet, fbnetOptions, fbnetLoss, FBNET_DEFAULTS, type FBNetOptions } from './fbnet.js';
export {
  proxylessMethod, runProxyless, proxylessOptions, PROXYLESS_DEFAULTS, type ProxylessOptions,
  binarizedWeightStep, binaryGateArchStep, proxylessLoss, type LatencyTerm,
} from './proxyless.js';
export { sampleOne, sampleTwo, gateAlphaGrad, pairAlphaGrad, pairRescaleOffset } from './proxyless-gates.js';
export { oneshotMethod, runOneShot, oneshotOptions, rankArchitectures, pathDropoutMixer, ONESHOT_DEFAULTS, type OneShotOptions, type RankedArchitecture } from './oneshot.js';
export { recalibrateBatchNorm, pathAccuracy } from './oneshot-data.js';
export { recalibrateChildBatchNorm, childAccuracy, type ChildForward } from './oneshot-data.js';
export { oneshotSupernet, ONESHOT_SPACES, type OneShotSupernet, type OneShotTraining } from './oneshot-supernets.js';
export { genotypeEdgeWeights, pathDropoutEdgeWeights } from './supernet-genotype.js';
export { enasCellsPerStage } from './enas-supernet.js';
