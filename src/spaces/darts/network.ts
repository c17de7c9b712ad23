// The networks DARTS evaluates a genotype with (NetworkCIFAR and NetworkImageNet in the released
// cnn/model.py): a stem, `cells` cells with reductions at 1/3 and 2/3 of the depth (doubling the
// channels), drop path on every non-identity op in training, an optional auxiliary head after
// the cell at 2/3 of the depth, then global average pooling and a linear classifier.
// - input 32 (CIFAR): a 3x3 conv stem to 3C channels.
// - input 224 (ImageNet): stem0 (two stride-2 3x3 convs, C/2 then C) and stem1 (a third), so
//   the first cell sees 28x28 and treats its inputs as after a reduction. DARTS pools the last
//   7x7 map with AvgPool2d(7); global average pooling is the same there and works at any size.
// Children carry the released code's names so weights map one-to-one onto it.
import { type Tensor, F, tidy } from '../../torch/index.js';
import {
  AuxiliaryHeadCIFAR,
  AuxiliaryHeadImageNet,
  BatchNorm2d,
  Conv2d,
  FactorizedReduce,
  Identity,
  Linear,
  Module,
  ReLU,
  ReLUConvBN,
  Sequential,
  dropPath,
  dropPath_,
  type Layer,
  type LayerModule,
} from '../../nn/index.js';
import { ModuleList, buildCellOp } from '../cells/index.js';
import { type CellEdge, type DartsGenotype, validateGenotype } from './genotypes.js';

/** The macro skeleton a genotype is stacked into. */
export interface DartsStack {
  /** number of cells (20 for the paper's CIFAR-10 network, 14 for ImageNet, 8 in search) */
  cells: number;
  /** channels of the first stage's cells (36 on CIFAR, 48 on ImageNet; the CIFAR stem has 3×) */
  channels: number;
  classes: number;
  /** the auxiliary classifier after the cell at 2/3 of the depth (weight 0.4 in the paper's training) */
  auxiliary?: boolean;
  /** drop path probability (DARTS ramps it linearly from 0 to 0.2 over training) */
  dropPath?: number;
  /** the resolution the network is laid out for: 32 (CIFAR stem, the default) or 224 (ImageNet stem) */
  input?: 32 | 224;
}

export class DartsCell extends Module {
  readonly preprocess0: LayerModule;
  readonly preprocess1: ReLUConvBN;
  readonly _ops: ModuleList<LayerModule>;
  private readonly indices: number[];
  private readonly concat: number[];
  readonly multiplier: number;

  constructor(
    genotype: DartsGenotype,
    cPrevPrev: number,
    cPrev: number,
    c: number,
    readonly reduction: boolean,
    reductionPrev: boolean,
  ) {
    super();
    // after a reduction the cell two back is twice as large: halve it to match
    this.preprocess0 = this.child('preprocess0', reductionPrev ? new FactorizedReduce(cPrevPrev, c) : new ReLUConvBN(cPrevPrev, c, 1, 1, 0));
    this.preprocess1 = this.child('preprocess1', new ReLUConvBN(cPrev, c, 1, 1, 0));
    const edges: readonly CellEdge[] = reduction ? genotype.reduce : genotype.normal;
    this.concat = [...(reduction ? genotype.reduce_concat : genotype.normal_concat)];
    this.multiplier = this.concat.length;
    this.indices = edges.map(([, input]) => input);
    // in a reduction cell only the ops reading the cell inputs carry the stride
    this._ops = this.child('_ops', new ModuleList(edges.map(([op, input]) => buildCellOp(op, c, reduction && input < 2 ? 2 : 1, true))));
  }

  forward(s0: Tensor, s1: Tensor, dropProb: number): Tensor {
    return tidy(() => {
      const states = [this.preprocess0.forward(s0), this.preprocess1.forward(s1)];
      const ops = this._ops.items;
      for (let i = 0; i < ops.length; i += 2) {
        const h1 = this.edge(ops[i]!, states[this.indices[i]!]!, dropProb);
        const h2 = this.edge(ops[i + 1]!, states[this.indices[i + 1]!]!, dropProb);
        states.push(h1.add(h2));
        // an identity edge returns a state itself, which later nodes may still read
        if (!states.includes(h1)) h1.dispose();
        if (!states.includes(h2)) h2.dispose();
      }
      return F.cat(
        this.concat.map((k) => states[k]!),
        1,
      );
    });
  }

  private edge(op: LayerModule, x: Tensor, dropProb: number): Tensor {
    const h = op.forward(x);
    if (!this.training || dropProb <= 0 || op instanceof Identity) return h;
    // a non-identity op's output is fresh and its backward does not read it: drop in place
    return h === x ? dropPath(h, dropProb, true) : dropPath_(h, dropProb, true);
  }
}

/** DARTS' auxiliary classifier for 8x8 feature maps (nn's AuxiliaryHeadCIFAR). */
export { AuxiliaryHeadCIFAR };

