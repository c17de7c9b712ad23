// Making tensors: from JS data, constants, ranges and random draws (all from the global,
// seeded generator: see manualSeed).
import { call, op } from './dispatch.js';
import { type DType, type TypedArray, dtypeOf } from './dtype.js';
import { EngineError } from './errors.js';
import { type Handle, native } from './native.js';
import { Tensor } from './tensor.js';

export interface Options {
  dtype?: DType;
  device?: string;
  requiresGrad?: boolean;
}

const O = {
  zeros: op('zeros'), ones: op('ones'), full: op('full'), empty: op('empty.memory_format'),
  arange: op('arange.start_step'), linspace: op('linspace'), eye: op('eye'),
  rand: op('rand'), randn: op('randn'), randint: op('randint.low'), randperm: op('randperm'),
  bernoulli: op('bernoulli.p'), bernoulliT: op('bernoulli'), multinomial: op('multinomial'),
  zerosLike: op('zeros_like'), onesLike: op('ones_like'), randLike: op('rand_like'),
  randnLike: op('randn_like'), fullLike: op('full_like'),
};

function finish(hd: unknown, o: Options): Tensor {
  const t = new Tensor(hd as Handle);
  if (o.requiresGrad) t.requiresGrad = true;
  return t;
}

function kw(o: Options, fallback: DType = 'float32'): Record<string, unknown> {
  return { dtype: o.dtype ?? fallback, device: o.device ?? null };
}

function checkShape(shape: readonly number[], what: string): number[] {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new EngineError(`shape [${shape.join(', ')}] must hold non-negative integers`, what);
    }
  }
  return [...shape];
}

/**
 * A tensor from data: a typed array (its own dtype unless `dtype` says otherwise) or
 * (nested) numbers. `shape` defaults to the data's (flat length, or the nesting).
 */
export function tensor(data: TypedArray | number | readonly unknown[], shape?: readonly number[], o: Options = {}): Tensor {
  let flat: TypedArray;
  let inferred: number[];
  if (typeof data === 'number') {
    flat = toTyped([data], o.dtype ?? 'float32');
    inferred = [];
  } else if (ArrayBuffer.isView(data)) {
    flat = o.dtype && o.dtype !== dtypeOf(data) ? toTyped(Array.from(data as ArrayLike<number>, Number), o.dtype) : data;
    inferred = [data.length];
  } else {
    inferred = nestedShape(data);
    flat = toTyped((data as unknown[]).flat(Infinity) as number[], o.dtype ?? 'float32');
  }
  const dims = checkShape(shape ?? inferred, 'tensor');
  const dtype = o.dtype ?? dtypeOf(flat);
  let hd: Handle;
  try {
    hd = native.fromBuffer(flat, dims, dtype, o.device);
  } catch (e) {
    throw EngineError.from(e, 'tensor');
  }
  return finish(hd, o);
}

function nestedShape(data: readonly unknown[]): number[] {
  const shape = [data.length];
  let cur: unknown = data[0];
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}

function toTyped(values: readonly number[], dtype: DType): TypedArray {
  switch (dtype) {
    case 'float32': return Float32Array.from(values);
    case 'float64': return Float64Array.from(values);
    case 'int64': return BigInt64Array.from(values, (v) => BigInt(Math.trunc(v)));
    case 'int32': return Int32Array.from(values);
    case 'int16': return Int16Array.from(values);
    case 'int8': return Int8Array.from(values);
    case 'uint8': return Uint8Array.from(values);
    case 'bool': return Uint8Array.from(values, (v) => (v ? 1 : 0));
    default: throw new EngineError(`cannot build a ${dtype} tensor from numbers; build float32 and convert with .to('${dtype}')`, 'tensor');
  }
}

