// Engine-wide settings: threads, seeding, devices, and a live-tensor count for leak checks.
import { call, op } from './dispatch.js';
import { EngineError } from './errors.js';
import { native } from './native.js';
import { Tensor, unwrapArgs, wrapResult } from './tensor.js';

/** libtorch intra-op threads (defaults to the core count, or NASFORGE_THREADS). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new EngineError(`threads must be a positive integer, got ${n}`, 'setNumThreads');
  native.setNumThreads(n);
}
export function getNumThreads(): number {
  return native.getNumThreads();
}

/** Seed libtorch's global generators (CPU and CUDA). */
export function manualSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new EngineError(`seed must be a non-negative safe integer (at most 2^53 - 1), got ${seed}`, 'manualSeed');
  native.manualSeed(seed);
}

/** The CPU generator's state (a uint8 tensor), for exact resumes. */
export function rngState(): Tensor {
  return new Tensor(native.rngState());
}
export function setRngState(state: Tensor): void {
  try {
    native.setRngState(state.handle);
  } catch (e) {
    throw EngineError.from(e, 'setRngState');
  }
}

/** Native tensor handles alive now (created and neither disposed nor collected). */
export function liveTensors(): number {
  return native.liveTensors();
}

/**
 * Tensors created and never disposed explicitly, counted whether or not the collector has
 * freed them since: unlike liveTensors it does not move when a garbage collection happens, so
 * `before === after` around a block is an exact leak check.
 */
export function undisposedTensors(): number {
  return native.undisposedTensors();
}
/** Bytes held by live tensor handles (views count zero: they share their base's memory). */
export function liveTensorBytes(): number {
  return native.liveTensorBytes();
}

export function cudaAvailable(): boolean {
  return native.cudaAvailable();
}
export function cudaDeviceCount(): number {
  return native.cudaDeviceCount();
}
export function libtorchVersion(): string {
  return native.version();
}

/** "cuda" when a GPU is usable, else "cpu". */
export function defaultDevice(): string {
  return cudaAvailable() ? 'cuda' : 'cpu';
}

/**
 * Call any ATen operator by name, e.g. `callAten('addmm', bias, a, b)` or
 * `callAten('max_pool2d_with_indices', x, [3, 3])`; a trailing plain object
 * gives keyword arguments by name (`callAten('sum', x, { dtype: 'float64' })`). Tensors in the result come back wrapped.
 */
export function callAten(qualified: string, ...args: unknown[]): unknown {
  const last = args[args.length - 1];
  const hasKw = last !== null && typeof last === 'object' && Object.getPrototypeOf(last) === Object.prototype;
  const kwargs = hasKw ? Object.fromEntries(Object.entries(last as object).map(([k, v]) => [k, unwrapArgs(v)])) : undefined;
  const positional = hasKw ? args.slice(0, -1) : args;
  return wrapResult(call(op(qualified), positional.map(unwrapArgs), kwargs));
}

/** An operator's schema, e.g. `schemaOf('conv2d')`. */
export function schemaOf(qualified: string): string {
  return op(qualified).schema;
}

export { Tensor };
