// The child network of ENAS' macro space (general_child.py, fixed architecture, whole-channel
// search): a 3x3 conv stem; L layers, each one op on the previous layer's output; a layer l > 0
// concatenates the op's output with the earlier states its l skip bits select (the stem and
// layers 0..l-2: general_child.py's prev_layers[0..l-1]) and brings them
// back to F channels with ReLU → 1x1 conv → BN; after the layers in `pool_layers` (L/3 - 1 and
// 2L/3 - 1) F doubles and every layer kept so far (stem included) goes through a factorized
// reduction; then global average pooling, dropout and a linear classifier without bias.
// Ops, as in the code: conv k×k = ReLU → 1x1 → BN → ReLU → k×k → BN (_fixed_layer); sep conv
// k×k the same with a depthwise k×k + pointwise 1x1 in place of the k×k (the paper's
// depthwise-separable op; the released fixed-arc code builds it as a full conv); pools
// = 1x1 → BN → ReLU → 3x3 stride-1 pool (_pool_branch, SAME padding, the average over the
// window's pixels inside the image).
import { type Tensor, F, tidy } from '../../torch/index.js';
import {
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  ReLUConvBN,
  Sequential,
  type Layer,
  type LayerModule,
} from '../../nn/index.js';
import { ModuleList } from '../cells/index.js';
import { FactorizedReduction } from '../nasnet/index.js';

/** general_child.py's branch numbering. */
export const ENAS_MACRO_OPS = ['conv_3x3', 'sep_conv_3x3', 'conv_5x5', 'sep_conv_5x5', 'avg_pool_3x3', 'max_pool_3x3'] as const;
export type EnasMacroOp = (typeof ENAS_MACRO_OPS)[number];

export interface EnasMacroStack {
  /** F, the stem's and first stage's filters (doubled at each pooling; even) */
  channels: number;
  classes: number;
  /** dropout before the classifier (1 - keep_prob) */
  dropout: number;
}

/** The layers after which the network reduces: general_child.py's pool_layers. */
export function enasPoolLayers(layers: number): number[] {
  const d = Math.floor(layers / 3);
  return [d - 1, 2 * d - 1];
}

function macroOp(op: EnasMacroOp, cIn: number, f: number): LayerModule {
  if (op === 'avg_pool_3x3' || op === 'max_pool_3x3') {
    return new Sequential(
      new Conv2d(cIn, f, 1, { bias: false }),
      new BatchNorm2d(f),
      new ReLU(),
      op === 'avg_pool_3x3' ? new AvgPool2d(3, 1, 1, false) : new MaxPool2d(3, 1, 1),
    );
  }
  const k = op.endsWith('5x5') ? 5 : 3;
  const spatial = op.startsWith('sep')
    ? new Sequential(new ReLU(), new Conv2d(f, f, k, { padding: k >> 1, groups: f, bias: false }), new Conv2d(f, f, 1, { bias: false }), new BatchNorm2d(f))
    : new ReLUConvBN(f, f, k, 1, k >> 1);
  return new Sequential(new ReLUConvBN(cIn, f, 1, 1, 0), spatial);
}

export class EnasMacroLayer extends Module {
  readonly op: LayerModule;
  /** null in layer 0, which has no skip decisions */
  readonly skip: ReLUConvBN | null = null;

  constructor(
    op: EnasMacroOp,
    readonly skips: readonly number[],
    cIn: number,
    f: number,
    layer: number,
  ) {
    super();
    this.op = this.child('op', macroOp(op, cIn, f));
    if (layer > 0) this.skip = this.child('skip', new ReLUConvBN((skips.length + 1) * f, f, 1, 1, 0));
  }

  /** `prev` holds the stem's and every earlier layer's output (stem first). */
  forward(prev: readonly Tensor[]): Tensor {
    return tidy(() => {
      const out = this.op.forward(prev[prev.length - 1]!);
      if (!this.skip) return out;
      return this.skip.forward(F.cat([...this.skips.map((i) => prev[i]!), out], 1));
    });
  }
}

export class EnasMacroNetwork extends Module implements Layer {
  readonly stem: Sequential;
  readonly layers: ModuleList<EnasMacroLayer>;
  /** per pooling position, one factorized reduction per state kept so far */
  readonly pools: ModuleList<ModuleList<FactorizedReduction>>;
  readonly dropout: Dropout;
  readonly classifier: Linear;
  private readonly poolAt: number[];

  /**
   * `skips[l]` lists the states layer l also reads, as general_child.py indexes them: 0 is the
   * stem, k ≥ 1 is layer k - 1 (layer l - 1, the op's input, is never a skip).
   */
  constructor(
    ops: readonly EnasMacroOp[],
    skips: readonly (readonly number[])[],
    readonly stack: EnasMacroStack,
  ) {
    super();
    let f = stack.channels;
    this.stem = this.child('stem', new Sequential(new Conv2d(3, f, 3, { padding: 1, bias: false }), new BatchNorm2d(f)));
    this.poolAt = enasPoolLayers(ops.length);
    const layers: EnasMacroLayer[] = [];
    const pools: Array<ModuleList<FactorizedReduction>> = [];
    let cIn = f;
    ops.forEach((op, l) => {
      layers.push(new EnasMacroLayer(op, skips[l]!, cIn, f, l));
      if (this.poolAt.includes(l)) {
        f *= 2;
        pools.push(new ModuleList(Array.from({ length: l + 2 }, () => new FactorizedReduction(f / 2, f, 2, false))));
      }
      cIn = f;
    });
    this.layers = this.child('layers', new ModuleList(layers));
    this.pools = this.child('pools', new ModuleList(pools));
    this.dropout = this.child('dropout', new Dropout(stack.dropout));
    this.classifier = this.child('classifier', new Linear(f, stack.classes, { bias: false }));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      let states = [this.stem.forward(x)];
      let pool = 0;
      this.layers.items.forEach((layer, l) => {
        states.push(layer.forward(states));
        if (this.poolAt.includes(l)) {
          const reductions = this.pools.items[pool++]!.items;
          states = states.map((s, i) => reductions[i]!.forward(s));
        }
      });
      return this.classifier.forward(this.dropout.forward(states[states.length - 1]!.mean([2, 3])));
    });
  }
}
