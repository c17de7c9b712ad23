// The RL controller of NASNet and ENAS: an LSTM that emits a space's ordered decisions one at a
// time, each read from its own softmax head, the embedding of the previous choice fed in as the
// next input (a learned start token before the first). Logits go through ENAS' temperature and
// tanh constant: logits/T, then c·tanh(·), which bounds how sure the policy can get.
// Weights start U(−0.1, 0.1) as in ENAS, drawn from the strategy's own generator, and samples
// are drawn with it too: torch computes the probabilities, the Rng picks, so the same seed gives
// the same proposals whatever the global torch generator's state.
import { type Tensor, noGrad, tensor, tidy, zeros } from '../torch/index.js';
import { Embedding, Linear, Module, StackedLSTM, type LSTMState, withoutInit } from '../nn/index.js';
import { type Rng } from '../util/index.js';

export interface ControllerOptions {
  /** LSTM width (ENAS: 64; NASNet: 100) */
  readonly hidden: number;
  /** stacked LSTM layers (ENAS micro: 1; NAS-RL: 2) */
  readonly layers: number;
  /** logits are divided by it (1: no temperature) */
  readonly temperature: number;
  /** logits become c·tanh(logits) (0: no tanh constant) */
  readonly tanhC: number;
}

/** One batch of sampled decision vectors with the log-probability of each under the policy. */
export interface ControllerSample {
  readonly decisions: number[][];
  readonly logProbs: number[];
}

export class Controller extends Module {
  readonly embedding: Embedding;
  readonly lstm: StackedLSTM;
  readonly heads: Linear[];
  /** the embedding row of decision i's choice 0 (row 0 is the start token) */
  private readonly offsets: number[];

  /** `sizes[i]` is decision i's number of choices. */
  constructor(
    readonly sizes: readonly number[],
    readonly options: ControllerOptions,
    rng: Rng,
  ) {
    super();
    if (sizes.length === 0) throw new RangeError('Controller: the space has no decisions to make');
    this.offsets = [];
    let rows = 1;
    for (const n of sizes) {
      this.offsets.push(rows);
      rows += n;
    }
    const { hidden, layers } = options;
    [this.embedding, this.lstm, this.heads] = withoutInit(
      () =>
        [
          this.child('embedding', new Embedding(rows, hidden)),
          this.child('lstm', new StackedLSTM(hidden, hidden, layers)),
          sizes.map((n, i) => this.child(`head${i}`, new Linear(hidden, n))),
        ] as const,
    );
    noGrad(() => {
      for (const p of this.parameters()) {
        const v = new Float32Array(p.numel);
        for (let i = 0; i < v.length; i++) v[i] = 0.2 * rng.next() - 0.1;
        const t = tensor(v, p.shape);
        p.copy_(t);
        t.dispose();
      }
    });
  }

  /** Decision i's processed logits (batch, choices) from the LSTM's output. */
  private logits(i: number, h: Tensor): Tensor {
    let z = this.heads[i]!.forward(h);
    if (this.options.temperature !== 1) z = z.div(this.options.temperature);
    if (this.options.tanhC > 0) z = z.tanh().mul(this.options.tanhC);
    return z;
  }

  /** The next input: the start token (null) or the embedding of decision i−1's choices. */
  private input(i: number, prev: readonly number[]): Tensor {
    const rows = i === 0 ? prev.map(() => 0) : prev.map((c) => this.offsets[i - 1]! + c);
    return this.embedding.forward(tensor(rows, [rows.length], { dtype: 'int64' }));
  }

  /** `n` decision vectors drawn autoregressively; probabilities by torch, draws by `rng`. */
  sample(n: number, rng: Rng): ControllerSample {
    const decisions = Array.from({ length: n }, () => [] as number[]);
    const logProbs = new Array<number>(n).fill(0);
    noGrad(() =>
      tidy(() => {
        let states: LSTMState[] | null = null;
        let prev = new Array<number>(n).fill(0);
        this.sizes.forEach((k, i) => {
          const step: { output: Tensor; states: LSTMState[] } = this.lstm.forward(this.input(i, prev), states);
          states = step.states;
          const logp = this.logits(i, step.output).logSoftmax(1).toArray();
          prev = decisions.map((row, r) => {
            const c = draw(logp, r * k, k, rng.next());
            row.push(c);
            logProbs[r]! += logp[r * k + c]!;
            return c;
          });
        });
      }),
    );
    return { decisions, logProbs };
  }

  /**
   * The log-probability (batch) of each given decision vector and the policy's entropy along
   * it (sum over decisions), with gradients: what policy-gradient losses are built from.
   */
  evaluate(decisions: readonly (readonly number[])[]): { logProb: Tensor; entropy: Tensor } {
    const n = decisions.length;
    return tidy(() => {
      let states: LSTMState[] | null = null;
      let logProb = zeros([n]);
      let entropy = zeros([n]);
      this.sizes.forEach((_, i) => {
        const prev = i === 0 ? decisions.map(() => 0) : decisions.map((d) => d[i - 1]!);
        const step: { output: Tensor; states: LSTMState[] } = this.lstm.forward(this.input(i, prev), states);
        states = step.states;
        const logp = this.logits(i, step.output).logSoftmax(1);
        const taken = tensor(
          decisions.map((d) => d[i]!),
          [n, 1],
          { dtype: 'int64' },
        );
        logProb = logProb.add(logp.gather(1, taken).squeeze(1));
        entropy = entropy.sub(logp.exp().mul(logp).sum(1));
      });
      return { logProb, entropy };
    });
  }

  /** Every parameter's values, in registration order (plain JSON). */
  weights(): number[][] {
    return this.parameters().map((p) => p.toArray());
  }

  /** Loads `weights()` output; throws RangeError when the shapes do not match this controller. */
  loadWeights(values: readonly (readonly number[])[]): void {
    const params = this.parameters();
    if (!Array.isArray(values) || values.length !== params.length) {
      throw new RangeError(`expected ${params.length} weight arrays, got ${Array.isArray(values) ? values.length : typeof values}`);
    }
    params.forEach((p, i) => {
      const v = values[i];
      if (!Array.isArray(v) || v.length !== p.numel || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new RangeError(`weight array ${i} must hold ${p.numel} finite numbers`);
      }
    });
    noGrad(() =>
      params.forEach((p, i) => {
        const t = tensor(Float32Array.from(values[i]!), p.shape);
        p.copy_(t);
        t.dispose();
      }),
    );
  }
}

/** The choice whose cumulative probability first exceeds `u` (row `at..at+k` of log-probs). */
function draw(logp: readonly number[], at: number, k: number, u: number): number {
  let acc = 0;
  for (let j = 0; j < k - 1; j++) {
    acc += Math.exp(logp[at + j]!);
    if (u < acc) return j;
  }
  return k - 1;
}
