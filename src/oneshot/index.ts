// Weight-sharing search: the methods (one-shot, ENAS, DARTS, GDAS, FBNet, ProxylessNAS), their
// registry and shared option check, and the supernets a user would build directly.
//   core/       the method contract, epoch loop, checkpoints, data helpers, errors, options
//   supernets/  cell (DARTS' search network), layer-wise (FBNet, ProxylessNAS), ENAS
//   methods/    one file per method, and the registry
export { type OneShotMethod, type OneShotContext, type OneShotResult, OneShotError, type OneShotErrorCode } from './core/index.js';
export {
  ONESHOT_METHODS,
  oneshotMethodNames,
  getOneShotMethod,
  resolveOneShotOptions,
  dartsMethod,
  DARTS_DEFAULTS,
  type DartsOptions,
  gdasMethod,
  GDAS_DEFAULTS,
  type GdasOptions,
  enasMethod,
  ENAS_DEFAULTS,
  type EnasOptions,
  oneshotMethod,
  ONESHOT_DEFAULTS,
  type OneShotOptions,
  fbnetMethod,
  FBNET_DEFAULTS,
  type FBNetOptions,
  proxylessMethod,
  PROXYLESS_DEFAULTS,
  type ProxylessOptions,
} from './methods/index.js';
export {
  CellSupernet,
  type SupernetConfig,
  type EdgeWeights,
  LayerwiseSupernet,
  layerwiseSupernet,
  type LayerwiseParts,
  type Mixer,
  enasSupernet,
  type EnasSupernet,
  type EnasSupernetStack,
} from './supernets/index.js';
