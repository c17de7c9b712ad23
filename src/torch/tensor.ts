// The Tensor: a libtorch tensor seen from TypeScript. Methods call ATen operators by name.
import { call, callDiscard, op } from './dispatch.js';
import { type DType, type TypedArray, viewOf } from './dtype.js';
import { EngineError } from './errors.js';
import { type Handle, native } from './native.js';
import { track } from './scope.js';

export type Scalar = number | boolean;
export type TensorOrScalar = Tensor | number;
type Shape = readonly number[];

const O = {
  addT: op('add.Tensor'),
  addS: op('add.Scalar'),
  subT: op('sub.Tensor'),
  subS: op('sub.Scalar'),
  mulT: op('mul.Tensor'),
  mulS: op('mul.Scalar'),
  divT: op('div.Tensor'),
  divS: op('div.Scalar'),
  powS: op('pow.Tensor_Scalar'),
  powT: op('pow.Tensor_Tensor'),
  rsubS: op('rsub.Scalar'),
  neg: op('neg'),
  exp: op('exp'),
  log: op('log'),
  sqrt: op('sqrt'),
  rsqrt: op('rsqrt'),
  abs: op('abs'),
  sign: op('sign'),
  square: op('square'),
  reciprocal: op('reciprocal'),
  floor: op('floor'),
  round: op('round'),
  relu: op('relu'),
  sigmoid: op('sigmoid'),
  tanh: op('tanh'),
  clamp: op('clamp'),
  log1p: op('log1p'),
  maximum: op('maximum'),
  minimum: op('minimum'),
  eqT: op('eq.Tensor'),
  eqS: op('eq.Scalar'),
  neT: op('ne.Tensor'),
  neS: op('ne.Scalar'),
  ltT: op('lt.Tensor'),
  ltS: op('lt.Scalar'),
  leT: op('le.Tensor'),
  leS: op('le.Scalar'),
  gtT: op('gt.Tensor'),
  gtS: op('gt.Scalar'),
  geT: op('ge.Tensor'),
  geS: op('ge.Scalar'),
  logicalNot: op('logical_not'),
  logicalAnd: op('logical_and'),
  logicalOr: op('logical_or'),
  sum: op('sum'),
  sumDim: op('sum.dim_IntList'),
  mean: op('mean'),
  meanDim: op('mean.dim'),
  max: op('max'),
  min: op('min'),
  maxDim: op('max.dim'),
  minDim: op('min.dim'),
  argmax: op('argmax'),
  argmin: op('argmin'),
  varDim: op('var.correction'),
  amax: op('amax'),
  amin: op('amin'),
  prod: op('prod'),
  cumsum: op('cumsum'),
  norm: op('linalg_vector_norm'),
  all: op('all'),
  any: op('any'),
  logsumexp: op('logsumexp'),
  topk: op('topk'),
  sort: op('sort'),
  reshape: op('reshape'),
  view: op('view'),
  flatten: op('flatten.using_ints'),
  tr: op('t'),
  permute: op('permute'),
  transpose: op('transpose.int'),
  squeeze: op('squeeze'),
  squeezeDim: op('squeeze.dim'),
  unsqueeze: op('unsqueeze'),
  expand: op('expand'),
  repeat: op('repeat'),
  narrow: op('narrow'),
  slice: op('slice.Tensor'),
  select: op('select.int'),
  indexSelect: op('index_select'),
  gather: op('gather'),
  index: op('index.Tensor'),
  maskedFill: op('masked_fill.Scalar'),
  maskedFillT: op('masked_fill.Tensor'),
  chunk: op('chunk'),
  split: op('split.Tensor'),
  splitSizes: op('split_with_sizes'),
  contiguous: op('contiguous'),
  clone: op('clone'),
  detach: op('detach'),
  matmul: op('matmul'),
  mm: op('mm'),
  t: op('t'),
  softmax: op('softmax.int'),
  logSoftmax: op('log_softmax.int'),
  toDtype: op('to.dtype'),
  toDevice: op('to.device'),
  scatter: op('scatter.src'),
  indexPut: op('index_put'),
  add_: op('add_.Tensor'),
  addS_: op('add_.Scalar'),
  sub_: op('sub_.Tensor'),
  subS_: op('sub_.Scalar'),
  mul_: op('mul_.Tensor'),
  mulS_: op('mul_.Scalar'),
  div_: op('div_.Tensor'),
  divS_: op('div_.Scalar'),
  addcmul_: op('addcmul_'),
  addcdiv_: op('addcdiv_'),
  copy_: op('copy_'),
  zero_: op('zero_'),
  fill_: op('fill_.Scalar'),
  clamp_: op('clamp_'),
  lerp_: op('lerp_.Scalar'),
  uniform_: op('uniform_'),
  normal_: op('normal_'),
  sqrt_: op('sqrt_'),
  maskedFill_: op('masked_fill_.Scalar'),
  relu_: op('relu_'),
  hardtanh_: op('hardtanh_'),
  requiresGrad_: op('requires_grad_'),
};

