// One training step as the benchmark measures it: forward, cross-entropy, backward, and an
// SGD-with-momentum update written with in-place ops (PyTorch's SGD: buf = m·buf + g; p -= lr·buf).
import { F, type Tensor, noGrad, tidy } from '../../src/torch/index.js';
import { type LayerModule } from '../../src/nn/index.js';

/** A minimal SGD with momentum, local to the benchmark (the library's optimisers live in src/optim). */
export class MomentumSGD {
  private readonly buffers = new Map<Tensor, Tensor>();

  constructor(
    private readonly params: readonly Tensor[],
    private readonly lr = 0.01,
    private readonly momentum = 0.9,
  ) {}

  step(): void {
    noGrad(() => {
      for (const p of this.params) {
        const g = p.grad;
        if (g === null) continue;
        let buf = this.buffers.get(p);
        if (buf === undefined) {
          // first step: the buffer starts as a copy of the gradient, as in PyTorch
          buf = g.clone().keep();
          this.buffers.set(p, buf);
        } else {
          buf.mul_(this.momentum).add_(g);
        }
        p.add_(buf, -this.lr);
        g.dispose();
      }
    });
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}

export class TrainStep {
  readonly sgd: MomentumSGD;
  private readonly last: Tensor;

  /** `synchronize`: wait for the GPU's queued kernels before reading the clock (CUDA). */
  constructor(
    readonly net: LayerModule,
    readonly x: Tensor,
    readonly y: Tensor,
    private readonly synchronize = false,
  ) {
    net.train();
    const params = net.parameters();
    this.sgd = new MomentumSGD(params);
    this.last = params[params.length - 1]!;
  }

  /** One step; returns its wall time in ms. */
  run(): number {
    const t0 = performance.now();
    this.net.zeroGrad();
    tidy(() => {
      const logits = this.net.forward(this.x);
      const loss = F.crossEntropy(logits, this.y);
      loss.backward();
    });
    this.sgd.step();
    // Reading one element of the last parameter the update wrote waits for every kernel queued
    // on the stream before it (PyTorch's side calls torch.cuda.synchronize()).
    if (this.synchronize) noGrad(() => tidy(() => this.last.flatten().select(0, 0).item()));
    return performance.now() - t0;
  }
}
