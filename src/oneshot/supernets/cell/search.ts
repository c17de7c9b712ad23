// What DARTS and GDAS share around the cell supernet: building it for the context's space, data
// and stack (seeded), the validation pass each epoch reports, and the result (the derived
// genotype, checked by the space, with α for the record).
import { type DataLoader } from '../../../data/index.js';
import { DARTS_PRIMITIVES } from '../../../nn/index.js';
import { type Metrics } from '../../../strategies/index.js';
import { F, manualSeed, noGrad, tidy } from '../../../torch/index.js';
import { type LoopResult, type OneShotContext, type OneShotResult, OneShotError, batchFor, checkImages, searchStack } from '../../core/index.js';
import { type EdgeWeights } from './edge-weights.js';
import { CellSupernet } from './supernet.js';
import { alphaProbabilities, deriveGenotype } from './derive.js';

/** DARTS' search skeleton: 8 cells of 16 channels. */
export const CELL_SEARCH_STACK = { cells: 8, channels: 16 } as const;

export const CELL_SPACES = ['darts'] as const;

/** The supernet of `ctx.space` for the context's data and stack, initialised from `ctx.seed`. */
export function createCellSupernet(method: string, ctx: OneShotContext, flavor: { poolBN: boolean; lastAct: boolean }): CellSupernet {
  if (!(CELL_SPACES as readonly string[]).includes(ctx.space.name)) {
    throw new OneShotError(
      `${method} builds a cell supernet of the ${CELL_SPACES.join(', ')} space, not '${ctx.space.name}'; use space: darts`,
      'unsupported-space',
    );
  }
  const inputChannels = ctx.train.sampleShape[0]!;
  checkImages(ctx.train, inputChannels, 'training');
  checkImages(ctx.val, inputChannels, 'validation');
  const stack = searchStack(ctx.stack, ctx.train);
  const cells = stack.cells ?? CELL_SEARCH_STACK.cells;
  const channels = stack.channels ?? CELL_SEARCH_STACK.channels;
  if (!Number.isInteger(cells) || cells < 3)
    throw new OneShotError(`${method}: stack.cells must be an integer of at least 3 (two cells are reductions), got ${cells}`, 'invalid-option');
  if (!Number.isInteger(channels) || channels < 2 || channels % 2 !== 0) {
    throw new OneShotError(`${method}: stack.channels must be a positive even number (FactorizedReduce halves it), got ${channels}`, 'invalid-option');
  }
  manualSeed(ctx.seed);
  return new CellSupernet({
    cells,
    channels,
    classes: stack.classes!,
    inputChannels,
    nodes: 4,
    primitives: DARTS_PRIMITIVES,
    ...flavor,
  });
}

/** Top-1 and loss over the first `batches` batches of `loader` (0: all), in eval mode, as the released `infer`. */
export function evaluateCellSupernet(
  model: CellSupernet,
  loader: DataLoader,
  batches: number,
  weights: () => { normal: EdgeWeights; reduce: EdgeWeights },
): { top1: number; loss: number } {
  const n = batches > 0 ? Math.min(batches, loader.length) : loader.length;
  let correct = 0;
  let loss = 0;
  let seen = 0;
  model.eval();
  try {
    for (let b = 0; b < n; b++) {
      tidy(() =>
        noGrad(() => {
          const { x, y } = batchFor(loader, 0, b, model.config.inputChannels);
          const w = weights();
          const logits = model.forward(x, w.normal, w.reduce);
          const k = y.shape[0]!;
          loss += F.crossEntropy(logits, y).item() * k;
          correct += logits.argmax(1).eq(y).sum().item();
          seen += k;
        }),
      );
    }
  } finally {
    model.train();
  }
  return { top1: correct / Math.max(seen, 1), loss: loss / Math.max(seen, 1) };
}

/** The search's result: the derived genotype (validated by the space), last metrics, α. */
export function cellSearchResult(ctx: OneShotContext, model: CellSupernet, loop: LoopResult, extra: Metrics = {}): OneShotResult {
  const { primitives, nodes } = model.config;
  const genotype = ctx.space.validate(deriveGenotype(model.alphasNormal, model.alphasReduce, primitives, nodes));
  const last = loop.history[loop.history.length - 1] ?? {};
  return {
    genotype,
    metrics: { ...last, ...extra, epochs: loop.epochs, searchSeconds: loop.seconds, stoppedEarly: loop.stoppedEarly ? 1 : 0 },
    details: {
      primitives: [...primitives],
      normal: alphaProbabilities(model.alphasNormal),
      reduce: alphaProbabilities(model.alphasReduce),
    },
  };
}
