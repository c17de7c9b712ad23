// The weight-sharing methods, one file each, and their registry.
export { ONESHOT_METHODS, oneshotMethodNames, getOneShotMethod, resolveOneShotOptions } from './registry.js';
export { dartsMethod, DARTS_DEFAULTS, type DartsOptions } from './darts.js';
export { gdasMethod, GDAS_DEFAULTS, type GdasOptions } from './gdas.js';
export { enasMethod, ENAS_DEFAULTS, type EnasOptions } from './enas.js';
export { oneshotMethod, ONESHOT_DEFAULTS, type OneShotOptions } from './oneshot.js';
export { fbnetMethod, FBNET_DEFAULTS, type FBNetOptions } from './fbnet.js';
export { proxylessMethod, PROXYLESS_DEFAULTS, type ProxylessOptions } from './proxylessnas.js';
