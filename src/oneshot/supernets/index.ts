// The supernet families the methods train: the cell supernet (DARTS, GDAS, one-shot on darts),
// the layer-wise supernet (FBNet, ProxylessNAS, one-shot on their spaces), ENAS' shared-weight
// supernets, and the adapter one-shot search trains and ranks any of them through.
export * from './cell/index.js';
export * from './layerwise/index.js';
export * from './enas/index.js';
export { type OneShotSupernet, type OneShotTraining, ONESHOT_SPACES, oneshotSupernet } from './adapter.js';
