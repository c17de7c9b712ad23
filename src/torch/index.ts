// nasforge's tensor layer: libtorch tensors, operators, autograd and memory scopes.
export { Tensor, type Scalar, type TensorOrScalar } from './tensor.js';
export { type DType, DTYPES, type TypedArray, isFloating, itemSize } from './dtype.js';
export { EngineError } from './errors.js';
export { tidy, keep, dispose, noGrad, enableGrad, isGradEnabled, scopeDepth } from './scope.js';
export * from './creation.js';
export * as F from './functional.js';
export { grad, backward, type GradOptions } from './autograd.js';
export {
  setNumThreads,
  getNumThreads,
  manualSeed,
  liveTensors,
  undisposedTensors,
  liveTensorBytes,
  cudaAvailable,
  cudaDeviceCount,
  libtorchVersion,
  defaultDevice,
  callAten,
  schemaOf,
  rngState,
  setRngState,
} from './engine.js';
export { saveSafetensors, loadSafetensors, encodeSafetensors, decodeSafetensors } from './safetensors.js';
export * as foreach from './foreach.js';
export { engineLoaded } from './native.js';