function h(x: Tensor): Handle {
  if (!(x instanceof Tensor)) throw new EngineError(`expected a Tensor, got ${describe(x)}`);
  return x.handle;
}

/** A short description of a JS value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'Object'})`;
  if (typeof v === 'string') return `the string '${v.length > 20 ? `${v.slice(0, 20)}...` : v}'`;
  return `${typeof v} ${String(v)}`;
}

/** The handle of a tensor argument, with a clear error for anything else. */
export function handleOf(x: Tensor, what: string): Handle {
  if (!(x instanceof Tensor)) throw new EngineError(`expected a Tensor, got ${describe(x)}`, what);
  return x.handle;
}

function normDims(dims: number | readonly number[] | undefined): number[] | null {
  if (dims === undefined) return null;
  return typeof dims === 'number' ? [dims] : [...dims];
}

export class Tensor {
  /** @internal the native handle; use only inside src/torch. */
  readonly handle: Handle;
  kept = false;
  private _shape: number[] | undefined;
  private _disposed = false;

  /** @internal wrap a native handle (use the creation functions instead). */
  constructor(handle: Handle) {
    this.handle = handle;
    track(this);
  }

  // ---- identity and memory ----
  get shape(): number[] {
    this.alive();
    return (this._shape ??= native.shape(this.handle));
  }
  get ndim(): number {
    return this.shape.length;
  }
  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  get dtype(): DType {
    this.alive();
    return native.dtype(this.handle) as DType;
  }
  get device(): string {
    this.alive();
    return native.device(this.handle);
  }
  get isDisposed(): boolean {
    return this._disposed;
  }
  size(dim: number): number {
    const s = this.shape;
    const d = dim < 0 ? s.length + dim : dim;
    if (d < 0 || d >= s.length) throw new EngineError(`dimension ${dim} out of range for a ${s.length}-d tensor`, 'size');
    return s[d]!;
  }

