// Module: named parameters, buffers and children, train/eval modes and state dicts, as in
// PyTorch, so that weights move between nasforge and PyTorch by name.
import { type DType, DTYPES, type Tensor, EngineError, isFloating, keep, loadSafetensors, noGrad, saveSafetensors } from '../torch/index.js';

export abstract class Module {
  training = true;
  private readonly _params = new Map<string, Tensor>();
  private readonly _buffers = new Map<string, Tensor>();
  private readonly _children = new Map<string, Module>();

  /** Register a trainable tensor (it is kept out of scopes and requires grad). */
  protected param(name: string, t: Tensor): Tensor {
    keep(t);
    t.requiresGrad = true;
    this._params.set(name, t);
    return t;
  }

  /** Register a non-trainable state tensor (batch-norm running statistics, masks). */
  protected buffer(name: string, t: Tensor): Tensor {
    keep(t);
    this._buffers.set(name, t);
    return t;
  }

  /** Register a child module under a name (its parameters are found as "name.x"). */
  protected child<M extends Module>(name: string, m: M): M {
    this._children.set(name, m);
    return m;
  }

  /** Replace a registered parameter or buffer's tensor (used by loadStateDict and device moves). */
  protected replaceTensor(name: string, t: Tensor): void {
    const isParam = this._params.has(name);
    const old = isParam ? this._params.get(name)! : this._buffers.get(name);
    if (old === undefined) throw new EngineError(`no parameter or buffer named ${name}`, 'Module');
    keep(t);
    if (isParam) {
      t.requiresGrad = true;
      this._params.set(name, t);
    } else {
      this._buffers.set(name, t);
    }
    // a field of the same name mirrors the registration (names like running_mean use getters)
    if (Object.hasOwn(this, name)) (this as unknown as Record<string, unknown>)[name] = t;
    if (old !== t) old.dispose();
  }

  /** A registered buffer by its state-dict name. */
  protected bufferNamed(name: string): Tensor | undefined {
    return this._buffers.get(name);
  }

  *namedChildren(): IterableIterator<[string, Module]> {
    yield* this._children.entries();
  }

  *namedModules(prefix = ''): IterableIterator<[string, Module]> {
    yield [prefix, this];
    for (const [n, c] of this._children) yield* c.namedModules(prefix ? `${prefix}.${n}` : n);
  }

  *namedParameters(prefix = ''): IterableIterator<[string, Tensor]> {
    for (const [n, p] of this._params) yield [prefix ? `${prefix}.${n}` : n, p];
    for (const [n, c] of this._children) yield* c.namedParameters(prefix ? `${prefix}.${n}` : n);
  }

  *namedBuffers(prefix = ''): IterableIterator<[string, Tensor]> {
    for (const [n, b] of this._buffers) yield [prefix ? `${prefix}.${n}` : n, b];
    for (const [n, c] of this._children) yield* c.namedBuffers(prefix ? `${prefix}.${n}` : n);
  }

  parameters(): Tensor[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }

  /** Number of trainable scalars. */
  numParameters(): number {
    let n = 0;
    for (const [, p] of this.namedParameters()) n += p.numel;
    return n;
  }

  train(on = true): this {
    for (const [, m] of this.namedModules()) m.training = on;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Drop every parameter's gradient (set_to_none, as PyTorch's default). */
  zeroGrad(): void {
    for (const [, p] of this.namedParameters()) p.grad = null;
  }

  /** Parameters and buffers by dotted name (the tensors themselves, not copies). */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [n, p] of this.namedParameters()) out[n] = p;
    for (const [n, b] of this.namedBuffers()) out[n] = b;
    return out;
  }

  /** Copy values in by name. With `strict`, missing or unexpected names and shape mismatches throw. */
  loadStateDict(sd: Record<string, Tensor>, strict = true): void {
    const mine = this.stateDict();
    if (strict) {
      const missing = Object.keys(mine).filter((k) => !(k in sd));
      const extra = Object.keys(sd).filter((k) => !(k in mine));
      if (missing.length || extra.length) {
        throw new EngineError(
          `state dict does not match the model: missing [${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}], unexpected [${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', ...' : ''}]`,
          'loadStateDict',
        );
      }
    }
    noGrad(() => {
      for (const [k, dst] of Object.entries(mine)) {
        const src = sd[k];
        if (src === undefined) continue;
        if (src.shape.join(',') !== dst.shape.join(',')) {
          throw new EngineError(`'${k}' has shape [${src.shape}] in the state dict but [${dst.shape}] in the model`, 'loadStateDict');
        }
        dst.copy_(src);
      }
    });
  }

  save(path: string, metadata: Record<string, string> = {}): void {
    saveSafetensors(path, this.stateDict(), metadata);
  }

  load(path: string, strict = true): Record<string, string> {
    const { tensors, metadata } = loadSafetensors(path);
    try {
      this.loadStateDict(tensors, strict);
    } finally {
      for (const t of Object.values(tensors)) t.dispose();
    }
    return metadata;
  }

  /**
   * Move every parameter and buffer to a device, or convert the floating-point ones to a
   * dtype (integer buffers such as counters keep theirs, as in PyTorch), in place.
   */
  to(target: string): this {
    const isDtype = DTYPES.includes(target as DType);
    const move = (t: Tensor): Tensor | null => (isDtype && !isFloating(t.dtype) ? null : noGrad(() => t.to(target)));
    for (const [, m] of this.namedModules()) {
      for (const [n, p] of [...m._params]) m.replaceTensor(n, move(p) ?? p);
      for (const [n, b] of [...m._buffers]) m.replaceTensor(n, move(b) ?? b);
    }
    return this;
  }

  /** Free every parameter and buffer. */
  dispose(): void {
    for (const [, m] of this.namedModules()) {
      for (const p of m._params.values()) p.dispose();
      for (const b of m._buffers.values()) b.dispose();
    }
  }
}

/** A module with one input and one output: what Sequential chains. */
export interface Layer {
  forward(x: Tensor): Tensor;
}

export type LayerModule = Module & Layer;
