// The basic layers: convolution, batch norm, linear, pooling, activations and containers.
import { F, type Tensor, empty, noGrad, ones, zeros } from '../torch/index.js';
import { defaultBias_, defaultWeight_, fans } from './init.js';
import { type Layer, type LayerModule, Module } from './module.js';
import { traceConv2d, traceLinear } from './trace.js';

type Pair = number | [number, number];

export interface Conv2dOptions {
  stride?: Pair;
  /** Zero padding; 'same' keeps the size at stride 1 (odd kernels). */
  padding?: Pair | 'same';
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

export class Conv2d extends Module implements Layer {
  weight: Tensor;
  bias: Tensor | null = null;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: Pair,
    o: Conv2dOptions = {},
  ) {
    super();
    this.groups = o.groups ?? 1;
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new RangeError(`Conv2d: channels ${inChannels}->${outChannels} must both be divisible by groups=${this.groups}`);
    }
    const [kh, kw] = typeof kernel === 'number' ? [kernel, kernel] : kernel;
    this.stride = o.stride ?? 1;
    this.dilation = o.dilation ?? 1;
    const [dh, dw] = typeof this.dilation === 'number' ? [this.dilation, this.dilation] : this.dilation;
    this.padding = o.padding === 'same' ? [((kh - 1) * dh) >> 1, ((kw - 1) * dw) >> 1] : (o.padding ?? 0);
    this.weight = this.param('weight', defaultWeight_(empty([outChannels, inChannels / this.groups, kh, kw])));
    if (o.bias ?? true) this.bias = this.param('bias', defaultBias_(empty([outChannels]), fans(this.weight).fanIn));
  }

  forward(x: Tensor): Tensor {
    const dry = traceConv2d(this, x); // a MAC-counting dry run (see trace.ts)
    if (dry) return dry;
    return F.conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}

export interface BatchNormOptions {
  eps?: number;
  momentum?: number;
  /** learnable scale and shift (DARTS turns them off in the search supernet) */
  affine?: boolean;
  trackRunningStats?: boolean;
}

/** Batch normalisation with PyTorch's state-dict names (weight, bias, running_mean, running_var, num_batches_tracked). */
export class BatchNorm2d extends Module implements Layer {
  weight: Tensor | null = null;
  bias: Tensor | null = null;
  readonly eps: number;
  readonly momentum: number;

  constructor(
    readonly channels: number,
    o: BatchNormOptions = {},
  ) {
    super();
    this.eps = o.eps ?? 1e-5;
    this.momentum = o.momentum ?? 0.1;
    if (o.affine ?? true) {
      this.weight = this.param('weight', ones([channels]));
      this.bias = this.param('bias', zeros([channels]));
    }
    if (o.trackRunningStats ?? true) {
      this.buffer('running_mean', zeros([channels]));
      this.buffer('running_var', ones([channels]));
      this.buffer('num_batches_tracked', zeros([], { dtype: 'int64' }));
    }
  }

  get runningMean(): Tensor | null {
    return this.bufferNamed('running_mean') ?? null;
  }
  get runningVar(): Tensor | null {
    return this.bufferNamed('running_var') ?? null;
  }

  forward(x: Tensor): Tensor {
    const runningMean = this.runningMean;
    const useBatch = this.training || runningMean === null;
    if (this.training && runningMean !== null) noGrad(() => this.bufferNamed('num_batches_tracked')!.add_(1));
    return F.batchNorm(x, {
      weight: this.weight,
      bias: this.bias,
      runningMean,
      runningVar: this.runningVar,
      training: useBatch,
      momentum: this.momentum,
      eps: this.eps,
    });
  }
}

export class Linear extends Module implements Layer {
  weight: Tensor;
  bias: Tensor | null = null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    o: { bias?: boolean } = {},
  ) {
    super();
    this.weight = this.param('weight', defaultWeight_(empty([outFeatures, inFeatures])));
    if (o.bias ?? true) this.bias = this.param('bias', defaultBias_(empty([outFeatures]), inFeatures));
  }

  forward(x: Tensor): Tensor {
    const dry = traceLinear(this, x);
    if (dry) return dry;
    return F.linear(x, this.weight, this.bias);
  }
}

/** Runs layers in order. */
export class Sequential extends Module implements Layer {
  readonly layers: LayerModule[];

  constructor(...layers: LayerModule[]) {
    super();
    this.layers = layers;
    layers.forEach((l, i) => this.child(String(i), l));
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const l of this.layers) {
      const next = l.forward(y);
      // free intermediates early; the autograd graph keeps what backward needs
      if (y !== x && next !== y) y.dispose();
      y = next;
    }
    return y;
  }
}

/** A stateless layer from a function. */
export class Lambda extends Module implements Layer {
  constructor(
    readonly name: string,
    private readonly fn: (x: Tensor) => Tensor,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

export class Identity extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return x;
  }
}

export class ReLU extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}
export class ReLU6 extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return F.relu6(x);
  }
}
export class Sigmoid extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}
export class HSwish extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return F.hardswish(x);
  }
}
export class HSigmoid extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return F.hardsigmoid(x);
  }
}
/** Swish (SiLU), x·σ(x). */
export class Swish extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return F.silu(x);
  }
}

export class MaxPool2d extends Module implements Layer {
  constructor(
    readonly kernel: number,
    readonly stride = kernel,
    readonly padding = 0,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.maxPool2d(x, this.kernel, { stride: this.stride, padding: this.padding });
  }
}

export class AvgPool2d extends Module implements Layer {
  constructor(
    readonly kernel: number,
    readonly stride = kernel,
    readonly padding = 0,
    readonly countIncludePad = true,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return F.avgPool2d(x, this.kernel, { stride: this.stride, padding: this.padding, countIncludePad: this.countIncludePad });
  }
}

/** NCHW -> NC by averaging each channel. */
export class GlobalAvgPool extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return x.mean([2, 3]);
  }
}

export class Flatten extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return x.flatten(1);
  }
}

export class Dropout extends Module implements Layer {
  constructor(readonly p = 0.5) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.p > 0 ? F.dropout(x, this.p, this.training) : x;
  }
}
