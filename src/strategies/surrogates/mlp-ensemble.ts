// An ensemble of small MLPs over `space.encode` (PNAS's MLP-ensemble predictor, Liu et al.,
// ECCV 2018, Sec. 3.3): M networks of two ReLU hidden layers, each fitted to its own bootstrap
// resample of the data from its own initial weights; the prediction is the members' mean. The
// M members are held as batched weight tensors [M, ...] so one matmul runs them all.
import { type Tensor, noGrad, tensor, tidy } from '../../torch/index.js';
import { Module } from '../../nn/index.js';
import { type AnySearchSpace } from '../../spaces/index.js';
import { type Rng } from '../../util/index.js';
import { fitFullBatch } from './fit.js';
import { type Surrogate, type SurrogateOptions, encodeAll, fitRng, standardize, uniformArray } from './types.js';

/** M MLPs in → hidden → hidden → 1, as batched weights. */
export class MlpEnsemble extends Module {
  w1: Tensor;
  b1: Tensor;
  w2: Tensor;
  b2: Tensor;
  w3: Tensor;
  b3: Tensor;

  constructor(
    readonly members: number,
    readonly inputs: number,
    readonly hidden: number,
    rng: Rng,
  ) {
    super();
    const layer = (fanIn: number, fanOut: number): [Tensor, Tensor] => {
      const bound = 1 / Math.sqrt(fanIn);
      return [
        tensor(uniformArray(rng, members * fanIn * fanOut, bound), [members, fanIn, fanOut]),
        tensor(uniformArray(rng, members * fanOut, bound), [members, 1, fanOut]),
      ];
    };
    const [w1, b1] = layer(inputs, hidden);
    const [w2, b2] = layer(hidden, hidden);
    const [w3, b3] = layer(hidden, 1);
    this.w1 = this.param('w1', w1);
    this.b1 = this.param('b1', b1);
    this.w2 = this.param('w2', w2);
    this.b2 = this.param('b2', b2);
    this.w3 = this.param('w3', w3);
    this.b3 = this.param('b3', b3);
  }

  /** x (N, inputs) → every member's prediction (M, N, 1). */
  forward(x: Tensor): Tensor {
    return mlpForward(x, [this.w1, this.b1, this.w2, this.b2, this.w3, this.b3]);
  }
}

function mlpForward(x: Tensor, [w1, b1, w2, b2, w3, b3]: readonly Tensor[]): Tensor {
  return tidy(() => {
    const h1 = x.matmul(w1!).add(b1!).relu();
    const h2 = h1.matmul(w2!).add(b2!).relu();
    return h2.matmul(w3!).add(b3!);
  });
}

/** Bootstrap counts per member: member m sees each example as often as it was drawn (N draws). */
function bootstrapCounts(rng: Rng, members: number, n: number): Float32Array {
  const w = new Float32Array(members * n);
  for (let m = 0; m < members; m++) for (let i = 0; i < n; i++) w[m * n + rng.int(n)]! += 1;
  return w;
}

export function fitMlpEnsemble(space: AnySearchSpace, decisions: readonly (readonly number[])[], targets: readonly number[], o: SurrogateOptions): Surrogate {
  const rng = fitRng(o.seed);
  const x = encodeAll(space, decisions);
  const inputs = x[0]!.length;
  const { z, back } = standardize(targets);
  const n = x.length;
  const net = new MlpEnsemble(o.ensembleSize, inputs, o.hidden, rng);
  const counts = bootstrapCounts(rng, o.ensembleSize, n);
  try {
    const [xt, yt, wt] = [
      tensor(Float32Array.from(x.flat()), [n, inputs]).keep(),
      tensor(Float32Array.from(z), [1, n, 1]).keep(),
      tensor(counts, [o.ensembleSize, n, 1]).keep(),
    ];
    try {
      // each member's weighted mean squared error, summed over members
      fitFullBatch(net, () => net.forward(xt).sub(yt).square().mul(wt).sum().div(n), o.epochs, o.lr);
    } finally {
      xt.dispose();
      yt.dispose();
      wt.dispose();
    }
    const weights = net.parameters().map((p) => ({ shape: p.shape, data: p.data() as Float32Array }));
    return {
      predict(cands) {
        if (cands.length === 0) return [];
        const xs = encodeAll(space, cands);
        return noGrad(() =>
          tidy(() => {
            const ws = weights.map((w) => tensor(w.data, w.shape));
            const mean = mlpForward(tensor(Float32Array.from(xs.flat()), [xs.length, inputs]), ws)
              .mean(0)
              .reshape([-1]);
            return Array.from(mean.data() as Float32Array, back);
          }),
        );
      },
    };
  } finally {
    net.dispose();
  }
}
