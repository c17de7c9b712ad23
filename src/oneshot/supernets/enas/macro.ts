// ENAS' shared-weight child models (Pham et al., ICML 2018), macro space.
// Macro (general_child.py's search child, `enas-macro`): a 3x3 stem, then per layer all six
// branches (conv 3x3/5x5 = ReLU-1x1-BN then ReLU-k×k-BN; sep conv the same with depthwise +
// pointwise; pools = 1x1-BN-ReLU then a 3x3 pool) of which the child runs one, plus the skip
// inputs it selects, added and batch-normalised (the search child adds skips, the fixed child
// concatenates them); after the pooling layers F doubles and every kept state goes through a
// factorized reduction.
import { F, type Tensor, tidy } from '../../../torch/index.js';
import { BatchNorm2d, Conv2d, FactorizedReduce, Linear, Module, ReLU, ReLUConvBN, Sequential, type LayerModule } from '../../../nn/index.js';
import { cells, enas } from '../../../spaces/index.js';
import { type EnasSupernet, type EnasSupernetStack } from './supernet.js';

/** The six branches of a macro layer, general_child.py's numbering. */
function macroBranch(op: number, f: number): LayerModule {
  const pre = (): ReLUConvBN => new ReLUConvBN(f, f, 1, 1, 0);
  if (op === 4 || op === 5) {
    return new Sequential(new Conv2d(f, f, 1, { bias: false }), new BatchNorm2d(f), new ReLUPool(op === 4));
  }
  const k = op === 2 || op === 3 ? 5 : 3;
  if (op === 1 || op === 3) {
    return new Sequential(
      pre(),
      new ReLU(),
      new Conv2d(f, f, k, { padding: k >> 1, groups: f, bias: false }),
      new Conv2d(f, f, 1, { bias: false }),
      new BatchNorm2d(f),
    );
  }
  return new Sequential(pre(), new ReLUConvBN(f, f, k, 1, k >> 1));
}

/** ReLU then a 3x3 stride-1 pool (average over the pixels inside the image). */
class ReLUPool extends Module {
  constructor(readonly average: boolean) {
    super();
  }
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
      skips.forEach((bit, i) => {
        if (bit) out = out.add(prev[i]!);
      });
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

  constructor(
    readonly numLayers: number,
    stack: EnasSupernetStack,
  ) {
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
