// Recurrent pieces for RL controllers (NAS-RL, NASNet, ENAS, MnasNet): an LSTM cell, a stack of
// them stepped one token at a time, and an embedding table for the previous decision.
// Names, gate order and initialisation follow PyTorch's nn.LSTMCell and nn.Embedding so that
// state dicts move between the two by name.
import { F, type Tensor, callAten, empty, tidy, zeros } from '../torch/index.js';
import { normal_, uniform_ } from './init.js';
import { Module } from './module.js';

/** One layer's recurrent state: hidden output h and cell memory c, each (batch, hidden). */
export interface LSTMState {
  h: Tensor;
  c: Tensor;
}

/**
 * The LSTM cell: gates = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh split as (i, f, g, o);
 * c' = σ(f)·c + σ(i)·tanh(g); h' = σ(o)·tanh(c'). Every weight starts U(±1/sqrt(hidden)).
 */
export class LSTMCell extends Module {
  weight_ih: Tensor;
  weight_hh: Tensor;
  bias_ih: Tensor | null = null;
  bias_hh: Tensor | null = null;

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    o: { bias?: boolean } = {},
  ) {
    super();
    if (!Number.isInteger(inputSize) || inputSize < 1 || !Number.isInteger(hiddenSize) || hiddenSize < 1) {
      throw new RangeError(`LSTMCell: inputSize (${inputSize}) and hiddenSize (${hiddenSize}) must be positive integers`);
    }
    const bound = 1 / Math.sqrt(hiddenSize);
    const u = (shape: number[]): Tensor => uniform_(empty(shape), -bound, bound);
    this.weight_ih = this.param('weight_ih', u([4 * hiddenSize, inputSize]));
    this.weight_hh = this.param('weight_hh', u([4 * hiddenSize, hiddenSize]));
    if (o.bias ?? true) {
      this.bias_ih = this.param('bias_ih', u([4 * hiddenSize]));
      this.bias_hh = this.param('bias_hh', u([4 * hiddenSize]));
    }
  }

  /** All-zero state for a batch (PyTorch's default when no state is passed). */
  zeroState(batch: number): LSTMState {
    const like = { dtype: this.weight_ih.dtype, device: this.weight_ih.device };
    return { h: zeros([batch, this.hiddenSize], like), c: zeros([batch, this.hiddenSize], like) };
  }

  /** One step on x (batch, inputSize); without a state it starts from zeros. The caller owns the returned state. */
  forward(x: Tensor, state: LSTMState | null = null): LSTMState {
    if (x.ndim !== 2 || x.shape[1] !== this.inputSize) {
      throw new RangeError(`LSTMCell(${this.inputSize}, ${this.hiddenSize}) expects input (batch, ${this.inputSize}), got [${x.shape}]`);
    }
    const batch = x.shape[0]!;
    if (state !== null) {
      for (const [k, t] of Object.entries(state)) {
        if (t.ndim !== 2 || t.shape[0] !== batch || t.shape[1] !== this.hiddenSize) {
          throw new RangeError(`LSTMCell: state ${k} must be (${batch}, ${this.hiddenSize}) to match the input, got [${t.shape}]`);
        }
      }
    }
    return tidy(() => {
      const s = state ?? this.zeroState(batch);
      const [h, c] = callAten('lstm_cell', x, [s.h, s.c], this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh) as [Tensor, Tensor];
      return { h, c };
    });
  }
}

/**
 * LSTM cells stacked in depth and stepped one input at a time, as the controllers sample one
 * decision per step: layer l reads layer l−1's new h. Numerically nn.LSTM(num_layers=n) run one
 * step at a time; parameters are named "0.weight_ih", "1.weight_ih", ... (a ModuleList of
 * LSTMCells in PyTorch).
 */
export class StackedLSTM extends Module {
  readonly cells: LSTMCell[];

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    readonly numLayers = 1,
    o: { bias?: boolean } = {},
  ) {
    super();
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new RangeError(`StackedLSTM: numLayers must be a positive integer, got ${numLayers}`);
    this.cells = [];
    for (let l = 0; l < numLayers; l++) {
      this.cells.push(this.child(String(l), new LSTMCell(l === 0 ? inputSize : hiddenSize, hiddenSize, o)));
    }
  }

  zeroState(batch: number): LSTMState[] {
    return this.cells.map((c) => c.zeroState(batch));
  }

  /** One step: returns the top layer's h as `output` (the same tensor as states[last].h) and every layer's new state. */
  forward(x: Tensor, states: readonly LSTMState[] | null = null): { output: Tensor; states: LSTMState[] } {
    if (states !== null && states.length !== this.cells.length) {
      throw new RangeError(`StackedLSTM: got ${states.length} layer states for ${this.cells.length} layers`);
    }
    return tidy(() => {
      const next: LSTMState[] = [];
      let input = x;
      this.cells.forEach((cell, l) => {
        const s = cell.forward(input, states === null ? null : states[l]!);
        next.push(s);
        input = s.h;
      });
      return { output: input, states: next };
    });
  }
}

/** A lookup table of `numEmbeddings` vectors of size `dim`, N(0, 1) at start as in PyTorch. */
export class Embedding extends Module {
  weight: Tensor;

  constructor(
    readonly numEmbeddings: number,
    readonly dim: number,
  ) {
    super();
    if (!Number.isInteger(numEmbeddings) || numEmbeddings < 1 || !Number.isInteger(dim) || dim < 1) {
      throw new RangeError(`Embedding: numEmbeddings (${numEmbeddings}) and dim (${dim}) must be positive integers`);
    }
    this.weight = this.param('weight', normal_(empty([numEmbeddings, dim])));
  }

  /** Rows of the table for integer (int64 or int32) indices of any shape: output shape [...index, dim]. */
  forward(index: Tensor): Tensor {
    if (index.dtype !== 'int64' && index.dtype !== 'int32') {
      throw new RangeError(`Embedding: indices must be int64 or int32, got ${index.dtype}; convert with .long()`);
    }
    return F.embedding(this.weight, index);
  }
}
