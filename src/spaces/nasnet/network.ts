// The CIFAR network of NASNet-space cells (TF-slim's build_nasnet_cifar / _build_nasnet_base):
// a 3x3 conv stem to stemMultiplier·F channels, three stages of normal cells with a reduction
// cell (stride 2, 2× filters) before stages 2 and 3, then ReLU, global average pooling, dropout
// and a linear classifier. `cellsPerStage` is NASNet's N (18 cells = N 6); PNASNet's released
// network strides the first cell of stages 2 and 3 instead of adding reduction cells, which is
// cellsPerStage [N, N - 1, N - 1] here.
// - skeleton 'nasnet': the first cell's h_{i-1} is the stem itself; the auxiliary head follows
//   the last cell of stage 2: ReLU → avg pool 5/3 → 1x1 conv 128 → BN → ReLU → a conv as large as
//   the map left (4x4 on CIFAR) to 768 → BN → ReLU → linear (nasnet.py's _build_aux_head).
// - skeleton 'enas' (micro_child.py): both first inputs are the stem; the auxiliary head follows
//   the first cell after the second reduction, its 768 conv uses SAME padding and is followed by
//   global pooling; the classifiers have no bias.
// Drop path: each cell's probability is `dropPath` scaled by its depth, (i + 1) / cells, as both
// released codes do (they also ramp it over training time; that schedule is the trainer's).
import { type Tensor, F, tidy } from '../../torch/index.js';
import { AvgPool2d, BatchNorm2d, Conv2d, Dropout, Linear, Module, ReLU, Sequential, type Layer } from '../../nn/index.js';
import { ModuleList } from '../cells/index.js';
import { NasnetCell, type StateShape } from './cell.js';
import { type NasnetGenotype } from './genotypes.js';
import { type NasnetSkeleton } from './ops.js';

export interface NasnetStack {
  /** normal cells per stage: N for all three, or one count per stage */
  cellsPerStage: number | readonly number[];
  /** F, the first stage's filters (doubled at each reduction) */
  channels: number;
  classes: number;
  /** the auxiliary classifier (weight 0.4 in the papers' training) */
  auxiliary: boolean;
  /** drop path probability of the last cell (earlier cells get less, by depth) */
  dropPath: number;
  /** dropout before the classifier (ENAS: 0.2) */
  dropout: number;
  /** the stem's channels are stemMultiplier·F (3 in NASNet and ENAS) */
  stemMultiplier: number;
  skeleton: NasnetSkeleton;
  /** the image side the auxiliary head is sized for */
  input: number;
}

/** The three stages' normal-cell counts of a stack. */
export function stageCounts(cellsPerStage: number | readonly number[]): number[] {
  return typeof cellsPerStage === 'number' ? [cellsPerStage, cellsPerStage, cellsPerStage] : [...cellsPerStage];
}

/** nasnet.py's auxiliary head; `size` is the side of the map it reads. */
export class NasnetAuxHead extends Module implements Layer {
  readonly features: Sequential;
  readonly classifier: Linear;

  constructor(channels: number, size: number, classes: number) {
    super();
    const k = Math.floor((size - 5) / 3) + 1;
    if (size < 5) throw new RangeError(`NASNet auxiliary head: needs a map of at least 5x5, got ${size}x${size}; use a larger input or no auxiliary head`);
    this.features = this.child(
      'features',
      new Sequential(
        new ReLU(),
        new AvgPool2d(5, 3),
        new Conv2d(channels, 128, 1, { bias: false }),
        new BatchNorm2d(128),
        new ReLU(),
        new Conv2d(128, 768, k, { bias: false }),
        new BatchNorm2d(768),
        new ReLU(),
      ),
    );
    this.classifier = this.child('classifier', new Linear(768, classes));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => this.classifier.forward(this.features.forward(x).flatten(1)));
  }
}

/** ENAS' auxiliary head: as NASNet's, but its 768 conv keeps the size (SAME) and is pooled globally. */
export class EnasAuxHead extends Module implements Layer {
  readonly features: Sequential;
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;
  readonly classifier: Linear;
  private readonly k: number;