function checkStack(s: DartsStack): void {
  for (const k of ['cells', 'channels', 'classes'] as const) {
    if (!Number.isInteger(s[k]) || s[k] < 1) throw new RangeError(`DARTS stack: ${k} must be a positive integer, got ${s[k]}`);
  }
  if (s.cells < 3) throw new RangeError(`DARTS stack: cells must be at least 3 (two of them are reductions), got ${s.cells}`);
  const p = s.dropPath ?? 0;
  if (!(p >= 0 && p < 1)) throw new RangeError(`DARTS stack: dropPath must be in [0, 1), got ${p}`);
  const input = s.input ?? 32;
  if (input !== 32 && input !== 224) throw new RangeError(`DARTS stack: input must be 32 (CIFAR stem) or 224 (ImageNet stem), got ${String(input)}`);
  if (input === 224 && s.channels % 2 !== 0)
    throw new RangeError(`DARTS stack: the ImageNet stem halves the channels first, so channels must be even, got ${s.channels}`);
}

export class DartsNetwork extends Module implements Layer {
  /** the CIFAR stem (input 32) */
  readonly stem: Sequential | null = null;
  /** the ImageNet stem (input 224): stem0 then stem1, both stride 2 */
  readonly stem0: Sequential | null = null;
  readonly stem1: Sequential | null = null;
  readonly cells: ModuleList<DartsCell>;
  readonly auxiliary_head: AuxiliaryHeadCIFAR | AuxiliaryHeadImageNet | null = null;
  readonly classifier: Linear;
  /** the drop path probability used in training; a trainer may change it every epoch */
  dropPathProb: number;
  private readonly auxAt: number;

  constructor(
    genotype: DartsGenotype,
    readonly stack: DartsStack,
  ) {
    super();
    validateGenotype(genotype);
    checkStack(stack);
    const { cells: layers, channels, classes } = stack;
    const imagenet = stack.input === 224;
    this.dropPathProb = stack.dropPath ?? 0;
    let [cPrevPrev, cPrev, c] = [3 * channels, 3 * channels, channels];
    let reductionPrev = false;
    if (imagenet) {
      this.stem0 = this.child(
        'stem0',
        new Sequential(
          new Conv2d(3, channels / 2, 3, { stride: 2, padding: 1, bias: false }),
          new BatchNorm2d(channels / 2),
          new ReLU(),
          new Conv2d(channels / 2, channels, 3, { stride: 2, padding: 1, bias: false }),
          new BatchNorm2d(channels),
        ),
      );
      this.stem1 = this.child(
        'stem1',
        new Sequential(new ReLU(), new Conv2d(channels, channels, 3, { stride: 2, padding: 1, bias: false }), new BatchNorm2d(channels)),
      );
      [cPrevPrev, cPrev] = [channels, channels];
      reductionPrev = true;
    } else {
      this.stem = this.child('stem', new Sequential(new Conv2d(3, 3 * channels, 3, { padding: 1, bias: false }), new BatchNorm2d(3 * channels)));
    }
    let cAux = 0;
    const cells: DartsCell[] = [];
    this.auxAt = Math.floor((2 * layers) / 3);
    for (let i = 0; i < layers; i++) {
      const reduction = i === Math.floor(layers / 3) || i === this.auxAt;
      if (reduction) c *= 2;
      const cell = new DartsCell(genotype, cPrevPrev, cPrev, c, reduction, reductionPrev);
      cells.push(cell);
      reductionPrev = reduction;
      [cPrevPrev, cPrev] = [cPrev, cell.multiplier * c];
      if (i === this.auxAt) cAux = cPrev;
    }
    this.cells = this.child('cells', new ModuleList(cells));
    if (stack.auxiliary) {
      this.auxiliary_head = this.child('auxiliary_head', imagenet ? new AuxiliaryHeadImageNet(cAux, classes) : new AuxiliaryHeadCIFAR(cAux, classes));
    }
    this.classifier = this.child('classifier', new Linear(cPrev, classes));
  }

  /** The training-only head, which cost counts apart from the deployed network's parameters. */
  get auxiliaryHead(): Module | null {
    return this.auxiliary_head;
  }

  /** Logits and, in training with the auxiliary head, the auxiliary logits. */
  forwardWithAux(x: Tensor): { logits: Tensor; aux: Tensor | null } {
    let aux: Tensor | null = null;
    let s0: Tensor;
    let s1: Tensor;
    if (this.stem) {
      s0 = this.stem.forward(x);
      s1 = s0;
    } else {
      s0 = this.stem0!.forward(x);
      s1 = this.stem1!.forward(s0);
    }
    const cells = this.cells.items;
    for (let i = 0; i < cells.length; i++) {
      const next = cells[i]!.forward(s0, s1, this.dropPathProb);
      if (s0 !== s1) s0.dispose();
      s0 = s1;
      s1 = next;
      if (i === this.auxAt && this.auxiliary_head && this.training) aux = this.auxiliary_head.forward(s1);
    }
    if (s0 !== s1) s0.dispose();
    const pooled = F.globalAvgPool(s1);
    s1.dispose();
    const logits = this.classifier.forward(pooled);
    pooled.dispose();
    return { logits, aux };
  }

  forward(x: Tensor): Tensor {
    const { logits, aux } = this.forwardWithAux(x);
    aux?.dispose();
    return logits;
  }
}

/** Build the DARTS network of a genotype. */
export function buildDartsNetwork(genotype: DartsGenotype, stack: DartsStack): DartsNetwork {
  return new DartsNetwork(genotype, stack);
}
