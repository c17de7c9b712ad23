// Deterministic memory: every tensor created inside `tidy` is freed when it returns, except
// what it returns (handed to the enclosing scope) and what was `keep`-ed.
import { native } from './native.js';

export interface Scoped {
  /** true once freed; a freed tensor cannot be used again. */
  readonly isDisposed: boolean;
  dispose(): void;
  /** set by `keep`: never freed by a scope. */
  kept: boolean;
}

const scopes: Scoped[][] = [];

/** Called by every tensor at birth. */
export function track(t: Scoped): void {
  const top = scopes[scopes.length - 1];
  if (top !== undefined) top.push(t);
}

/** Exempt a tensor from every scope (parameters, buffers, cached constants). */
export function keep<T extends Scoped>(t: T): T {
  t.kept = true;
  return t;
}

/** Finds the tensors in a value: arrays, Maps, Sets and plain objects are searched, at any depth. */
function collect(value: unknown, out: Set<Scoped>, seen: Set<object> = new Set()): void {
  if (value === null || typeof value !== 'object') return;
  if (isScoped(value)) {
    out.add(value);
    return;
  }
  if (seen.has(value)) return; // cycles
  seen.add(value);
  if (Array.isArray(value) || value instanceof Set) {
    for (const v of value) collect(v, out, seen);
  } else if (value instanceof Map) {
    for (const v of value.values()) collect(v, out, seen);
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) for (const v of Object.values(value)) collect(v, out, seen);
  }
}

function isScoped(v: object): v is Scoped {
  return typeof (v as Scoped).dispose === 'function' && 'kept' in v;
}

/**
 * Runs `fn` in a new scope: tensors created inside are disposed when it returns, except the
 * ones in its result (arrays, Maps, Sets and plain objects are searched), which move to the
 * enclosing scope. `fn` must be synchronous.
 */
export function tidy<T>(fn: () => T): T {
  const mine: Scoped[] = [];
  scopes.push(mine);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    release(mine, null);
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    release(mine, null);
    throw new TypeError('tidy(fn): fn returned a Promise; scopes are synchronous, use them inside the async work');
  }
  const out = new Set<Scoped>();
  collect(result, out);
  release(mine, out, scopes[scopes.length - 1]);
  return result;
}

/**
 * Dispose the scope's tensors except survivors, which move to `parent`. Only tensors born in
 * this scope move: a returned tensor from an outer scope stays where it was.
 */
function release(list: Scoped[], survivors: Set<Scoped> | null, parent?: Scoped[]): void {
  for (const t of list) {
    if (t.kept || t.isDisposed) continue;
    if (survivors?.has(t)) {
      if (parent !== undefined) parent.push(t);
      continue;
    }
    t.dispose();
  }
}

/** Dispose every tensor found in `value` (a tensor, array, Map, Set or plain object of them). */
export function dispose(value: unknown): void {
  const found = new Set<Scoped>();
  collect(value, found);
  for (const t of found) if (!t.isDisposed) t.dispose();
}

/** Runs fn with autograd off (torch.no_grad). */
export function noGrad<T>(fn: () => T): T {
  const prev = native.setGradEnabled(false);
  try {
    return fn();
  } finally {
    native.setGradEnabled(prev);
  }
}

/** Runs fn with autograd on, even inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  const prev = native.setGradEnabled(true);
  try {
    return fn();
  } finally {
    native.setGradEnabled(prev);
  }
}

export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}

/** How many scopes are open (for tests and leak checks). */
export function scopeDepth(): number {
  return scopes.length;
}
