// One NASNet cell (NasNetABaseCell in TF-slim's nasnet_utils.py): its inputs brought to F
// filters, B blocks of two ops combined by add or concat, and the listed states concatenated
// (a state whose channels or size differ from the last block's is first matched to it by a
// factorized reduction, as _combine_unused_states does). States are numbered as in DARTS:
// 0 = h_{i-1}, 1 = h_i, k ≥ 2 = block k - 2.
// Input preparation differs by skeleton:
// - nasnet (slim's _reduce_prev_layer / _cell_base): h_{i-1} is h_i itself in the first cell,
//   ReLU → factorized reduction if its size differs, ReLU → 1x1 → BN if its channels differ;
//   h_i always gets ReLU → 1x1 → BN.
// - enas (micro_child's _maybe_calibrate_size / layer_base): h_{i-1} as above; h_i gets
//   ReLU → 1x1 → BN to F if its channels differ, then ReLU → 1x1 → BN again.
import { type Tensor, F, tidy } from '../../torch/index.js';
import { Module, ReLUConvBN, dropPath, type LayerModule } from '../../nn/index.js';
import { ModuleList, ModuleMap } from '../cells/index.js';
import { type BlockInput, type Combine } from './genotypes.js';
import { FactorizedReduction, type NasnetSkeleton, nasnetOp } from './ops.js';

export interface StateShape {
  readonly channels: number;
  readonly size: number;
}

export interface CellSpec {
  readonly edges: readonly BlockInput[];
  readonly combine: readonly Combine[];
  readonly concat: readonly number[];
}

/** A strided op's output side (3x3 pad 1, 5x5 pad 2, ... and 1x1 stride 2 all give ⌈n/2⌉). */
export const reducedSize = (n: number): number => Math.ceil(n / 2);

export class NasnetCell extends Module {
  /** prepares h_{i-1} (null: used as it is) */
  readonly prev: LayerModule | null = null;
  /** ENAS only: brings h_i to F filters before `base` */
  readonly pre: ReLUConvBN | null = null;
  readonly base: ReLUConvBN;
  readonly ops: ModuleList<LayerModule>;
  readonly combine: ModuleMap<FactorizedReduction>;
  /** the cell output's channels and size */
  readonly out: StateShape;
  private readonly identity: boolean[];

  /**
   * `cur` is h_i's shape, `prev` h_{i-1}'s (null in a NASNet network's first cell, where
   * h_{i-1} is h_i); `stride` 2 makes a reduction cell (only ops on h_i, h_{i-1} stride).
   */
  constructor(
    readonly spec: CellSpec,
    f: number,
    readonly stride: 1 | 2,
    cur: StateShape,
    prev: StateShape | null,
    readonly skeleton: NasnetSkeleton,
  ) {
    super();
    let p = prev ?? cur;
    if (prev !== null && prev.size !== cur.size) {
      this.prev = this.child('prev', new FactorizedReduction(prev.channels, f, 2, true));
      p = { channels: f, size: cur.size };
    } else if (prev !== null && prev.channels !== f) {
      this.prev = this.child('prev', new ReLUConvBN(prev.channels, f, 1, 1, 0));
      p = { channels: f, size: cur.size };
    }
    if (skeleton === 'enas' && cur.channels !== f) this.pre = this.child('pre', new ReLUConvBN(cur.channels, f, 1, 1, 0));
    this.base = this.child('base', new ReLUConvBN(skeleton === 'enas' ? f : cur.channels, f, 1, 1, 0));
    const outSize = stride === 2 ? reducedSize(cur.size) : cur.size;
    const shapes: StateShape[] = [p, { channels: f, size: cur.size }];
    const ops: LayerModule[] = [];
    spec.edges.forEach(([op, input], i) => {
      ops.push(nasnetOp(op, shapes[input]!.channels, f, input < 2 ? stride : 1, skeleton));
      if (i % 2 === 1) shapes.push({ channels: spec.combine[(i - 1) / 2] === 'concat' ? 2 * f : f, size: outSize });
    });
    this.identity = spec.edges.map(([op]) => op === 'skip_connect');
    this.ops = this.child('ops', new ModuleList(ops));
    const last = shapes[shapes.length - 1]!;
    const matchers: Array<[string, FactorizedReduction]> = [];
    for (const s of spec.concat) {
      const shape = shapes[s]!;
      if (shape.channels !== last.channels || shape.size !== last.size) {
        matchers.push([String(s), new FactorizedReduction(shape.channels, last.channels, shape.size !== last.size ? 2 : 1, false)]);
      }
    }
    this.combine = this.child('combine', new ModuleMap(matchers));
    this.out = { channels: last.channels * spec.concat.length, size: last.size };
  }

  /** `s0` is h_{i-1} (null for the first cell of a NASNet network), `s1` is h_i. */
  forward(s0: Tensor | null, s1: Tensor, dropProb: number): Tensor {
    return tidy(() => {
      let p = s0 ?? s1;
      if (this.prev) p = this.prev.forward(p);
      const c = this.base.forward(this.pre ? this.pre.forward(s1) : s1);
      const states = [p, c];
      const ops = this.ops.items;
      for (let i = 0; i < ops.length; i += 2) {
        const [a, b] = [this.edge(i, states, dropProb), this.edge(i + 1, states, dropProb)];
        states.push(this.spec.combine[i / 2] === 'concat' ? F.cat([a, b], 1) : a.add(b));
      }
      // cat even of one state: the output must be a new tensor, never an input
      return F.cat(
        this.spec.concat.map((s) => this.combine.get(s)?.forward(states[s]!) ?? states[s]!),
        1,
      );
    });
  }

  private edge(i: number, states: readonly Tensor[], dropProb: number): Tensor {
    const h = this.ops.items[i]!.forward(states[this.spec.edges[i]![1]]!);
    // as the released code: no drop path on an identity, projected or not
    if (!this.training || this.identity[i] || dropProb <= 0) return h;
    return dropPath(h, dropProb, true);
  }
}
