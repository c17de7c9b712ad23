// The optimiser core: parameter groups with their own hyperparameters, lazily created
// per-parameter state, and a state dict that resumes a run exactly (as torch.optim.Optimizer).
import { type Tensor, keep, noGrad, tidy, zerosLike } from '../torch/index.js';
import { OptimizerError, checkRange } from './errors.js';

/** A hyperparameter as stored in JSON. */
export type HyperValue = number | boolean | readonly number[];

/** Hyperparameters every optimiser has; schedules set `lr` per group. */
export interface GroupOptions {
  lr: number;
  weightDecay: number;
}

/** A parameter group: its tensors and its own hyperparameters (mutable: schedules set `lr`). */
export type ParamGroup<O extends GroupOptions> = O & { readonly params: readonly Tensor[] };

/** A group as the user gives it: options left out take the optimiser's. */
export type GroupInput<O extends GroupOptions> = Partial<O> & { params: readonly Tensor[] };

/** Either one list of parameters (one group) or several groups. */
export type ParamsInput<O extends GroupOptions> = readonly Tensor[] | readonly GroupInput<O>[];

/** One parameter's state: how many updates it received and its buffers (momentum, moments). */
export interface ParamState {
  step: number;
  buffers: Record<string, Tensor>;
}

/** The JSON half of a state dict: hyperparameters, which parameters each group holds, step counts. */
export interface OptimizerMeta {
  kind: string;
  /** Each group's hyperparameters and its parameters' indices (in order over all groups). */
  groups: (Record<string, HyperValue> & { params: number[] })[];
  /** Step count by parameter index, for the parameters that have state. */
  steps: Record<string, number>;
}

/**
 * Everything needed to resume: `meta` is JSON-able, `tensors` (named `state.<index>.<buffer>`,
 * PyTorch's buffer names) can be saved with saveSafetensors. A checkpoint is
 * `saveSafetensors(f, sd.tensors)` plus `JSON.stringify(sd.meta)`; resuming is
 * `opt.loadStateDict({ meta: JSON.parse(json), tensors: loadSafetensors(f).tensors })`.
 */
export interface OptimizerStateDict {
  meta: OptimizerMeta;
  tensors: Record<string, Tensor>;
}

/** Merge `given` over `defaults`, refusing keys the optimiser does not know (typos). */
export function withDefaults<O extends object>(defaults: O, given: object, what: string): O {
  const known = new Set(Object.keys(defaults));
  for (const [k, v] of Object.entries(given)) {
    if (k === 'params' || v === undefined) continue;
    if (!known.has(k)) throw new OptimizerError(`${what}: unknown option '${k}'; known options are ${[...known].join(', ')}`);
    const want = (defaults as Record<string, unknown>)[k];
    const kindOf = (x: unknown): string => (Array.isArray(x) ? 'array' : typeof x);
    if (kindOf(v) !== kindOf(want)) throw new OptimizerError(`${what}: option '${k}' must be a ${kindOf(want)}, got ${JSON.stringify(v)}`);
  }
  const out = { ...defaults } as Record<string, unknown>;
  for (const [k, v] of Object.entries(given)) if (k !== 'params' && v !== undefined) out[k] = Array.isArray(v) ? [...v] : v;
  return out as O;
}

export abstract class Optimizer<O extends GroupOptions> {
  /** A fixed name stored in state dicts, so a dict is never loaded into the wrong optimiser. */
  abstract readonly kind: string;
  readonly groups: ParamGroup<O>[] = [];
  private readonly state = new Map<Tensor, ParamState>();

  protected constructor(
    params: ParamsInput<O>,
    protected readonly defaults: O,
  ) {
    this.validate(defaults, 'options');
    const inputs: readonly GroupInput<O>[] = isTensorList(params) ? [{ params } as GroupInput<O>] : params;
    for (const g of inputs) this.addParamGroup(g);
  }

  /** Check one group's hyperparameters (throw OptimizerError saying which value and why). */
  protected abstract validate(o: O, where: string): void;

  /**
   * Update `params` (the group's parameters that have a gradient) from `grads`; `states` are
   * theirs, already counted for this step. Runs under noGrad inside a scope.
   */
  protected abstract update(group: ParamGroup<O>, params: Tensor[], grads: Tensor[], states: ParamState[]): void;

  /** Add a group (e.g. a new stage's parameters); options left out take the defaults. */
  addParamGroup(input: GroupInput<O>): void {
    const where = `group ${this.groups.length}`;
    if (!Array.isArray(input.params) || input.params.length === 0) {
      throw new OptimizerError(`${where} has no parameters; pass model.parameters() or groups with non-empty params lists`);
    }
    const options = withDefaults(this.defaults, input, where);
    this.validate(options, where);
    const seen = new Set(this.groups.flatMap((g) => g.params));
    for (const p of input.params) {
      if (seen.has(p))
        throw new OptimizerError(`${where}: a parameter appears twice (in this group or an earlier one); each parameter may belong to one group only`);
      seen.add(p);
    }
    this.groups.push({ ...options, params: [...input.params] });
  }

  /** All parameters, in the order state dicts number them. */
  get params(): Tensor[] {
    return this.groups.flatMap((g) => g.params);
  }

  /** One update of every parameter that has a gradient (the others are left as they are). */
  step(): void {
    this.groups.forEach((g, i) => this.validate(g, `group ${i}`));
    noGrad(() =>
      tidy(() => {
        for (const g of this.groups) {
          const params: Tensor[] = [];
          const grads: Tensor[] = [];
          const states: ParamState[] = [];
          for (const p of g.params) {
            const grad = p.grad;
            if (grad === null) continue;
            let s = this.state.get(p);
            if (s === undefined) this.state.set(p, (s = { step: 0, buffers: {} }));
            s.step += 1;
            params.push(p);
            grads.push(grad);
            states.push(s);
          }
          if (params.length > 0) this.update(g, params, grads, states);
        }
      }),
    );
  }

