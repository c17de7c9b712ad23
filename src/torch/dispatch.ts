// Operators are called by name through libtorch's dispatcher; ids are resolved once, lazily.
import { EngineError } from './errors.js';
import { native } from './native.js';

export class Op {
  private id = -1;
  readonly name: string;
  readonly overload: string;

  /** `qualified` is "name" or "name.overload", without the "aten::" namespace. */
  constructor(qualified: string) {
    const dot = qualified.indexOf('.');
    this.name = dot < 0 ? qualified : qualified.slice(0, dot);
    this.overload = dot < 0 ? '' : qualified.slice(dot + 1);
  }

  get ref(): number {
    if (this.id < 0) {
      const ns = this.name.includes('::') ? this.name : `aten::${this.name}`;
      this.id = native.resolveOp(ns, this.overload);
    }
    return this.id;
  }

  get schema(): string {
    return native.opSchema(this.ref);
  }

  toString(): string {
    return this.overload ? `${this.name}.${this.overload}` : this.name;
  }
}

const ops = new Map<string, Op>();

/** The operator `aten::name.overload`, cached. */
export function op(qualified: string): Op {
  let o = ops.get(qualified);
  if (o === undefined) {
    o = new Op(qualified);
    ops.set(qualified, o);
  }
  return o;
}

/** Raw call: arguments must already be handles/numbers/strings; libtorch errors become EngineError. */
export function call(o: Op, args: unknown[], kwargs?: Record<string, unknown>): unknown {
  try {
    return native.callOp(o.ref, args, kwargs ?? null, false);
  } catch (e) {
    throw EngineError.from(e, o.toString());
  }
}

/** Raw call whose results are not needed (in-place updates). */
export function callDiscard(o: Op, args: unknown[], kwargs?: Record<string, unknown>): void {
  try {
    native.callOp(o.ref, args, kwargs ?? null, true);
  } catch (e) {
    throw EngineError.from(e, o.toString());
  }
}
