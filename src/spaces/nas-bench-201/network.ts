// The NAS-Bench-201 network (Dong & Yang, ICLR 2020), as its released code's TinyNetwork with
// InferCell builds it: stem conv3x3 + BN; three stages of N cells at C, 2C, 4C channels, joined
// by residual reduction blocks (ReLU-conv3x3/2-BN, ReLU-conv3x3-BN, shortcut avgpool/2 + conv1x1);
// BN + ReLU, global average pool, linear. A cell has 4 nodes; node i sums one op per earlier
// node. Ops: none (zeros), skip_connect, nor_conv_1x1/3x3 (ReLU-conv-BN), avg_pool_3x3
// (padding not counted). Children carry the released code's names (cells.3.layers.2.op.1).
import { type Tensor, F, tidy } from '../../torch/index.js';
import { AvgPool2d, BatchNorm2d, Conv2d, Identity, Linear, Module, ReLU, ReLUConvBN, Sequential, Zero, type Layer, type LayerModule } from '../../nn/index.js';

export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
export type Nb201Op = (typeof NB201_OPS)[number];
/** the 6 edges as (to node, from node), in the order the arch string writes them */
export const NB201_EDGES: readonly (readonly [number, number])[] = [
  [1, 0],
  [2, 0],
  [2, 1],
  [3, 0],
  [3, 1],
  [3, 2],
];

export interface Nb201Stack {
  classes?: number;
  /** the first stage's channels; the benchmark's is 16 */
  channels?: number;
  /** cells per stage; the benchmark's is 5 */
  cellsPerStage?: number;
}

function edgeOp(op: Nb201Op, c: number): LayerModule {
  switch (op) {
    case 'none':
      return new Zero(1);
    case 'skip_connect':
      return new Identity();
    case 'nor_conv_1x1':
      return new ReLUConvBN(c, c, 1, 1, 0);
    case 'nor_conv_3x3':
      return new ReLUConvBN(c, c, 3, 1, 1);
    case 'avg_pool_3x3':
      return new AvgPool2d(3, 1, 1, false);
  }
}

/** One cell: node i is the sum of its edges' ops on the earlier nodes; the output is node 3. */
export class Nb201Cell extends Module implements Layer {
  readonly layers: Sequential;

  constructor(
    readonly ops: readonly Nb201Op[],
    channels: number,
  ) {
    super();
    this.layers = this.child('layers', new Sequential(...ops.map((op) => edgeOp(op, channels))));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const nodes = [x];
      for (let to = 1; to <= 3; to++) {
        let sum: Tensor | undefined;
        NB201_EDGES.forEach(([t, from], e) => {
          if (t !== to) return;
          const y = this.layers.layers[e]!.forward(nodes[from]!);
          sum = sum === undefined ? y : sum.add(y);
        });
        nodes.push(sum!); // node 3 sums three edges, so the returned output is always a fresh tensor
      }
      return nodes[3]!;
    });
  }
}

/** The residual reduction block between stages (ResNetBasicblock, stride 2). */
export class Nb201Reduction extends Module implements Layer {
  readonly conv_a: ReLUConvBN;
  readonly conv_b: ReLUConvBN;
  readonly downsample: Sequential;

  constructor(cIn: number, cOut: number) {
    super();
    this.conv_a = this.child('conv_a', new ReLUConvBN(cIn, cOut, 3, 2, 1));
    this.conv_b = this.child('conv_b', new ReLUConvBN(cOut, cOut, 3, 1, 1));
    this.downsample = this.child('downsample', new Sequential(new AvgPool2d(2, 2, 0), new Conv2d(cIn, cOut, 1, { bias: false })));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => this.conv_b.forward(this.conv_a.forward(x)).add(this.downsample.forward(x)));
  }
}

export class Nb201Network extends Module implements Layer {
  readonly stem: Sequential;
  readonly cells: Sequential;
  readonly lastact: Sequential;
  readonly classifier: Linear;

  constructor(ops: readonly Nb201Op[], stack: Required<Nb201Stack>) {
    super();
    const { classes, channels: c, cellsPerStage: n } = stack;
    this.stem = this.child('stem', new Sequential(new Conv2d(3, c, 3, { padding: 1, bias: false }), new BatchNorm2d(c)));
    const blocks: LayerModule[] = [];
    let width = c;
    for (let stage = 0; stage < 3; stage++) {
      if (stage > 0) {
        blocks.push(new Nb201Reduction(width, 2 * width));
        width *= 2;
      }
      for (let i = 0; i < n; i++) blocks.push(new Nb201Cell(ops, width));
    }
    this.cells = this.child('cells', new Sequential(...blocks));
    this.lastact = this.child('lastact', new Sequential(new BatchNorm2d(width), new ReLU()));
    this.classifier = this.child('classifier', new Linear(width, classes));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => this.classifier.forward(F.globalAvgPool(this.lastact.forward(this.cells.forward(this.stem.forward(x))))));
  }
}
