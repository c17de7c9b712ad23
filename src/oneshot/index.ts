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
