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

/** A network whose drop-path probability the trainer raises over training (ScheduledDropPath). */
export interface DropPathControl {
  dropPathProb: number;
}

export function hasDropPath(m: object): m is DropPathControl {
  return typeof (m as Partial<DropPathControl>).dropPathProb === 'number';
}
