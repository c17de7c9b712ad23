// The mixed operation of a cell supernet's edge (DARTS' MixedOp in cnn/model_search.py): every
// candidate op of the edge, run on the same input, weighted and summed by the caller.
//
// Children carry the released code's names (`_ops.<primitive index>...`), so a supernet's state
// dict maps onto DARTS' search model by name. Two things differ from that code, both exact:
// - 'none' has no module and is never computed: its output is zero, so it adds nothing to the
//   sum and its weight's gradient <dL/dy, 0> is zero (its α still moves through the softmax).
// - the ReLU that starts every conv op (and FactorizedReduce) is computed once per edge and
//   shared, instead of once per op.
import { F, type Tensor } from '../../../torch/index.js';
import { AvgPool2d, BatchNorm2d, DilConv, FactorizedReduce, Identity, MaxPool2d, Module, SepConv, Sequential, type LayerModule } from '../../../nn/index.js';
import { cells } from '../../../spaces/index.js';

/** What distinguishes one released search model from another at the op level. */
export interface SupernetFlavor {
  /** DARTS follows each pool with BatchNorm2d(affine=False); GDAS' search model does not */
  readonly poolBN: boolean;
}

export class MixedOp extends Module {
  readonly _ops: cells.ModuleMap<LayerModule>;
  private readonly kinds: ReadonlyMap<number, 'relu-seq' | 'reduce' | 'identity' | 'plain'>;

  constructor(
    readonly primitives: readonly string[],
    channels: number,
    readonly stride: number,
    flavor: SupernetFlavor,
  ) {
    super();
    const ops: [string, LayerModule][] = [];
    const kinds = new Map<number, 'relu-seq' | 'reduce' | 'identity' | 'plain'>();
    primitives.forEach((p, k) => {
      if (p === 'none') return;
      const op = searchOp(p, channels, stride, flavor);
      ops.push([String(k), op]);
      kinds.set(
        k,
        op instanceof Identity ? 'identity' : op instanceof FactorizedReduce ? 'reduce' : op instanceof SepConv || op instanceof DilConv ? 'relu-seq' : 'plain',
      );
    });
    this._ops = this.child('_ops', new cells.ModuleMap(ops));
    this.kinds = kinds;
  }

  /** Whether primitive `k` is computed at all ('none' is not). */
  computes(k: number): boolean {
    return this.kinds.has(k);
  }

  /**
   * Op `k` on `x`; `relu` gives relu(x), computed once for the edge. Returns `x` itself for
   * the identity, else a new tensor.
   */
  run(k: number, x: Tensor, relu: () => Tensor): Tensor {
    const kind = this.kinds.get(k);
    const op = this._ops.get(k)!;
    if (kind === 'identity') return x;
    if (kind === 'plain') return op.forward(x);
    if (kind === 'reduce') return factorizedReduce(op as FactorizedReduce, relu());
    // SepConv / DilConv: skip their leading ReLU, feed the shared one
    const layers = (op as SepConv | DilConv).op.layers;
    let y = relu();
    for (let i = 1; i < layers.length; i++) {
      const next = layers[i]!.forward(y);
      if (i > 1) y.dispose();
      y = next;
    }
    return y;
  }
}

/** DARTS' FactorizedReduce on an input that is already relu'd. */
function factorizedReduce(op: FactorizedReduce, r: Tensor): Tensor {
  const a = op.conv_1.forward(r);
  const rows = r.slice(2, 1, null);
  const shifted = rows.slice(3, 1, null);
  const b = op.conv_2.forward(shifted);
  const joined = F.cat([a, b], 1);
  for (const t of [a, rows, shifted, b]) t.dispose();
  const out = op.bn.forward(joined);
  joined.dispose();
  return out;
}

/** The search-time op of a primitive (affine=False batch norms, as both released search models). */
function searchOp(p: string, c: number, stride: number, flavor: SupernetFlavor): LayerModule {
  const withBN = (pool: LayerModule): LayerModule => (flavor.poolBN ? new Sequential(pool, new BatchNorm2d(c, { affine: false })) : pool);
  switch (p) {
    case 'max_pool_3x3':
      return withBN(new MaxPool2d(3, stride, 1));
    case 'avg_pool_3x3':
      return withBN(new AvgPool2d(3, stride, 1, false));
    case 'skip_connect':
      return stride === 1 ? new Identity() : new FactorizedReduce(c, c, false);
    case 'sep_conv_3x3':
      return new SepConv(c, c, 3, stride, 1, false);
    case 'sep_conv_5x5':
      return new SepConv(c, c, 5, stride, 2, false);
    case 'dil_conv_3x3':
      return new DilConv(c, c, 3, stride, 2, 2, false);
    case 'dil_conv_5x5':
      return new DilConv(c, c, 5, stride, 4, 2, false);
    default:
      throw new RangeError(`a cell supernet has no op '${p}'; its primitives are ${cells.DARTS_PRIMITIVES.join(', ')}`);
  }
}
