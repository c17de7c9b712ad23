// ENAS' shared-weight child models (Pham et al., ICML 2018): every op a child could pick owns
// weights that every child picking it shares; a forward pass runs one child, named by the
// space's decision vector (the controller's sample).
//
// Micro (micro_child.py's search child, `enas-micro`): a 3F stem; `cellsPerStage` normal cells
// per stage with a reduction cell between stages (F doubles); each cell brings its two inputs to
// F channels (ReLU-1x1-BN, or a factorized reduction when the earlier input is at twice the
// resolution); a reduction cell first halves both inputs with factorized reductions and then
// runs at stride 1, as ENAS does. Node b's two branches each own a sep conv 3x3 and 5x5 (pools
// and identity have no weights); the node adds them. The cell's output is ENAS' final 1x1 conv
// over the states no node reads: its weight has one F×F slice per state, and the slices of the
// unused states are applied (sum of per-state 1x1 convs, which is the conv of their concat),
// then BN.
// Macro (general_child.py's search child, `enas-macro`): a 3x3 stem, then per layer all six
// branches (conv 3x3/5x5 = ReLU-1x1-BN then ReLU-k×k-BN; sep conv the same with depthwise +
// pointwise; pools = 1x1-BN-ReLU then a 3x3 pool) of which the child runs one, plus the skip
// inputs it selects, added and batch-normalised (the search child adds skips, the fixed child
// concatenates them); after the pooling layers F doubles and every kept state goes through a
// factorized reduction.
import { F, type Tensor, tidy } from '../torch/index.js';
import {
  AvgPool2d, BatchNorm2d, Conv2d, FactorizedReduce, Linear, MaxPool2d, Module, ReLU, ReLUConvBN, SepConv, Sequential, type LayerModule,
} from '../nn/index.js';
import { type AnySearchSpace, type Stack, cells, enas } from '../spaces/index.js';
import { OneShotError } from './oneshot-errors.js';

/** A weight-sharing network of one ENAS space: logits of `x` through the child `decisions` name. */
export interface EnasSupernet extends Module {
  readonly inChannels: number;
  forward(x: Tensor, decisions: readonly number[]): Tensor;
}

export interface EnasSupernetStack {
  /** F: the first stage's filters (even) */
  readonly channels: number;
  readonly classes: number;
  /** micro: normal cells per stage (ENAS' search: 2) */
  readonly cellsPerStage: number;
  /** input image channels */
  readonly inChannels: number;
}

/** The spaces with an ENAS supernet. */
export const ENAS_SPACES: readonly string[] = ['enas-micro', 'enas-macro'];

const NODES = 5;
const MICRO_OPS = enas.ENAS_MICRO_OPS.length;

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
      case 0: return this.sep3.forward(x);
      case 1: return this.sep5.forward(x);
      case 2: return this.avg.forward(x);
      case 3: return this.max.forward(x);
      default: return x;
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

  constructor(cPrevPrev: number, cPrev: number, readonly c: number, readonly reduction: boolean, reductionPrev: boolean) {
    super();
    // inputs reach this cell at the resolution of its predecessor's output
    this.preprocess0 = this.child('preprocess0', reductionPrev ? new FactorizedReduce(cPrevPrev, c) : new ReLUConvBN(cPrevPrev, c, 1, 1, 0));
    this.preprocess1 = this.child('preprocess1', new ReLUConvBN(cPrev, c, 1, 1, 0));
    if (reduction) {
      this.reduce0 = this.child('reduce0', new FactorizedReduce(c, c));
      this.reduce1 = this.child('reduce1', new FactorizedReduce(c, c));
    }
    this.branches = this.child('branches', new cells.ModuleList(Array.from({ length: 2 * NODES }, () => new MicroBranch(c))));
    this.outConvs = this.child('outConvs', new cells.ModuleList(Array.from({ length: NODES + 2 }, () => new Conv2d(c, c, 1, { bias: false }))));
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
      for (let n = 0; n < NODES; n++) {
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
    const normal = decisions.slice(0, 4 * NODES);
    const reduce = decisions.slice(4 * NODES, 8 * NODES);
    return tidy(() => {
      let s0 = this.stem.forward(x);
      let s1 = s0;
      for (const cell of this.cells.items) [s0, s1] = [s1, cell.forward(s0, s1, cell.reduction ? reduce : normal)];
      return this.classifier.forward(F.globalAvgPool(s1.relu()));
    });
  }
}

/** The six branches of a macro layer, general_child.py's numbering. */
function macroBranch(op: number, f: number): LayerModule {
  const pre = (): ReLUConvBN => new ReLUConvBN(f, f, 1, 1, 0);
  if (op === 4 || op === 5) {
    return new Sequential(new Conv2d(f, f, 1, { bias: false }), new BatchNorm2d(f), new ReLUPool(op === 4));
  }
  const k = op === 2 || op === 3 ? 5 : 3;
  if (op === 1 || op === 3) {
    return new Sequential(pre(), new ReLU(),
      new Conv2d(f, f, k, { padding: k >> 1, groups: f, bias: false }), new Conv2d(f, f, 1, { bias: false }), new BatchNorm2d(f));
  }
  return new Sequential(pre(), new ReLUConvBN(f, f, k, 1, k >> 1));
}

