// The cell supernet of the `darts` space, as DARTS' search network (cnn/model_search.py):
// a 3C stem, `cells` cells with reductions at 1/3 and 2/3 of the depth, each cell two
// preprocessing ops (FactorizedReduce after a reduction, else ReLUConvBN 1x1) and a mixed op on
// each of its 14 edges (node i reads the two cell inputs and nodes before it), the four nodes
// concatenated; global average pooling and a linear classifier. Batch norms inside cells have
// no affine parameters (affine=False), as in the released search models. GDAS' search model
// (AutoDL-Projects' NASNetworkGDAS) adds BN+ReLU before the pooling (`lastAct`) and no BN after
// pools (`poolBN: false`).
//
// The architecture parameters (α, one row per edge, one column per primitive) are not module
// parameters: the weights' optimiser never sees them, as in the released code. How an edge's
// candidates are weighted (softmax for DARTS, one sampled op for GDAS) is the caller's: the
// forward pass takes per-edge lists of (op, weight).
//
// Speed: the network runs in channels-last layout (oneDNN's depthwise convolutions, pools and
// batch norms are several times faster in it on CPU), skips 'none', shares each edge's ReLU, and
// accumulates a node's weighted inputs in place into one tensor.
import { F, type Tensor, callAten, keep, noGrad, randn, scalar, tidy } from '../../../torch/index.js';
import { BatchNorm2d, Conv2d, FactorizedReduce, Linear, Module, ReLU, ReLUConvBN, Sequential, type LayerModule } from '../../../nn/index.js';
import { cells, type darts } from '../../../spaces/index.js';
import { type EdgeWeights, type WeightedOp, edgeCount } from './edge-weights.js';
import { MixedOp, type SupernetFlavor } from './mixed-op.js';
import { genotypeEdgeWeights } from './genotype.js';

export interface SupernetConfig extends SupernetFlavor {
  /** cells in the network (8 in DARTS' search); reductions at cells/3 and 2·cells/3 */
  readonly cells: number;
  /** the first stage's channels (16 in DARTS' search) */
  readonly channels: number;
  readonly classes: number;
  /** input image channels (3 for CIFAR, 1 for Fashion-MNIST) */
  readonly inputChannels: number;
  /** intermediate nodes per cell (4) */
  readonly nodes: number;
  /** the candidate ops of every edge, 'none' included (DARTS' PRIMITIVES) */
  readonly primitives: readonly string[];
  /** GDAS: BatchNorm2d + ReLU before global pooling */
  readonly lastAct: boolean;
  /** float32 (default) or float64 (for gradient checks) */
  readonly dtype?: 'float32' | 'float64';
}

function channelsLast(x: Tensor): Tensor {
  return callAten('contiguous', x, { memory_format: 'channels_last' }) as Tensor;
}

export class SearchCell extends Module {
  readonly preprocess0: LayerModule;
  readonly preprocess1: ReLUConvBN;
  readonly _ops: cells.ModuleList<MixedOp>;

  constructor(
    readonly nodes: number,
    primitives: readonly string[],
    cPrevPrev: number,
    cPrev: number,
    c: number,
    readonly reduction: boolean,
    reductionPrev: boolean,
    flavor: SupernetFlavor,
  ) {
    super();
    this.preprocess0 = this.child('preprocess0', reductionPrev ? new FactorizedReduce(cPrevPrev, c, false) : new ReLUConvBN(cPrevPrev, c, 1, 1, 0, false));
    this.preprocess1 = this.child('preprocess1', new ReLUConvBN(cPrev, c, 1, 1, 0, false));
    const ops: MixedOp[] = [];
    for (let i = 0; i < nodes; i++) {
      for (let j = 0; j < 2 + i; j++) ops.push(new MixedOp(primitives, c, reduction && j < 2 ? 2 : 1, flavor));
    }
    this._ops = this.child('_ops', new cells.ModuleList(ops));
  }

  forward(s0: Tensor, s1: Tensor, weights: EdgeWeights): Tensor {
    return tidy(() => {
      const states = [this.preprocess0.forward(s0), this.preprocess1.forward(s1)];
      const ops = this._ops.items;
      let e = 0;
      for (let i = 0; i < this.nodes; i++) {
        let acc: Tensor | null = null;
        for (let j = 0; j < states.length; j++, e++) {
          const x = states[j]!;
          let r: Tensor | null = null;
          const relu = (): Tensor => (r ??= x.relu());
          for (const { op, weight } of weights[e]!) {
            if (!ops[e]!.computes(op)) continue;
            const y = ops[e]!.run(op, x, relu);
            // the first term allocates the node, the others accumulate into it in place
            if (acc === null) acc = y.mul(weight);
            else acc.addcmul_(y, weight);
            if (y !== x) y.dispose();
          }
          (r as Tensor | null)?.dispose();
        }
        // every candidate of every input was 'none' (GDAS can sample that): the node is zero
        states.push(acc ?? this.zeroNode(states[1]!));
      }
      return F.cat(states.slice(2), 1);
    });
  }

  private zeroNode(s1: Tensor): Tensor {
    return noGrad(() => {
      if (!this.reduction) return s1.mul(0);
      const sub = s1.slice(2, null, null, 2);
      const sub2 = sub.slice(3, null, null, 2);
      return sub2.mul(0);
    });
  }
}

