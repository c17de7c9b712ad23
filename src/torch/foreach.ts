// Multi-tensor (`_foreach_*`) operators: one native call updates a whole list of tensors, which
// is how optimisers step every parameter of a group without a JavaScript loop per tensor.
// Operators ending in `_` update their first list in place; the others return new tensors.
// libtorch 1.13 rejects empty lists, so each wrapper does nothing (or returns []) for them.
// The `Scalar[]` overloads (one scalar per tensor) are not wrapped: the addon's argument
// conversion has no list-of-Scalar case; callers group tensors that share a scalar instead.
import { call, callDiscard, op } from './dispatch.js';
import { type Handle } from './native.js';
import { Tensor } from './tensor.js';

const O = {
  addL_: op('_foreach_add_.List'),
  addS_: op('_foreach_add_.Scalar'),
  addL: op('_foreach_add.List'),
  addS: op('_foreach_add.Scalar'),
  subL_: op('_foreach_sub_.List'),
  subS_: op('_foreach_sub_.Scalar'),
  mulL_: op('_foreach_mul_.List'),
  mulS_: op('_foreach_mul_.Scalar'),
  mulL: op('_foreach_mul.List'),
  mulS: op('_foreach_mul.Scalar'),
  divL_: op('_foreach_div_.List'),
  divS_: op('_foreach_div_.Scalar'),
  divL: op('_foreach_div.List'),
  divS: op('_foreach_div.Scalar'),
  addcmul_: op('_foreach_addcmul_.Scalar'),
  addcmul: op('_foreach_addcmul.Scalar'),
  addcdiv_: op('_foreach_addcdiv_.Scalar'),
  addcdiv: op('_foreach_addcdiv.Scalar'),
  sqrt: op('_foreach_sqrt'),
  sqrt_: op('_foreach_sqrt_'),
  neg: op('_foreach_neg'),
  neg_: op('_foreach_neg_'),
  maximum_: op('_foreach_maximum_.List'),
  zero_: op('_foreach_zero_'),
  norm: op('_foreach_norm.Scalar'),
};

type List = readonly Tensor[];

const hs = (l: List): Handle[] => l.map((t) => t.handle);
const wrap = (r: unknown): Tensor[] => (r as Handle[]).map((x) => new Tensor(x));

/** self[i] += alpha * other[i] (a list), or self[i] += other (a number). */
export function add_(self: List, other: List | number, alpha = 1): void {
  if (self.length === 0) return;
  if (typeof other === 'number') callDiscard(O.addS_, [hs(self), other * alpha]);
  else callDiscard(O.addL_, [hs(self), hs(other)], { alpha });
}

/** self[i] + alpha * other[i] (a list), or self[i] + other (a number), as new tensors. */
export function add(self: List, other: List | number, alpha = 1): Tensor[] {
  if (self.length === 0) return [];
  if (typeof other === 'number') return wrap(call(O.addS, [hs(self), other * alpha]));
  return wrap(call(O.addL, [hs(self), hs(other)], { alpha }));
}

/** self[i] -= alpha * other[i] (a list), or self[i] -= other (a number). */
export function sub_(self: List, other: List | number, alpha = 1): void {
  if (self.length === 0) return;
  if (typeof other === 'number') callDiscard(O.subS_, [hs(self), other * alpha]);
  else callDiscard(O.subL_, [hs(self), hs(other)], { alpha });
}

/** self[i] *= other[i] (a list) or other (a number). */
export function mul_(self: List, other: List | number): void {
  if (self.length === 0) return;
  if (typeof other === 'number') callDiscard(O.mulS_, [hs(self), other]);
  else callDiscard(O.mulL_, [hs(self), hs(other)]);
}

export function mul(self: List, other: List | number): Tensor[] {
  if (self.length === 0) return [];
  return wrap(typeof other === 'number' ? call(O.mulS, [hs(self), other]) : call(O.mulL, [hs(self), hs(other)]));
}

/** self[i] /= other[i] (a list) or other (a number). */
export function div_(self: List, other: List | number): void {
  if (self.length === 0) return;
  if (typeof other === 'number') callDiscard(O.divS_, [hs(self), other]);
  else callDiscard(O.divL_, [hs(self), hs(other)]);
}

export function div(self: List, other: List | number): Tensor[] {
  if (self.length === 0) return [];
  return wrap(typeof other === 'number' ? call(O.divS, [hs(self), other]) : call(O.divL, [hs(self), hs(other)]));
}

/** self[i] += value * a[i] * b[i] */
export function addcmul_(self: List, a: List, b: List, value = 1): void {
  if (self.length === 0) return;
  callDiscard(O.addcmul_, [hs(self), hs(a), hs(b), value]);
}

/** self[i] + value * a[i] * b[i], as new tensors. */
export function addcmul(self: List, a: List, b: List, value = 1): Tensor[] {
  if (self.length === 0) return [];
  return wrap(call(O.addcmul, [hs(self), hs(a), hs(b), value]));
}

/** self[i] += value * a[i] / b[i] */
export function addcdiv_(self: List, a: List, b: List, value = 1): void {
  if (self.length === 0) return;
  callDiscard(O.addcdiv_, [hs(self), hs(a), hs(b), value]);
}

/** self[i] + value * a[i] / b[i], as new tensors. */
export function addcdiv(self: List, a: List, b: List, value = 1): Tensor[] {
  if (self.length === 0) return [];
  return wrap(call(O.addcdiv, [hs(self), hs(a), hs(b), value]));
}

export function sqrt(self: List): Tensor[] {
  return self.length === 0 ? [] : wrap(call(O.sqrt, [hs(self)]));
}

export function sqrt_(self: List): void {
  if (self.length > 0) callDiscard(O.sqrt_, [hs(self)]);
}

export function neg(self: List): Tensor[] {
  return self.length === 0 ? [] : wrap(call(O.neg, [hs(self)]));
}

export function neg_(self: List): void {
  if (self.length > 0) callDiscard(O.neg_, [hs(self)]);
}

/** self[i] = max(self[i], other[i]) elementwise. */
export function maximum_(self: List, other: List): void {
  if (self.length > 0) callDiscard(O.maximum_, [hs(self), hs(other)]);
}

export function zero_(self: List): void {
  if (self.length > 0) callDiscard(O.zero_, [hs(self)]);
}

/** The `ord`-norm of each tensor (0-d tensors). */
export function norm(self: List, ord = 2): Tensor[] {
  return self.length === 0 ? [] : wrap(call(O.norm, [hs(self), ord]));
}