  /** Drop every parameter's gradient (set to null, as PyTorch's set_to_none). */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /** The state buffer `name` of a parameter, created by `make` (and kept) the first time. */
  protected buffer(s: ParamState, name: string, make: () => Tensor): Tensor {
    let b = s.buffers[name];
    if (b === undefined) s.buffers[name] = b = keep(make());
    return b;
  }

  /** The state of a parameter (undefined before its first update). */
  stateOf(p: Tensor): Readonly<ParamState> | undefined {
    return this.state.get(p);
  }

  /**
   * Hyperparameters, step counts and state tensors. The tensors are the live buffers, not
   * copies: save them before the next step and do not dispose them.
   */
  stateDict(): OptimizerStateDict {
    const meta: OptimizerMeta = { kind: this.kind, groups: [], steps: {} };
    const tensors: Record<string, Tensor> = {};
    let index = 0;
    for (const g of this.groups) {
      const { params, ...options } = g;
      const indices: number[] = [];
      for (const p of params) {
        const s = this.state.get(p);
        if (s !== undefined) {
          meta.steps[String(index)] = s.step;
          for (const [name, t] of Object.entries(s.buffers)) tensors[`state.${index}.${name}`] = t;
        }
        indices.push(index++);
      }
      meta.groups.push({ ...cloneOptions(options), params: indices });
    }
    return { meta, tensors };
  }

  /**
   * Restore hyperparameters and state from `stateDict()` output (tensors are copied in, so the
   * caller may dispose its own). Everything is checked before anything changes.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const { meta, tensors } = sd;
    if (meta.kind !== this.kind) {
      throw new OptimizerError(`the state dict is for a '${meta.kind}' optimiser but this one is '${this.kind}'; load it into the optimiser it was saved from`);
    }
    if (meta.groups.length !== this.groups.length) {
      throw new OptimizerError(
        `the state dict has ${meta.groups.length} parameter groups but this optimiser has ${this.groups.length}; build the optimiser with the same groups as the saved one`,
      );
    }
    const params = this.params;
    const options = meta.groups.map((mg, i) => {
      const g = this.groups[i]!;
      if (mg.params.length !== g.params.length) {
        throw new OptimizerError(
          `group ${i} holds ${mg.params.length} parameters in the state dict but ${g.params.length} here; build the optimiser from the same model`,
        );
      }
      const { params: _ignored, ...hyper } = mg;
      const keys = Object.keys(this.defaults);
      const missing = keys.filter((k) => !(k in hyper));
      if (missing.length > 0) throw new OptimizerError(`group ${i} in the state dict lacks ${missing.join(', ')}; it was not saved by this optimiser`);
      const o = withDefaults(this.defaults, hyper, `state dict group ${i}`);
      this.validate(o, `state dict group ${i}`);
      return o;
    });
    const restored = new Map<number, { step: number; buffers: Record<string, Tensor> }>();
    for (const [k, step] of Object.entries(meta.steps)) {
      const i = Number(k);
      if (!Number.isInteger(i) || params[i] === undefined)
        throw new OptimizerError(`the state dict has state for parameter ${k}, which does not exist here (${params.length} parameters)`);
      checkRange(`the step count of parameter ${k}`, step, 0);
      restored.set(i, { step, buffers: {} });
    }
    for (const [name, t] of Object.entries(tensors)) {
      const m = /^state\.(\d+)\.(\w+)$/.exec(name);
      const entry = m ? restored.get(Number(m[1])) : undefined;
      if (!m || entry === undefined)
        throw new OptimizerError(`unexpected tensor '${name}' in the optimiser state dict (expected state.<index>.<buffer> for a parameter with a step count)`);
      const p = params[Number(m[1])]!;
      if (t.shape.join(',') !== p.shape.join(',')) {
        throw new OptimizerError(`'${name}' has shape [${t.shape}] but parameter ${m[1]} has shape [${p.shape}]; the state dict belongs to another model`);
      }
      entry.buffers[m[2]!] = t;
    }
    // Everything checked: copy in (before freeing the old state, which may be the source), then replace.
    const fresh = noGrad(() =>
      [...restored].map(([i, e]) => {
        const p = params[i]!;
        const buffers: Record<string, Tensor> = {};
        for (const [name, src] of Object.entries(e.buffers)) buffers[name] = keep(zerosLike(p)).copy_(src);
        return [p, { step: e.step, buffers }] as const;
      }),
    );
    this.disposeState();
    for (const [p, s] of fresh) this.state.set(p, s);
    options.forEach((o, i) => Object.assign(this.groups[i]!, o));
  }

  /** Free every state tensor (the parameters are not the optimiser's to free). */
  dispose(): void {
    this.disposeState();
  }

  private disposeState(): void {
    for (const s of this.state.values()) for (const t of Object.values(s.buffers)) t.dispose();
    this.state.clear();
  }
}

function isTensorList(x: readonly unknown[]): x is readonly Tensor[] {
  return x.length === 0 || !('params' in (x[0] as object));
}

function cloneOptions(o: object): Record<string, HyperValue> {
  const out: Record<string, HyperValue> = {};
  for (const [k, v] of Object.entries(o)) out[k] = Array.isArray(v) ? [...(v as number[])] : (v as HyperValue);
  return out;
}