export function scalar(v: number, o: Options = {}): Tensor {
  return tensor(v, [], o);
}
export function zeros(shape: readonly number[], o: Options = {}): Tensor {
  return finish(call(O.zeros, [checkShape(shape, 'zeros')], kw(o)), o);
}
export function ones(shape: readonly number[], o: Options = {}): Tensor {
  return finish(call(O.ones, [checkShape(shape, 'ones')], kw(o)), o);
}
export function full(shape: readonly number[], value: number, o: Options = {}): Tensor {
  return finish(call(O.full, [checkShape(shape, 'full'), value], kw(o)), o);
}
export function empty(shape: readonly number[], o: Options = {}): Tensor {
  return finish(call(O.empty, [checkShape(shape, 'empty')], kw(o)), o);
}
/** start, start+step, ... < end (int64 unless a dtype is given or a bound is fractional). */
export function arange(start: number, end?: number, step = 1, o: Options = {}): Tensor {
  const [s, e] = end === undefined ? [0, start] : [start, end];
  const integral = Number.isInteger(s) && Number.isInteger(e) && Number.isInteger(step);
  return finish(call(O.arange, [s, e, step], kw(o, integral ? 'int64' : 'float32')), o);
}
export function linspace(start: number, end: number, steps: number, o: Options = {}): Tensor {
  return finish(call(O.linspace, [start, end, steps], kw(o)), o);
}
export function eye(n: number, o: Options = {}): Tensor {
  return finish(call(O.eye, [n], kw(o)), o);
}
export function zerosLike(t: Tensor): Tensor { return new Tensor(call(O.zerosLike, [t.handle]) as Handle); }
export function onesLike(t: Tensor): Tensor { return new Tensor(call(O.onesLike, [t.handle]) as Handle); }
export function fullLike(t: Tensor, v: number): Tensor { return new Tensor(call(O.fullLike, [t.handle, v]) as Handle); }

// ---- random (seeded by manualSeed) ----
/** U[0, 1) */
export function rand(shape: readonly number[], o: Options = {}): Tensor {
  return finish(call(O.rand, [checkShape(shape, 'rand')], kw(o)), o);
}
/** N(0, 1) */
export function randn(shape: readonly number[], o: Options = {}): Tensor {
  return finish(call(O.randn, [checkShape(shape, 'randn')], kw(o)), o);
}
/** Integers in [low, high). */
export function randint(low: number, high: number, shape: readonly number[], o: Options = {}): Tensor {
  return finish(call(O.randint, [low, high, checkShape(shape, 'randint')], kw(o, 'int64')), o);
}
/** A random permutation of 0..n-1 (int64). */
export function randperm(n: number, o: Options = {}): Tensor {
  return finish(call(O.randperm, [n], kw(o, 'int64')), o);
}
export function randLike(t: Tensor): Tensor { return new Tensor(call(O.randLike, [t.handle]) as Handle); }
export function randnLike(t: Tensor): Tensor { return new Tensor(call(O.randnLike, [t.handle]) as Handle); }
/** Bernoulli draws: with probability `p` (number, same shape as `like`) or per element of a probability tensor. */
export function bernoulli(probs: Tensor, p?: number): Tensor {
  return p === undefined
    ? new Tensor(call(O.bernoulliT, [probs.handle]) as Handle)
    : new Tensor(call(O.bernoulli, [probs.handle, p]) as Handle);
}
/** Draw `n` category indices per row of (unnormalised, non-negative) weights. */
export function multinomial(weights: Tensor, n: number, replacement = false): Tensor {
  return new Tensor(call(O.multinomial, [weights.handle, n, replacement]) as Handle);
}
/** Standard Gumbel noise −log(−log U), U ~ U(0,1), clamped away from 0 and 1. */
export function gumbel(shape: readonly number[], o: Options = {}): Tensor {
  const u = rand(shape, o);
  const eps = (o.dtype ?? 'float32') === 'float64' ? 1e-12 : 1e-7;
  u.clamp_(eps, 1 - eps);
  const a = u.log();
  const b = a.neg();
  const c = b.log();
  const g = c.neg();
  for (const t of [u, a, b, c]) t.dispose();
  return g;
}