  /** Free the native memory now (views and the autograd graph keep what they need). */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    native.dispose(this.handle);
  }

  /** Keep this tensor out of every `tidy` scope (it lives until disposed). */
  keep(): this {
    this.kept = true;
    return this;
  }

  private alive(): void {
    if (this._disposed)
      throw new EngineError('this tensor was disposed (by dispose() or by the end of its tidy scope); keep() it or return it from tidy to use it later');
  }

  // ---- data ----
  /** A copy of the elements (row-major) in the dtype's typed array. */
  data(): TypedArray {
    this.alive();
    return viewOf(this.dtype, native.toBuffer(this.handle));
  }
  /** A copy of the elements as plain numbers. */
  toArray(): number[] {
    const d = this.data();
    return d instanceof BigInt64Array ? Array.from(d, Number) : Array.from(d as ArrayLike<number>);
  }
  item(): number {
    this.alive();
    try {
      return native.item(this.handle);
    } catch (e) {
      throw EngineError.from(e, 'item');
    }
  }

  // ---- autograd ----
  get requiresGrad(): boolean {
    this.alive();
    return native.requiresGrad(this.handle);
  }
  set requiresGrad(on: boolean) {
    this.alive();
    try {
      native.setRequiresGrad(this.handle, on);
    } catch (e) {
      throw EngineError.from(e, 'requiresGrad');
    }
  }
  /** Sets requires_grad and returns this. */
  requiresGrad_(on = true): this {
    this.requiresGrad = on;
    return this;
  }
  get isLeaf(): boolean {
    this.alive();
    return native.isLeaf(this.handle);
  }
  get gradFn(): string | null {
    this.alive();
    return native.gradFn(this.handle);
  }
  /** The accumulated gradient (a new handle on it), or null. */
  get grad(): Tensor | null {
    this.alive();
    const g = native.grad(this.handle);
    return g === null ? null : new Tensor(g);
  }
  set grad(g: Tensor | null) {
    this.alive();
    try {
      native.setGrad(this.handle, g === null ? null : handleOf(g, 'grad'));
    } catch (e) {
      throw EngineError.from(e, 'grad');
    }
  }
  /** Backpropagate from this tensor (a scalar unless `gradient` is given). */
  backward(gradient?: Tensor, opts: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    this.alive();
    try {
      native.backward([this.handle], gradient ? [gradient.handle] : null, opts.retainGraph, opts.createGraph ?? false, null);
    } catch (e) {
      throw EngineError.from(e, 'backward');
    }
  }
  detach(): Tensor {
    return this.t1(O.detach);
  }

  // ---- conversion ----
  to(target: DType | string): Tensor {
    if (isDtypeName(target)) return target === this.dtype ? this.t1(O.clone) : this.opCall(O.toDtype, [h(this), target]);
    return this.opCall(O.toDevice, [h(this), target, this.dtype]);
  }
  float(): Tensor {
    return this.to('float32');
  }
  double(): Tensor {
    return this.to('float64');
  }
  long(): Tensor {
    return this.to('int64');
  }
  clone(): Tensor {
    return this.t1(O.clone);
  }
  contiguous(): Tensor {
    return this.t1(O.contiguous);
  }

  // ---- elementwise ----
  add(o: TensorOrScalar, alpha = 1): Tensor {
    return typeof o === 'number' ? this.opCall(O.addS, [h(this), o, alpha]) : this.opCall(O.addT, [h(this), h(o), alpha]);
  }
  sub(o: TensorOrScalar, alpha = 1): Tensor {
    return typeof o === 'number' ? this.opCall(O.subS, [h(this), o, alpha]) : this.opCall(O.subT, [h(this), h(o), alpha]);
  }
  /** other - this (scalar other), as torch.rsub. */
  rsub(o: number): Tensor {
    return this.opCall(O.rsubS, [h(this), o]);
  }
  mul(o: TensorOrScalar): Tensor {
    return typeof o === 'number' ? this.opCall(O.mulS, [h(this), o]) : this.opCall(O.mulT, [h(this), h(o)]);
  }
  div(o: TensorOrScalar): Tensor {
    return typeof o === 'number' ? this.opCall(O.divS, [h(this), o]) : this.opCall(O.divT, [h(this), h(o)]);
  }
  pow(e: TensorOrScalar): Tensor {
    return typeof e === 'number' ? this.opCall(O.powS, [h(this), e]) : this.opCall(O.powT, [h(this), h(e)]);
  }
  neg(): Tensor {
    return this.t1(O.neg);
  }
  exp(): Tensor {
    return this.t1(O.exp);
  }
  log(): Tensor {
    return this.t1(O.log);
  }
  log1p(): Tensor {
    return this.t1(O.log1p);
  }
  sqrt(): Tensor {
    return this.t1(O.sqrt);
  }
  rsqrt(): Tensor {
    return this.t1(O.rsqrt);
  }
  abs(): Tensor {
    return this.t1(O.abs);
  }
  sign(): Tensor {
    return this.t1(O.sign);
  }
  square(): Tensor {
    return this.t1(O.square);
  }
  reciprocal(): Tensor {
    return this.t1(O.reciprocal);
  }
  floor(): Tensor {
    return this.t1(O.floor);
  }
  round(): Tensor {
    return this.t1(O.round);
  }
  relu(): Tensor {
    return this.t1(O.relu);
  }
  sigmoid(): Tensor {
    return this.t1(O.sigmoid);
  }
  tanh(): Tensor {
    return this.t1(O.tanh);
  }
  clamp(min: number | null, max: number | null = null): Tensor {
    return this.opCall(O.clamp, [h(this), min, max]);
  }
  maximum(o: Tensor): Tensor {
    return this.opCall(O.maximum, [h(this), h(o)]);
  }
  minimum(o: Tensor): Tensor {
    return this.opCall(O.minimum, [h(this), h(o)]);
  }

  // ---- comparisons (bool tensors) ----
  eq(o: TensorOrScalar): Tensor {
    return this.cmp(O.eqT, O.eqS, o);
  }
  ne(o: TensorOrScalar): Tensor {
    return this.cmp(O.neT, O.neS, o);
  }
  lt(o: TensorOrScalar): Tensor {
    return this.cmp(O.ltT, O.ltS, o);
  }
  le(o: TensorOrScalar): Tensor {
    return this.cmp(O.leT, O.leS, o);
  }
  gt(o: TensorOrScalar): Tensor {
    return this.cmp(O.gtT, O.gtS, o);
  }
  ge(o: TensorOrScalar): Tensor {
    return this.cmp(O.geT, O.geS, o);
  }
  logicalNot(): Tensor {
    return this.t1(O.logicalNot);
  }
  logicalAnd(o: Tensor): Tensor {
    return this.opCall(O.logicalAnd, [h(this), h(o)]);
  }
  logicalOr(o: Tensor): Tensor {
    return this.opCall(O.logicalOr, [h(this), h(o)]);
  }

  // ---- reductions ----
  sum(dims?: number | readonly number[], keepdim = false): Tensor {
    const d = normDims(dims);
    return d === null ? this.t1(O.sum) : this.opCall(O.sumDim, [h(this), d, keepdim]);
  }
  mean(dims?: number | readonly number[], keepdim = false): Tensor {
    const d = normDims(dims);
    return d === null ? this.t1(O.mean) : this.opCall(O.meanDim, [h(this), d, keepdim]);
  }
  /** Variance (unbiased unless `correction` is 0). */
  var(dims?: number | readonly number[], keepdim = false, correction = 1): Tensor {
    return this.opCall(O.varDim, [h(this), normDims(dims)], { correction, keepdim });
  }
  std(dims?: number | readonly number[], keepdim = false, correction = 1): Tensor {
    const v = this.var(dims, keepdim, correction);
    const s = v.sqrt();
    v.dispose();
    return s;
  }
  prod(): Tensor {
    return this.t1(O.prod);
  }
  all(): Tensor {
    return this.t1(O.all);
  }
  any(): Tensor {
    return this.t1(O.any);
  }
  /** Maximum of all elements. */
  max(): Tensor {
    return this.t1(O.max);
  }
  min(): Tensor {
    return this.t1(O.min);
  }
  amax(dims: number | readonly number[], keepdim = false): Tensor {
    return this.opCall(O.amax, [h(this), normDims(dims), keepdim]);
  }
  amin(dims: number | readonly number[], keepdim = false): Tensor {
    return this.opCall(O.amin, [h(this), normDims(dims), keepdim]);
  }
  /** Maximum along a dimension: values and their indices. */
  maxDim(dim: number, keepdim = false): { values: Tensor; indices: Tensor } {
    const [values, indices] = this.tn(O.maxDim, [h(this), dim, keepdim]);
    return { values: values!, indices: indices! };
  }
  minDim(dim: number, keepdim = false): { values: Tensor; indices: Tensor } {
    const [values, indices] = this.tn(O.minDim, [h(this), dim, keepdim]);
    return { values: values!, indices: indices! };
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return this.opCall(O.argmax, [h(this), dim ?? null, keepdim]);
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return this.opCall(O.argmin, [h(this), dim ?? null, keepdim]);
  }
  topk(k: number, dim = -1, largest = true, sorted = true): { values: Tensor; indices: Tensor } {
    const [values, indices] = this.tn(O.topk, [h(this), k, dim, largest, sorted]);
    return { values: values!, indices: indices! };
  }
  sort(dim = -1, descending = false): { values: Tensor; indices: Tensor } {
    const [values, indices] = this.tn(O.sort, [h(this), dim, descending]);
    return { values: values!, indices: indices! };
  }
  cumsum(dim: number): Tensor {
    return this.opCall(O.cumsum, [h(this), dim]);
  }
  logsumexp(dims: number | readonly number[], keepdim = false): Tensor {
    return this.opCall(O.logsumexp, [h(this), normDims(dims), keepdim]);
  }
  /** The p-norm over all elements (or `dims`). */
  norm(p = 2, dims?: number | readonly number[], keepdim = false): Tensor {
    return this.opCall(O.norm, [h(this), p, normDims(dims), keepdim]);
  }

  // ---- shapes and indexing ----
  reshape(shape: Shape): Tensor {
    return this.opCall(O.reshape, [h(this), [...shape]]);
  }
  view(shape: Shape): Tensor {
    return this.opCall(O.view, [h(this), [...shape]]);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return this.opCall(O.flatten, [h(this), startDim, endDim]);
  }
  permute(dims: Shape): Tensor {
    return this.opCall(O.permute, [h(this), [...dims]]);
  }
  /** The transpose of a matrix (a 0-D or 1-D tensor comes back as it is), as PyTorch's `t()`. */
  t(): Tensor {
    return this.opCall(O.tr, [h(this)]);
  }
  transpose(d0: number, d1: number): Tensor {
    return this.opCall(O.transpose, [h(this), d0, d1]);
  }
  /** Transpose of a 2-d tensor. */
  T(): Tensor {
    return this.t1(O.t);
  }
  squeeze(dim?: number): Tensor {
    return dim === undefined ? this.t1(O.squeeze) : this.opCall(O.squeezeDim, [h(this), dim]);
  }
  unsqueeze(dim: number): Tensor {
    return this.opCall(O.unsqueeze, [h(this), dim]);
  }
  expand(shape: Shape): Tensor {
    return this.opCall(O.expand, [h(this), [...shape]]);
  }
  repeat(times: Shape): Tensor {
    return this.opCall(O.repeat, [h(this), [...times]]);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return this.opCall(O.narrow, [h(this), dim, start, length]);
  }
  /** Elements start..end (exclusive) along dim, every `step`-th. */
  slice(dim: number, start: number | null, end: number | null, step = 1): Tensor {
    return this.opCall(O.slice, [h(this), dim, start, end, step]);
  }
  select(dim: number, index: number): Tensor {
    return this.opCall(O.select, [h(this), dim, index]);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return this.opCall(O.indexSelect, [h(this), dim, h(index)]);
  }
  gather(dim: number, index: Tensor): Tensor {
    return this.opCall(O.gather, [h(this), dim, h(index)]);
  }
  scatter(dim: number, index: Tensor, src: Tensor): Tensor {
    return this.opCall(O.scatter, [h(this), dim, h(index), h(src)]);
  }
  /** Advanced indexing: `indices[i]` indexes dimension i (null keeps it whole), as x[idx0, idx1]. */
  index(indices: readonly (Tensor | null)[]): Tensor {
    return this.opCall(O.index, [h(this), indices.map((i) => (i ? h(i) : null))]);
  }
  indexPut(indices: readonly (Tensor | null)[], values: Tensor, accumulate = false): Tensor {
    return this.opCall(O.indexPut, [h(this), indices.map((i) => (i ? h(i) : null)), h(values), accumulate]);
  }
  maskedFill(mask: Tensor, value: TensorOrScalar): Tensor {
    return typeof value === 'number' ? this.opCall(O.maskedFill, [h(this), h(mask), value]) : this.opCall(O.maskedFillT, [h(this), h(mask), h(value)]);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return this.tn(O.chunk, [h(this), chunks, dim]);
  }
  /** Split into pieces of `size` (a number) or of the given sizes (an array). */
  split(size: number | readonly number[], dim = 0): Tensor[] {
    return typeof size === 'number' ? this.tn(O.split, [h(this), size, dim]) : this.tn(O.splitSizes, [h(this), [...size], dim]);
  }

  // ---- linear algebra and normalisers ----
  matmul(o: Tensor): Tensor {
    return this.opCall(O.matmul, [h(this), h(o)]);
  }
  mm(o: Tensor): Tensor {
    return this.opCall(O.mm, [h(this), h(o)]);
  }
  softmax(dim: number): Tensor {
    return this.opCall(O.softmax, [h(this), dim]);
  }
  logSoftmax(dim: number): Tensor {
    return this.opCall(O.logSoftmax, [h(this), dim]);
  }

  // ---- in place (optimisers, initialisers); return this ----
  add_(o: TensorOrScalar, alpha = 1): this {
    return typeof o === 'number' ? this.ip(O.addS_, [h(this), o, alpha]) : this.ip(O.add_, [h(this), h(o), alpha]);
  }
  sub_(o: TensorOrScalar, alpha = 1): this {
    return typeof o === 'number' ? this.ip(O.subS_, [h(this), o, alpha]) : this.ip(O.sub_, [h(this), h(o), alpha]);
  }
  mul_(o: TensorOrScalar): this {
    return typeof o === 'number' ? this.ip(O.mulS_, [h(this), o]) : this.ip(O.mul_, [h(this), h(o)]);
  }
  div_(o: TensorOrScalar): this {
    return typeof o === 'number' ? this.ip(O.divS_, [h(this), o]) : this.ip(O.div_, [h(this), h(o)]);
  }
  /** this += value * a * b */
  addcmul_(a: Tensor, b: Tensor, value = 1): this {
    return this.ip(O.addcmul_, [h(this), h(a), h(b), value]);
  }
  /** this += value * a / b */
  addcdiv_(a: Tensor, b: Tensor, value = 1): this {
    return this.ip(O.addcdiv_, [h(this), h(a), h(b), value]);
  }
  copy_(src: Tensor): this {
    return this.ip(O.copy_, [h(this), h(src)]);
  }
  zero_(): this {
    return this.ip(O.zero_, [h(this)]);
  }
  fill_(v: number): this {
    return this.ip(O.fill_, [h(this), v]);
  }
  clamp_(min: number | null, max: number | null = null): this {
    return this.ip(O.clamp_, [h(this), min, max]);
  }
  lerp_(end: Tensor, weight: number): this {
    return this.ip(O.lerp_, [h(this), h(end), weight]);
  }
  sqrt_(): this {
    return this.ip(O.sqrt_, [h(this)]);
  }
  /** In-place ReLU (autograd needs only the result, so it is safe right after batch norm or a conv). */
  relu_(): this {
    return this.ip(O.relu_, [h(this)]);
  }
  /** In-place ReLU6 (min(max(x, 0), 6)); safe where relu_ is. */
  relu6_(): this {
    return this.ip(O.hardtanh_, [h(this), 0, 6]);
  }
  maskedFill_(mask: Tensor, value: number): this {
    return this.ip(O.maskedFill_, [h(this), h(mask), value]);
  }
  /** Fill with U(low, high) from the global generator. */
  uniform_(low = 0, high = 1): this {
    return this.ip(O.uniform_, [h(this), low, high]);
  }
  /** Fill with N(mean, std²) from the global generator. */
  normal_(mean = 0, std = 1): this {
    return this.ip(O.normal_, [h(this), mean, std]);
  }

  toString(): string {
    if (this._disposed) return 'Tensor(disposed)';
    return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype}, device=${this.device})`;
  }

  // ---- helpers ----
  private opCall(o: ReturnType<typeof op>, args: unknown[], kw?: Record<string, unknown>): Tensor {
    this.alive();
    return new Tensor(call(o, args, kw) as Handle);
  }
  private t1(o: ReturnType<typeof op>): Tensor {
    this.alive();
    return new Tensor(call(o, [this.handle]) as Handle);
  }
  private tn(o: ReturnType<typeof op>, args: unknown[]): Tensor[] {
    this.alive();
    return (call(o, args) as Handle[]).map((x) => new Tensor(x));
  }
  private cmp(t: ReturnType<typeof op>, s: ReturnType<typeof op>, o: TensorOrScalar): Tensor {
    return typeof o === 'number' ? this.opCall(s, [h(this), o]) : this.opCall(t, [h(this), h(o)]);
  }
  private ip(o: ReturnType<typeof op>, args: unknown[]): this {
    this.alive();
    callDiscard(o, args);
    return this;
  }
}

function isDtypeName(s: string): s is DType {
  return (
    s === 'float32' ||
    s === 'float64' ||
    s === 'float16' ||
    s === 'bfloat16' ||
    s === 'int64' ||
    s === 'int32' ||
    s === 'int16' ||
    s === 'int8' ||
    s === 'uint8' ||
    s === 'bool'
  );
}

/** Wrap a raw operator result: handles become tensors (arrays and nulls are kept as such). */
export function wrapResult(v: unknown): unknown {
  if (v === null || v === undefined || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(wrapResult);
  return new Tensor(v as Handle);
}

/** Replace tensors by their handles in an argument list. */
export function unwrapArgs(v: unknown): unknown {
  if (v instanceof Tensor) return v.handle;
  if (Array.isArray(v)) return v.map(unwrapArgs);
  return v;
}