export class CellSupernet extends Module {
  readonly stem: Sequential;
  readonly cells: cells.ModuleList<SearchCell>;
  readonly lastact: Sequential | null = null;
  readonly classifier: Linear;
  /** α of the normal and the reduction cell: (edges × primitives), kept, requiring grad */
  readonly alphasNormal: Tensor;
  readonly alphasReduce: Tensor;
  readonly edges: number;

  constructor(readonly config: SupernetConfig) {
    super();
    const { cells: layers, channels: C, nodes } = config;
    if (!Number.isInteger(layers) || layers < 3) throw new RangeError(`a cell supernet needs at least 3 cells (two are reductions), got ${layers}`);
    if (!Number.isInteger(C) || C < 1 || C % 2 !== 0)
      throw new RangeError(`a cell supernet's channels must be a positive even number (FactorizedReduce halves them), got ${C}`);
    const stemC = 3 * C;
    this.stem = this.child('stem', new Sequential(new Conv2d(config.inputChannels, stemC, 3, { padding: 1, bias: false }), new BatchNorm2d(stemC)));
    let [cPrevPrev, cPrev, c] = [stemC, stemC, C];
    let reductionPrev = false;
    const list: SearchCell[] = [];
    for (let i = 0; i < layers; i++) {
      const reduction = i === Math.floor(layers / 3) || i === Math.floor((2 * layers) / 3);
      if (reduction) c *= 2;
      list.push(new SearchCell(nodes, config.primitives, cPrevPrev, cPrev, c, reduction, reductionPrev, config));
      reductionPrev = reduction;
      [cPrevPrev, cPrev] = [cPrev, nodes * c];
    }
    this.cells = this.child('cells', new cells.ModuleList(list));
    if (config.lastAct) this.lastact = this.child('lastact', new Sequential(new BatchNorm2d(cPrev), new ReLU()));
    this.classifier = this.child('classifier', new Linear(cPrev, config.classes));
    this.edges = edgeCount(nodes);
    if (config.dtype === 'float64') this.to('float64');
    // DARTS: 1e-3 · N(0, 1), drawn from the global generator after the weights
    const shape = [this.edges, config.primitives.length];
    const dtype = config.dtype ?? 'float32';
    this.alphasNormal = keep(randn(shape, { dtype }).mul_(1e-3)).requiresGrad_();
    this.alphasReduce = keep(randn(shape, { dtype }).mul_(1e-3)).requiresGrad_();
  }

  /** The weights (every module parameter; α excluded). */
  weights(): Tensor[] {
    return this.parameters();
  }

  alphas(): [Tensor, Tensor] {
    return [this.alphasNormal, this.alphasReduce];
  }

  /** Logits of `x`, each cell's edges weighted by `normal` or `reduce`. */
  forward(x: Tensor, normal: EdgeWeights, reduce: EdgeWeights): Tensor {
    return this.forwardCells(x, (cell) => (cell.reduction ? reduce : normal));
  }

  /**
   * Logits of the discrete cells of a `darts` genotype: on each node only its two chosen
   * inputs' chosen ops run (as one child network of the supernet, sharing its weights).
   */
  forwardGenotype(x: Tensor, g: darts.DartsGenotype): Tensor {
    return tidy(() => {
      const { primitives, nodes, dtype } = this.config;
      const one = scalar(1, { dtype: dtype ?? 'float32' });
      return this.forward(x, genotypeEdgeWeights(g.normal, primitives, nodes, one), genotypeEdgeWeights(g.reduce, primitives, nodes, one));
    });
  }

  /** Logits of `x` with the edge weights of each cell (in order) given by `weightsOf` (e.g. per-cell path dropout). */
  forwardCells(x: Tensor, weightsOf: (cell: SearchCell, index: number) => EdgeWeights): Tensor {
    return tidy(() => {
      const dtype = this.config.dtype ?? 'float32';
      const input = channelsLast(x.dtype === dtype ? x : x.to(dtype));
      let s0 = this.stem.forward(input);
      let s1 = s0;
      for (const [i, cell] of this.cells.items.entries()) {
        const next = cell.forward(s0, s1, weightsOf(cell, i));
        if (s0 !== s1) s0.dispose();
        [s0, s1] = [s1, next];
      }
      const h = this.lastact ? this.lastact.forward(s1) : s1;
      return this.classifier.forward(F.globalAvgPool(h));
    });
  }

  override dispose(): void {
    super.dispose();
    this.alphasNormal.dispose();
    this.alphasReduce.dispose();
  }
}

/**
 * DARTS' relaxation: every edge's candidates weighted by softmax(α) over the primitives
 * ('none' included in the softmax, never computed). With `grad` false the weights are
 * constants (the weight step, where α is not trained).
 */
export function softmaxWeights(alpha: Tensor, primitives: readonly string[], grad: boolean): EdgeWeights {
  const probs = grad ? alpha.softmax(-1) : noGrad(() => alpha.softmax(-1));
  const out: WeightedOp[][] = [];
  for (let e = 0; e < alpha.shape[0]!; e++) {
    const row = probs.select(0, e);
    const list: WeightedOp[] = [];
    primitives.forEach((p, k) => {
      if (p !== 'none') list.push({ op: k, weight: row.select(0, k) });
    });
    out.push(list);
    row.dispose();
  }
  probs.dispose();
  return out;
}
