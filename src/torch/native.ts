// The whole native surface in one typed file: tensors are opaque handles owned by the addon.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NasforgeError } from '../util/index.js';

/** An opaque libtorch tensor handle (an N-API External). */
export type Handle = { readonly __brand: 'TensorHandle' };
type Value = Handle | number | boolean | string | null | undefined | Value[];

export interface NativeBinding {
  resolveOp(name: string, overload: string): number;
  opSchema(id: number): string;
  callOp(id: number, args: unknown[], kwargs?: Record<string, unknown> | null, discard?: boolean): Value;
  fromBuffer(data: ArrayBufferView, shape: readonly number[], dtype: string, device?: string): Handle;
  toBuffer(h: Handle): ArrayBuffer;
  shape(h: Handle): number[];
  dtype(h: Handle): string;
  device(h: Handle): string;
  numel(h: Handle): number;
  item(h: Handle): number;
  dispose(h: Handle): void;
  isDisposed(h: Handle): boolean;
  requiresGrad(h: Handle): boolean;
  setRequiresGrad(h: Handle, on: boolean): void;
  isLeaf(h: Handle): boolean;
  gradFn(h: Handle): string | null;
  grad(h: Handle): Handle | null;
  setGrad(h: Handle, g: Handle | null): void;
  backward(outputs: Handle[], grads: (Handle | null)[] | null, retainGraph: boolean | undefined, createGraph: boolean, inputs: Handle[] | null): void;
  autogradGrad(
    outputs: Handle[],
    inputs: Handle[],
    gradOutputs: (Handle | null)[] | null,
    retainGraph: boolean | undefined,
    createGraph: boolean,
    allowUnused: boolean,
  ): (Handle | null)[];
  setGradEnabled(on: boolean): boolean;
  isGradEnabled(): boolean;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  manualSeed(seed: number): void;
  liveTensors(): number;
  undisposedTensors(): number;
  liveTensorBytes(): number;
  cudaAvailable(): boolean;
  cudaDeviceCount(): number;
  version(): string;
  dataPtr(h: Handle): bigint;
  rngState(): Handle;
  setRngState(state: Handle): void;
}

function findAddon(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/src/torch -> repo root; src/torch (ts-node style) -> repo root
  for (const up of ['../../..', '../..']) {
    for (const kind of ['Release', 'Debug']) {
      const p = resolve(here, up, 'build', kind, 'nasforge.node');
      if (existsSync(p)) return p;
    }
  }
  throw new NasforgeError(
    'the native engine is not built (build/Release/nasforge.node is missing). ' +
      'Run `make build` in the nasforge checkout (it installs libtorch if needed), ' +
      'or `npm run build:native` with LIBTORCH=/path/to/libtorch.',
    'engine-missing',
  );
}

// OpenMP threads that busy-wait between parallel regions steal the core from everything else
// (other workers, the loader, the other side of a benchmark): on this 2-core machine under load a
// small CNN step took 5-9x longer. libgomp reads this when libtorch loads, so set it first.
// But not spinning at all puts the second thread to sleep at every one of the thousands of
// back-to-back parallel regions in a training step (a futex wake-up each): DARTS V2's step took
// 946 ms where PyTorch's, which spins, took 638. A bounded spin (GOMP_SPINCOUNT wins over the
// policy; 100k pause loops are about 2.5 ms here) keeps it awake between ops and still gives a
// busy core up: DARTS V2 761 / 699 / 698 ms at 30k / 100k / 300k spins; a plain CNN on cores
// taken by busy loops 140 / 190 / 304 ms at 0 / 30k / 100k (in another such run 195 / 206 /
// 378 ms at 0 / 30k / libgomp's default 300k).
// See docs/benchmarks.md. Only when the user chose neither variable.
if (process.env.OMP_WAIT_POLICY === undefined && process.env.GOMP_SPINCOUNT === undefined) {
  process.env.GOMP_SPINCOUNT = '100000';
}
process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
// OpenBLAS (linear layers, LSTM controllers) keeps its own thread pool, sized to the cores and
// deaf to at::set_num_threads: under load a 32x64 by 64x256 product took 7-10 ms, not 0.3. When
// the user (or a study splitting cores between workers) sets NASFORGE_THREADS, OpenBLAS follows;
// setNumThreads also resizes OpenBLAS's pool (native/addon.cc).
const threads = process.env.NASFORGE_THREADS;
if (threads !== undefined && /^[1-9][0-9]*$/.test(threads)) process.env.OPENBLAS_NUM_THREADS ??= threads;

/** Every function of the addon, so that `native` can stand in for it before it is loaded. */
const FUNCTIONS = [
  'resolveOp',
  'opSchema',
  'callOp',
  'fromBuffer',
  'toBuffer',
  'shape',
  'dtype',
  'device',
  'numel',
  'item',
  'dispose',
  'isDisposed',
  'requiresGrad',
  'setRequiresGrad',
  'isLeaf',
  'gradFn',
  'grad',
  'setGrad',
  'backward',
  'autogradGrad',
  'setGradEnabled',
  'isGradEnabled',
  'setNumThreads',
  'getNumThreads',
  'manualSeed',
  'liveTensors',
  'undisposedTensors',
  'liveTensorBytes',
  'cudaAvailable',
  'cudaDeviceCount',
  'version',
  'dataPtr',
  'rngState',
  'setRngState',
] as const satisfies readonly (keyof NativeBinding)[];
// every member of the interface is listed (a compile error names the one that is not)
const listed: Record<Exclude<keyof NativeBinding, (typeof FUNCTIONS)[number]>, never> = {};
void listed;

const require = createRequire(import.meta.url);
let loaded = false;

/** Loads the addon and puts its functions on `native` in place of the stubs. */
function load(): void {
  if (loaded) return;
  const path = findAddon();
  let binding: NativeBinding;
  try {
    binding = require(path) as NativeBinding;
  } catch (e) {
    throw new NasforgeError(
      `cannot load the native engine ${path}: ${(e as Error).message.split('\n')[0]}; ` +
        'rebuild it against the libtorch installed here (`make build`, or `npm run build:native` with LIBTORCH=/path/to/libtorch)',
      'engine-missing',
    );
  }
  for (const name of FUNCTIONS) (native as unknown as Record<string, unknown>)[name] = binding[name];
  loaded = true;
}

/**
 * The addon, loaded on first use: importing nasforge (strategies, studies, configs) does not
 * need libtorch, only computing with tensors does. Each stub loads the addon and then is
 * replaced by the native function itself, so a call costs what a direct call does.
 */
export const native = {} as NativeBinding;
for (const name of FUNCTIONS) {
  (native as unknown as Record<string, (...a: unknown[]) => unknown>)[name] = (...args: unknown[]) => {
    load();
    return (native[name] as (...a: unknown[]) => unknown)(...args);
  };
}

/** Whether the addon has been loaded in this process. */
export function engineLoaded(): boolean {
  return loaded;
}
