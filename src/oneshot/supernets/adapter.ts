// The supernets one-shot search (Bender et al.) trains and ranks children of, behind one
// interface: a training step's forward pass (one uniformly drawn child, or path dropout), and
// the forward pass of one given child with the shared weights.
// - layer-wise (fbnet, proxylessnas): a child is one candidate per layer (layerwise/);
// - cells (darts): DARTS' cell supernet (cell/) running only the child's two (op, input)
//   pairs per node; path dropout drops the ops of each node's incoming edges, per cell;
// - ENAS (enas-micro, enas-macro): ENAS' shared-weight supernet (enas/), which runs exactly one
//   child, so one-shot there is uniform child sampling in place of ENAS' controller. It has no
//   path dropout: its ops share one branch per node input, so there is no all-paths forward pass.
import { type Module } from '../../nn/index.js';
import { type Tensor, scalar } from '../../torch/index.js';
import { type Genotype, type darts } from '../../spaces/index.js';
import { type RandomSource } from '../../util/index.js';
import { type ChildForward, type OneShotContext, OneShotError, checkImages, searchStack } from '../core/index.js';
import { CELL_SPACES, createCellSupernet, pathDropoutEdgeWeights } from './cell/index.js';
import { LAYERWISE_SPACES, layerwiseSupernet, pathDropoutMixer } from './layerwise/index.js';
import { ENAS_SPACES, enasSearchSupernet } from './enas/index.js';

export type OneShotTraining = 'single-path' | 'path-dropout';

/** The spaces one-shot has a supernet of. */
export const ONESHOT_SPACES: readonly string[] = [...LAYERWISE_SPACES, ...CELL_SPACES, ...ENAS_SPACES];

export interface OneShotSupernet {
  /** the shared weights (and BN statistics) */
  readonly module: Module;
  /** image channels the stem takes (grey images are repeated to them) */
  readonly inChannels: number;
  /**
   * Logits of one training step: one child drawn uniformly ('single-path') or Bender's path
   * dropout at rate `rate`; every draw comes from `rng`.
   */
  trainForward(x: Tensor, training: OneShotTraining, rate: number, rng: RandomSource): Tensor;
  /** The forward pass of child `g` (a genotype of the space) with the shared weights. */
  child(g: Genotype): ChildForward;
}

function layerwise(ctx: OneShotContext): OneShotSupernet {
  const net = layerwiseSupernet(ctx.space, searchStack(ctx.stack, ctx.train));
  checkImages(ctx.train, net.inChannels, 'train');
  checkImages(ctx.val, net.inChannels, 'val');
  return {
    module: net,
    inChannels: net.inChannels,
    trainForward: (x, training, rate, rng) => {
      if (training === 'path-dropout') return net.forward(x, pathDropoutMixer(rate, rng));
      const path = net.searchable.map((c) => rng.int(c.candidates.length));
      return net.forward(x, (l, cell, h) => cell.run(path[l]!, h));
    },
    child: (g) => {
      const path = ctx.space.toDecisions(g);
      net.checkPath(path);
      return (x) => net.forwardPath(x, path);
    },
  };
}

function cellNetwork(ctx: OneShotContext): OneShotSupernet {
  // DARTS' flavour of the search network (BN after pools, no BN+ReLU before the pooling)
  const model = createCellSupernet('oneshot', ctx, { poolBN: true, lastAct: false });
  const dtype = model.config.dtype ?? 'float32';
  return {
    module: model,
    inChannels: model.config.inputChannels,
    trainForward: (x, training, rate, rng) => {
      if (training === 'single-path') return model.forwardGenotype(x, ctx.space.sample(rng) as darts.DartsGenotype);
      // one scale tensor per value, freed with the forward pass's scope
      const scales = new Map<number, Tensor>();
      const weight = (v: number): Tensor => {
        let t = scales.get(v);
        if (t === undefined) scales.set(v, (t = scalar(v, { dtype })));
        return t;
      };
      return model.forwardCells(x, (cell) => pathDropoutEdgeWeights(cell, rate, rng, weight));
    },
    child: (g) => {
      const genotype = ctx.space.validate(g) as darts.DartsGenotype;
      return (x) => model.forwardGenotype(x, genotype);
    },
  };
}

function enasNetwork(ctx: OneShotContext, training: OneShotTraining): OneShotSupernet {
  if (training === 'path-dropout') {
    throw new OneShotError(
      `oneshot: training 'path-dropout' needs a supernet that runs every candidate at once; the ENAS supernet of '${ctx.space.name}' runs one child at a time. Use training: single-path`,
      'invalid-option',
    );
  }
  const { net, inChannels } = enasSearchSupernet(ctx, 2);
  return {
    module: net,
    inChannels,
    trainForward: (x, _training, _rate, rng) => net.forward(x, ctx.space.toDecisions(ctx.space.sample(rng))),
    child: (g) => {
      const decisions = ctx.space.toDecisions(g);
      return (x) => net.forward(x, decisions);
    },
  };
}

/** The one-shot supernet of `ctx.space` (weights initialised from `ctx.seed`); other spaces are refused with the list. */
export function oneshotSupernet(ctx: OneShotContext, training: OneShotTraining): OneShotSupernet {
  const name = ctx.space.name;
  if ((LAYERWISE_SPACES as readonly string[]).includes(name)) return layerwise(ctx);
  if ((CELL_SPACES as readonly string[]).includes(name)) return cellNetwork(ctx);
  if (ENAS_SPACES.some((s) => name.startsWith(s))) return enasNetwork(ctx, training);
  throw new OneShotError(`oneshot has supernets of the spaces ${ONESHOT_SPACES.join(', ')}, not '${name}'; set space to one of them`, 'unsupported-space');
}
