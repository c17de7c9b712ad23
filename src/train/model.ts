// What the trainer needs from a network: logits, optionally auxiliary logits (NASNet/DARTS
// auxiliary head), and optionally a drop-path probability it can schedule.
import { type Tensor } from '../torch/index.js';

export type ClassifierOutput = Tensor | { logits: Tensor; auxLogits?: Tensor | null };

export function logitsOf(out: ClassifierOutput): Tensor {
  return 'logits' in out ? out.logits : out;
}

export function auxLogitsOf(out: ClassifierOutput): Tensor | null {
  return 'logits' in out ? (out.auxLogits ?? null) : null;
}

/** A network with an auxiliary head (NASNet, DARTS): its logits and, in training, the head's. */
export interface AuxiliaryForward {
  forwardWithAux(x: Tensor): { logits: Tensor; aux: Tensor | null };
}

export function hasAuxiliaryForward(m: object): m is AuxiliaryForward {
  return typeof (m as Partial<AuxiliaryForward>).forwardWithAux === 'function';
}

/**
 * The training forward pass: with an auxiliary loss weight, a network that has an auxiliary head
 * gives its logits too (its plain `forward` is the deployed network, without them).
 */
export function trainingOutput(model: { forward(x: Tensor): ClassifierOutput }, x: Tensor, auxiliaryWeight: number): ClassifierOutput {
  if (auxiliaryWeight > 0 && hasAuxiliaryForward(model)) {
    const { logits, aux } = model.forwardWithAux(x);
    return { logits, auxLogits: aux };
  }
  return model.forward(x);
}

/** A network whose drop-path probability the trainer raises over training (ScheduledDropPath). */
export interface DropPathControl {
  dropPathProb: number;
}

export function hasDropPath(m: object): m is DropPathControl {
  return typeof (m as Partial<DropPathControl>).dropPathProb === 'number';
}
