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
  zeros: op('zeros'),
  ones: op('ones'),
  full: op('full'),
  empty: op('empty.memory_format'),
  arange: op('arange.start_step'),
  linspace: op('linspace'),
  eye: op('eye'),
  rand: op('rand'),
  randn: op('randn'),
  randint: op('randint.low'),
  randperm: op('randperm'),
  bernoulli: op('bernoulli.p'),
  bernoulliT: op('bernoulli'),
  multinomial: op('multinomial'),
  zerosLike: op('zeros_like'),
  onesLike: op('ones_like'),
  randLike: op('rand_like'),
  randnLike: op('randn_like'),
  fullLike: op('full_like'),
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
    // 16-bit floats arrive as their raw bits in a Uint16Array.
    const raw = data instanceof Uint16Array && (o.dtype === 'float16' || o.dtype === 'bfloat16');
    if (!raw && o.dtype && o.dtype !== dtypeOf(data)) {
      // one copy in the array's own dtype, then one libtorch cast: no per-element JS work
      const own = tensor(data, shape, { device: o.device });
      const cast = own.to(o.dtype);
      own.dispose();
      if (o.requiresGrad) cast.requiresGrad = true;
      return cast;
    }
    flat = data;
    inferred = [data.length];
  } else {
    inferred = nestedShape(data);
    const values = (data as unknown[]).flat(Infinity);
    const at = values.findIndex((v) => typeof v !== 'number' && typeof v !== 'boolean');
    if (at >= 0) {
      throw new EngineError(`data must hold numbers or booleans, found ${typeof values[at]} ${String(values[at])} at flat index ${at}`, 'tensor');
    }
    const want = inferred.reduce((a, b) => a * b, 1);
    if (shape === undefined && values.length !== want) {
      throw new EngineError(
        `the nested arrays are ragged: shape [${inferred.join(', ')}] needs ${want} numbers, ` + `found ${values.length}; give every row the same length`,
        'tensor',
      );
    }
    // All booleans make a bool tensor (as torch.tensor does); other numbers default to float32.
    const allBool = values.length > 0 && values.every((v) => typeof v === 'boolean');
    flat = toTyped(values as number[], o.dtype ?? (allBool ? 'bool' : 'float32'));
    if (allBool && o.dtype === undefined) o = { ...o, dtype: 'bool' };
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
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int64':
      return BigInt64Array.from(values, (v) => {
        if (!Number.isFinite(v)) throw new EngineError(`cannot store ${v} in an int64 tensor`, 'tensor');
        return BigInt(Math.trunc(v));
      });
    case 'int32':
      return Int32Array.from(values);
    case 'int16':
      return Int16Array.from(values);
    case 'int8':
      return Int8Array.from(values);
    case 'uint8':
      return Uint8Array.from(values);
    case 'bool':
      return Uint8Array.from(values, (v) => (v ? 1 : 0));
    default:
      throw new EngineError(`cannot build a ${dtype} tensor from numbers; build float32 and convert with .to('${dtype}')`, 'tensor');
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
export function zerosLike(t: Tensor): Tensor {
  return new Tensor(call(O.zerosLike, [t.handle]) as Handle);
}
export function onesLike(t: Tensor): Tensor {
  return new Tensor(call(O.onesLike, [t.handle]) as Handle);
}
export function fullLike(t: Tensor, v: number): Tensor {
  return new Tensor(call(O.fullLike, [t.handle, v]) as Handle);
}

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
export function randLike(t: Tensor): Tensor {
  return new Tensor(call(O.randLike, [t.handle]) as Handle);
}
export function randnLike(t: Tensor): Tensor {
  return new Tensor(call(O.randnLike, [t.handle]) as Handle);
}
/** Bernoulli draws: with probability `p` (number, same shape as `like`) or per element of a probability tensor. */
export function bernoulli(probs: Tensor, p?: number): Tensor {
  return p === undefined ? new Tensor(call(O.bernoulliT, [probs.handle]) as Handle) : new Tensor(call(O.bernoulli, [probs.handle, p]) as Handle);
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