/** ReLU then a 3x3 stride-1 pool (average over the pixels inside the image). */
class ReLUPool extends Module {
  constructor(readonly average: boolean) { super(); }
  forward(x: Tensor): Tensor {
    return tidy(() => {
      const r = x.relu();
      return this.average ? F.avgPool2d(r, 3, { stride: 1, padding: 1, countIncludePad: false }) : F.maxPool2d(r, 3, { stride: 1, padding: 1 });
    });
  }
}

class MacroLayer extends Module {
  readonly branches: cells.ModuleList<Module & LayerModule>;
  readonly bn: BatchNorm2d;

  constructor(f: number) {
    super();
    this.branches = this.child('branches', new cells.ModuleList(Array.from({ length: 6 }, (_, op) => macroBranch(op, f) as Module & LayerModule)));
    this.bn = this.child('bn', new BatchNorm2d(f));
  }

  /** `prev`: the stem's and earlier layers' outputs; `skips[i]` adds prev[i] (the last one is the op's input). */
  forward(prev: readonly Tensor[], op: number, skips: readonly number[]): Tensor {
    return tidy(() => {
      let out = this.branches.items[op]!.forward(prev[prev.length - 1]!);
      skips.forEach((bit, i) => { if (bit) out = out.add(prev[i]!); });
      return this.bn.forward(out);
    });
  }
}

/** ENAS' macro search child over `enas-macro`'s decisions (per layer its op, then its skip bits). */
export class EnasMacroSupernet extends Module implements EnasSupernet {
  readonly stem: Sequential;
  readonly layers: cells.ModuleList<MacroLayer>;
  readonly pools: cells.ModuleList<cells.ModuleList<FactorizedReduce>>;
  readonly classifier: Linear;
  readonly inChannels: number;
  private readonly poolAt: number[];

  constructor(readonly numLayers: number, stack: EnasSupernetStack) {
    super();
    let f = stack.channels;
    this.inChannels = stack.inChannels;
    this.stem = this.child('stem', new Sequential(new Conv2d(stack.inChannels, f, 3, { padding: 1, bias: false }), new BatchNorm2d(f)));
    this.poolAt = enas.enasPoolLayers(numLayers);
    const layers: MacroLayer[] = [];
    const pools: cells.ModuleList<FactorizedReduce>[] = [];
    for (let l = 0; l < numLayers; l++) {
      layers.push(new MacroLayer(f));
      if (this.poolAt.includes(l)) {
        pools.push(new cells.ModuleList(Array.from({ length: l + 2 }, () => new FactorizedReduce(f, 2 * f))));
        f *= 2;
      }
    }
    this.layers = this.child('layers', new cells.ModuleList(layers));
    this.pools = this.child('pools', new cells.ModuleList(pools));
    this.classifier = this.child('classifier', new Linear(f, stack.classes));
  }

  forward(x: Tensor, decisions: readonly number[]): Tensor {
    return tidy(() => {
      let states = [this.stem.forward(x)];
      let k = 0;
      let pool = 0;
      this.layers.items.forEach((layer, l) => {
        const op = decisions[k]!;
        const skips = decisions.slice(k + 1, k + 1 + l);
        k += 1 + l;
        states.push(layer.forward(states, op, skips));
        if (this.poolAt.includes(l)) {
          const reductions = this.pools.items[pool++]!.items;
          states = states.map((s, i) => reductions[i]!.forward(s));
        }
      });
      return this.classifier.forward(F.globalAvgPool(states[states.length - 1]!));
    });
  }
}

/** The ENAS supernet of `space` (enas-micro, or an enas-macro space of any depth). */
export function enasSupernet(space: AnySearchSpace, stack: EnasSupernetStack): EnasSupernet {
  if (!Number.isInteger(stack.channels) || stack.channels < 2 || stack.channels % 2 !== 0) {
    throw new OneShotError(`enas: stack.channels must be a positive even number (factorized reductions halve it), got ${stack.channels}`, 'invalid-option');
  }
  const ds = space.decisions();
  if (space.name === 'enas-micro') {
    if (!Number.isInteger(stack.cellsPerStage) || stack.cellsPerStage < 1) {
      throw new OneShotError(`enas: stack.cellsPerStage must be a positive integer, got ${stack.cellsPerStage}`, 'invalid-option');
    }
    if (ds.length !== 8 * NODES || ds[1]!.choices.length !== MICRO_OPS) throw new OneShotError('enas: the enas-micro space does not have the 40 decisions this supernet expects', 'unsupported-space');
    return new EnasMicroSupernet(stack);
  }
  if (space.name.startsWith('enas-macro')) {
    const layers = ds.filter((d) => d.name.endsWith('.op')).length;
    return new EnasMacroSupernet(layers, stack);
  }
  throw new OneShotError(`enas has a supernet for ${ENAS_SPACES.join(' and ')}, not '${space.name}'; pick one of those spaces`, 'unsupported-space');
}

/**
 * The micro supernet's normal cells per stage for a search stack: the stack's own
 * `cellsPerStage`, or from its total `cells` (two are reductions), or `fallback`.
 */
export function enasCellsPerStage(stack: Partial<Stack>, fallback: number): number {
  const own = (stack as { cellsPerStage?: number }).cellsPerStage;
  if (own !== undefined) return own;
  return stack.cells !== undefined ? Math.max(1, Math.round((stack.cells - 2) / 3)) : fallback;
}
