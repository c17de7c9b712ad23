// What a performance predictor offers a model-based strategy: fit on (architecture, value)
// pairs, then predict values for many candidates at once. Architectures are decision vectors.
import { type AnySearchSpace } from '../../spaces/index.js';
import { Rng } from '../../util/index.js';

export type SurrogateKind = 'mlp-ensemble' | 'lstm';
export const SURROGATE_KINDS: readonly SurrogateKind[] = ['mlp-ensemble', 'lstm'];

export interface SurrogateOptions {
  readonly kind: SurrogateKind;
  /** networks in the ensemble ('mlp-ensemble'; the LSTM is one network, as in PNAS) */
  readonly ensembleSize: number;
  /** hidden units per layer */
  readonly hidden: number;
  /** full-batch Adam steps per fit */
  readonly epochs: number;
  readonly lr: number;
  /** seeds the initial weights and the ensemble's bootstrap resamples */
  readonly seed: number;
}

/** A fitted predictor; it owns no tensors (the weights are freed after each fit). */
export interface Surrogate {
  /** predicted values, in the units of the fitted targets */
  predict(decisions: readonly (readonly number[])[]): number[];
}

/** A generator seeded for one fit. */
export function fitRng(seed: number): Rng {
  return new Rng(seed, 0x5a2e0);
}

/** Targets standardised to mean 0, sd 1 (sd 1 when they are all equal) and the way back. */
export function standardize(y: readonly number[]): { z: number[]; back: (v: number) => number } {
  const n = y.length;
  const mean = y.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / n) || 1;
  return { z: y.map((v) => (v - mean) / sd), back: (v) => v * sd + mean };
}

/** Uniform weights in ±bound from `rng` (PyTorch's default Linear/LSTM bound is 1/sqrt(fan-in)). */
export function uniformArray(rng: Rng, size: number, bound: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (2 * rng.next() - 1) * bound;
  return out;
}

/** The one-hot vector `space.encode` gives for a decision vector. */
export function encodeAll(space: AnySearchSpace, decisions: readonly (readonly number[])[]): number[][] {
  return decisions.map((v) => space.encode(space.fromDecisions(v)));
}
