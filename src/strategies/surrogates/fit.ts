// The training loop both surrogates share: full-batch Adam on a loss, freeing every step's
// tensors (the data sets are a few hundred architectures, so one batch holds them all).
import { type Tensor, tidy } from '../../torch/index.js';
import { type Module } from '../../nn/index.js';
import { Adam } from '../../optim/index.js';

/** `epochs` Adam steps of `loss()` on `net`'s parameters; the optimiser's moments are freed after. */
export function fitFullBatch(net: Module, loss: () => Tensor, epochs: number, lr: number): void {
  const opt = new Adam(net.parameters(), { lr });
  try {
    for (let e = 0; e < epochs; e++) {
      net.zeroGrad();
      tidy(() => {
        loss().backward();
      });
      opt.step();
    }
  } finally {
    const sd = opt.stateDict();
    for (const t of Object.values(sd.tensors)) t.dispose();
    net.zeroGrad();
  }
}
