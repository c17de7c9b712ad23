// Gradients beyond loss.backward(): torch.autograd.grad for DARTS' unrolled step and
// second-order terms.
import { EngineError } from './errors.js';
import { native } from './native.js';
import { Tensor } from './tensor.js';

export interface GradOptions {
  gradOutputs?: readonly (Tensor | null)[];
  retainGraph?: boolean;
  createGraph?: boolean;
  /** Inputs that the outputs do not depend on get null instead of an error. */
  allowUnused?: boolean;
}

/** d(outputs)/d(inputs), weighted by gradOutputs (torch.autograd.grad). */
export function grad(outputs: Tensor | readonly Tensor[], inputs: readonly Tensor[], o: GradOptions = {}): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? (outputs as Tensor[]) : [outputs as Tensor];
  try {
    const r = native.autogradGrad(
      outs.map((t) => t.handle),
      inputs.map((t) => t.handle),
      o.gradOutputs ? o.gradOutputs.map((t) => (t ? t.handle : null)) : null,
      o.retainGraph,
      o.createGraph ?? false,
      o.allowUnused ?? false,
    );
    return r.map((hd) => (hd === null ? null : new Tensor(hd)));
  } catch (e) {
    throw EngineError.from(e, 'grad');
  }
}

/** Backpropagate from several outputs at once, accumulating into leaves' .grad. */
export function backward(
  outputs: readonly Tensor[],
  gradOutputs?: readonly (Tensor | null)[],
  o: { retainGraph?: boolean; createGraph?: boolean; inputs?: readonly Tensor[] } = {},
): void {
  try {
    native.backward(
      outputs.map((t) => t.handle),
      gradOutputs ? gradOutputs.map((t) => (t ? t.handle : null)) : null,
      o.retainGraph,
      o.createGraph ?? false,
      o.inputs ? o.inputs.map((t) => t.handle) : null,
    );
  } catch (e) {
    throw EngineError.from(e, 'backward');
  }
}