  constructor(channels: number, size: number, classes: number) {
    super();
    if (size < 5) throw new RangeError(`ENAS auxiliary head: needs a map of at least 5x5, got ${size}x${size}; use a larger input or no auxiliary head`);
    this.k = Math.floor((size - 5) / 3) + 1;
    this.features = this.child(
      'features',
      new Sequential(new ReLU(), new AvgPool2d(5, 3), new Conv2d(channels, 128, 1, { bias: false }), new BatchNorm2d(128), new ReLU()),
    );
    this.conv = this.child('conv', new Conv2d(128, 768, this.k, { bias: false }));
    this.bn = this.child('bn', new BatchNorm2d(768));
    this.classifier = this.child('classifier', new Linear(768, classes, { bias: false }));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const before = (this.k - 1) >> 1;
      const after = this.k - 1 - before;
      const y = F.pad(this.features.forward(x), [before, after, before, after]);
      return this.classifier.forward(this.bn.forward(this.conv.forward(y)).relu().mean([2, 3]));
    });
  }
}

export class NasnetNetwork extends Module implements Layer {
  readonly stem: Sequential;
  readonly cells: ModuleList<NasnetCell>;
  readonly aux_head: NasnetAuxHead | EnasAuxHead | null = null;
  readonly dropout: Dropout;
  readonly classifier: Linear;
  /** drop path probability of the last cell; a trainer may change it every epoch */
  dropPathProb: number;
  private readonly auxAt: number;

  constructor(
    genotype: NasnetGenotype,
    readonly stack: NasnetStack,
  ) {
    super();
    const { channels: f, classes, skeleton } = stack;
    const stemC = Math.floor(f * stack.stemMultiplier);
    this.stem = this.child('stem', new Sequential(new Conv2d(3, stemC, 3, { padding: 1, bias: false }), new BatchNorm2d(stemC)));
    this.dropPathProb = stack.dropPath;
    const stem: StateShape = { channels: stemC, size: stack.input };
    const shapes: Array<StateShape | null> = [skeleton === 'enas' ? stem : null, stem];
    const cells: NasnetCell[] = [];
    const normal = { edges: genotype.normal, combine: genotype.normal_combine, concat: genotype.normal_concat };
    const reduce = { edges: genotype.reduce, combine: genotype.reduce_combine, concat: genotype.reduce_concat };
    const add = (cell: NasnetCell): void => {
      cells.push(cell);
      shapes.push(cell.out);
    };
    let auxAt = -1;
    let scaling = 1;
    stageCounts(stack.cellsPerStage).forEach((n, stage) => {
      if (stage > 0) {
        scaling *= 2;
        add(new NasnetCell(reduce, f * scaling, 2, shapes.at(-1)!, shapes.at(-2)!, skeleton));
      }
      for (let i = 0; i < n; i++) add(new NasnetCell(normal, f * scaling, 1, shapes.at(-1)!, shapes.at(-2)!, skeleton));
      if (skeleton === 'nasnet' && stage === 1) auxAt = cells.length - 1;
      if (skeleton === 'enas' && stage === 2) auxAt = cells.length - n + (n > 0 ? 0 : -1);
    });
    this.cells = this.child('cells', new ModuleList(cells));
    this.auxAt = auxAt;
    if (stack.auxiliary) {
      const at = cells[auxAt]!.out;
      this.aux_head = this.child(
        'aux_head',
        skeleton === 'enas' ? new EnasAuxHead(at.channels, at.size, classes) : new NasnetAuxHead(at.channels, at.size, classes),
      );
    }
    this.dropout = this.child('dropout', new Dropout(stack.dropout));
    this.classifier = this.child('classifier', new Linear(shapes.at(-1)!.channels, classes, { bias: skeleton === 'nasnet' }));
  }

  /** The training-only head, which cost counts apart from the deployed network's parameters. */
  get auxiliaryHead(): Module | null {
    return this.aux_head;
  }

  /** Logits and, in training with the auxiliary head, the auxiliary logits. */
  forwardWithAux(x: Tensor): { logits: Tensor; aux: Tensor | null } {
    let aux: Tensor | null = null;
    const stem = this.stem.forward(x);
    let s0: Tensor | null = this.stack.skeleton === 'enas' ? stem : null;
    let s1 = stem;
    const cells = this.cells.items;
    for (let i = 0; i < cells.length; i++) {
      const next = cells[i]!.forward(s0, s1, (this.dropPathProb * (i + 1)) / cells.length);
      if (s0 !== null && s0 !== s1) s0.dispose();
      s0 = s1;
      s1 = next;
      if (i === this.auxAt && this.aux_head && this.training) aux = this.aux_head.forward(s1);
    }
    if (s0 !== null && s0 !== s1) s0.dispose();
    const logits = tidy(() => this.classifier.forward(this.dropout.forward(s1.relu().mean([2, 3]))));
    s1.dispose();
    return { logits, aux };
  }

  forward(x: Tensor): Tensor {
    const { logits, aux } = this.forwardWithAux(x);
    aux?.dispose();
    return logits;
  }
}
