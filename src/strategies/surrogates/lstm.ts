// PNAS's RNN predictor (Liu et al., ECCV 2018, Sec. 3.3): an LSTM reads the architecture as its
// sequence of decisions (each token an embedding of one (decision, choice) pair), and a linear
// head on the final hidden state gives the predicted value. One network, as in the paper.
import { type Tensor, noGrad, tensor, tidy } from '../../torch/index.js';
import { Embedding, LSTMCell, Linear, Module, type LSTMState } from '../../nn/index.js';
import { type AnySearchSpace } from '../../spaces/index.js';
import { type Rng } from '../../util/index.js';
import { fitFullBatch } from './fit.js';
import { type Surrogate, type SurrogateOptions, fitRng, standardize, uniformArray } from './types.js';

export class LstmRegressor extends Module {
  readonly embedding: Embedding;
  readonly cell: LSTMCell;
  readonly head: Linear;

  constructor(
    readonly tokens: number,
    readonly hidden: number,
    rng: Rng,
  ) {
    super();
    this.embedding = this.child('embedding', new Embedding(tokens, hidden));
    this.cell = this.child('cell', new LSTMCell(hidden, hidden));
    this.head = this.child('head', new Linear(hidden, 1));
    // the weights come from the strategy's own generator (not libtorch's global one), so a
    // fit is the same whatever else the process drew before
    noGrad(() => {
      for (const p of this.parameters()) {
        const n = p.shape.reduce((a, b) => a * b, 1);
        tidy(() => {
          p.copy_(tensor(uniformArray(rng, n, 1 / Math.sqrt(hidden)), p.shape));
        });
      }
    });
  }

  /** tokens (N, D) int64 → predictions (N, 1). */
  forward(seq: Tensor): Tensor {
    return tidy(() => {
      const [n, d] = seq.shape as [number, number];
      const emb = this.embedding.forward(seq);
      let state: LSTMState | null = null;
      for (let t = 0; t < d; t++) state = this.cell.forward(emb.select(1, t), state);
      return this.head.forward(state === null ? this.cell.zeroState(n).h : state.h);
    });
  }
}

/** Each decision's value as a token: its index in the space's one-hot layout. */
function tokenize(space: AnySearchSpace, decisions: readonly (readonly number[])[]): { tokens: number; data: BigInt64Array; d: number } {
  const ds = space.decisions();
  const offsets: number[] = [];
  let total = 0;
  for (const dec of ds) {
    offsets.push(total);
    total += dec.choices.length;
  }
  const data = new BigInt64Array(decisions.length * ds.length);
  decisions.forEach((v, i) =>
    v.forEach((c, j) => {
      data[i * ds.length + j] = BigInt(offsets[j]! + c);
    }),
  );
  return { tokens: total, data, d: ds.length };
}

export function fitLstm(space: AnySearchSpace, decisions: readonly (readonly number[])[], targets: readonly number[], o: SurrogateOptions): Surrogate {
  const { tokens, data, d } = tokenize(space, decisions);
  const n = decisions.length;
  const { z, back } = standardize(targets);
  const net = new LstmRegressor(tokens, o.hidden, fitRng(o.seed));
  const xt = tensor(data, [n, d]).keep();
  const yt = tensor(Float32Array.from(z), [n, 1]).keep();
  try {
    fitFullBatch(net, () => net.forward(xt).sub(yt).square().mean(), o.epochs, o.lr);
  } catch (e) {
    net.dispose();
    throw e;
  } finally {
    xt.dispose();
    yt.dispose();
  }
  const weights = net.stateDict();
  const saved = Object.fromEntries(Object.entries(weights).map(([k, t]) => [k, { shape: t.shape, data: t.data() as Float32Array }]));
  net.dispose();
  return {
    predict(cands) {
      if (cands.length === 0) return [];
      const c = tokenize(space, cands);
      return noGrad(() =>
        tidy(() => {
          const m = new LstmRegressor(tokens, o.hidden, fitRng(0));
          try {
            m.loadStateDict(Object.fromEntries(Object.entries(saved).map(([k, w]) => [k, tensor(w.data, w.shape)])));
            return Array.from(
              m
                .forward(tensor(c.data, [cands.length, c.d]))
                .reshape([-1])
                .data() as Float32Array,
              back,
            );
          } finally {
            m.dispose();
          }
        }),
      );
    },
  };
}
