// ENAS' shared-weight child models (Pham et al., ICML 2018): every op a child could pick owns
// weights that every child picking it shares; a forward pass runs one child, named by the
// space's decision vector (the controller's sample).
// The families' networks are micro.ts and macro.ts; factory.ts builds the one of a space.
import { type Tensor } from '../../../torch/index.js';
import { type Module } from '../../../nn/index.js';

/** A weight-sharing network of one ENAS space: logits of `x` through the child `decisions` name. */
export interface EnasSupernet extends Module {
  readonly inChannels: number;
  forward(x: Tensor, decisions: readonly number[]): Tensor;
}

export interface EnasSupernetStack {
  /** F: the first stage's filters (even) */
  readonly channels: number;
  readonly classes: number;
  /** micro: normal cells per stage (ENAS' search: 2) */
  readonly cellsPerStage: number;
  /** input image channels */
  readonly inChannels: number;
}

/** The spaces with an ENAS supernet. */
export const ENAS_SPACES: readonly string[] = ['enas-micro', 'enas-macro'];
