// ENAS' shared-weight child models (Pham et al., ICML 2018), micro space.
// Micro (micro_child.py's search child, `enas-micro`): a 3F stem; `cellsPerStage` normal cells
// per stage with a reduction cell between stages (F doubles); each cell brings its two inputs to
// F channels (ReLU-1x1-BN, or a factorized reduction when the earlier input is at twice the
// resolution); a reduction cell first halves both inputs with factorized reductions and then
// runs at stride 1, as ENAS does. Node b's two branches each own a sep conv 3x3 and 5x5 (pools
// and identity have no weights); the node adds them. The cell's output is ENAS' final 1x1 conv
// over the states no node reads: its weight has one F×F slice per state, and the slices of the
// unused states are applied (sum of per-state 1x1 convs, which is the conv of their concat),
// then BN.
import { F, type Tensor, tidy } from '../../../torch/index.js';
import {
  BatchNorm2d,
  Conv2d,
  FactorizedReduce,
  Linear,
  Module,
  ReLUConvBN,
  SepConv,
  Sequential,
  AvgPool2d,
  MaxPool2d,
  type LayerModule,
} from '../../../nn/index.js';
import { cells, enas } from '../../../spaces/index.js';
import { type EnasSupernet, type EnasSupernetStack } from './supernet.js';

/** Nodes of a micro cell. */
export const MICRO_NODES = 5;
/** Ops a micro branch can pick. */
export const MICRO_OPS = enas.ENAS_MICRO_OPS.length;
/** One branch of a micro node: the weighted candidates (sep convs) and the weightless ones. */
class MicroBranch extends Module {
  readonly sep3: SepConv;
  readonly sep5: SepConv;
  private readonly avg = new AvgPool2d(3, 1, 1, false);
  private readonly max = new MaxPool2d(3, 1, 1);

  constructor(c: number) {
    super();
    this.sep3 = this.child('sep3', new SepConv(c, c, 3, 1, 1));
    this.sep5 = this.child('sep5', new SepConv(c, c, 5, 1, 2));
  }

  /** ENAS' op numbering: 0 sep 3x3, 1 sep 5x5, 2 avg pool, 3 max pool, 4 identity. */
  run(op: number, x: Tensor): Tensor {
    switch (op) {
      case 0:
        return this.sep3.forward(x);
      case 1:
        return this.sep5.forward(x);
      case 2:
        return this.avg.forward(x);
      case 3:
        return this.max.forward(x);
      default:
        return x;
    }
  }
}

class MicroCell extends Module {
  readonly preprocess0: LayerModule;
  readonly preprocess1: ReLUConvBN;
  readonly reduce0: FactorizedReduce | null = null;
  readonly reduce1: FactorizedReduce | null = null;
  readonly branches: cells.ModuleList<MicroBranch>;
  /** the final 1x1 conv: one F×F slice per state (two inputs and five nodes) */
  readonly outConvs: cells.ModuleList<Conv2d>;
  readonly outBN: BatchNorm2d;

  constructor(
    cPrevPrev: number,
    cPrev: number,
    readonly c: number,
    readonly reduction: boolean,
    reductionPrev: boolean,
  ) {
    super();
    // inputs reach this cell at the resolution of its predecessor's output
    this.preprocess0 = this.child('preprocess0', reductionPrev ? new FactorizedReduce(cPrevPrev, c) : new ReLUConvBN(cPrevPrev, c, 1, 1, 0));
    this.preprocess1 = this.child('preprocess1', new ReLUConvBN(cPrev, c, 1, 1, 0));
    if (reduction) {
      this.reduce0 = this.child('reduce0', new FactorizedReduce(c, c));
      this.reduce1 = this.child('reduce1', new FactorizedReduce(c, c));
    }
    this.branches = this.child('branches', new cells.ModuleList(Array.from({ length: 2 * MICRO_NODES }, () => new MicroBranch(c))));
    this.outConvs = this.child('outConvs', new cells.ModuleList(Array.from({ length: MICRO_NODES + 2 }, () => new Conv2d(c, c, 1, { bias: false }))));
    this.outBN = this.child('outBN', new BatchNorm2d(c));
  }

  /** `arc`: per node [input1, op1, input2, op2] (20 numbers). */
  forward(s0: Tensor, s1: Tensor, arc: readonly number[]): Tensor {
    return tidy(() => {
      let a = this.preprocess0.forward(s0);
      let b = this.preprocess1.forward(s1);
      if (this.reduce0 && this.reduce1) [a, b] = [this.reduce0.forward(a), this.reduce1.forward(b)];
      const states = [a, b];
      const used = new Set<number>();
      for (let n = 0; n < MICRO_NODES; n++) {
        const [i1, o1, i2, o2] = arc.slice(4 * n, 4 * n + 4) as [number, number, number, number];
        used.add(i1).add(i2);
        states.push(this.branches.items[2 * n]!.run(o1, states[i1]!).add(this.branches.items[2 * n + 1]!.run(o2, states[i2]!)));
      }
      let out: Tensor | null = null;
      states.forEach((s, i) => {
        if (used.has(i)) return;
        const y = this.outConvs.items[i]!.forward(s.relu());
        out = out === null ? y : out.add(y);
      });
      return this.outBN.forward(out!);
    });
  }
}

/** ENAS' micro search child over `enas-micro`'s 40 decisions (normal cell's 20, then the reduction cell's). */
export class EnasMicroSupernet extends Module implements EnasSupernet {
  readonly stem: Sequential;
  readonly cells: cells.ModuleList<MicroCell>;
  readonly classifier: Linear;
  readonly inChannels: number;

  constructor(stack: EnasSupernetStack) {
    super();
    const { channels: C, cellsPerStage: N } = stack;
    this.inChannels = stack.inChannels;
    const stemC = 3 * C;
    this.stem = this.child('stem', new Sequential(new Conv2d(stack.inChannels, stemC, 3, { padding: 1, bias: false }), new BatchNorm2d(stemC)));
    const list: MicroCell[] = [];
    let [cPP, cP, c] = [stemC, stemC, C];
    let reductionPrev = false;
    for (let stage = 0; stage < 3; stage++) {
      if (stage > 0) {
        c *= 2;
        list.push(new MicroCell(cPP, cP, c, true, reductionPrev));
        [cPP, cP, reductionPrev] = [cP, c, true];
      }
      for (let i = 0; i < N; i++) {
        list.push(new MicroCell(cPP, cP, c, false, reductionPrev));
        [cPP, cP, reductionPrev] = [cP, c, false];
      }
    }
    this.cells = this.child('cells', new cells.ModuleList(list));
    this.classifier = this.child('classifier', new Linear(cP, stack.classes));
  }

  forward(x: Tensor, decisions: readonly number[]): Tensor {
    const normal = decisions.slice(0, 4 * MICRO_NODES);
    const reduce = decisions.slice(4 * MICRO_NODES, 8 * MICRO_NODES);
    return tidy(() => {
      let s0 = this.stem.forward(x);
      let s1 = s0;
      for (const cell of this.cells.items) [s0, s1] = [s1, cell.forward(s0, s1, cell.reduction ? reduce : normal)];
      return this.classifier.forward(F.globalAvgPool(s1.relu()));
    });
  }
}
