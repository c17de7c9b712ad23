// Building the ENAS supernet of a space: checking the stack and the space's decisions, and at a
// search's stack with seeded weights (what ENAS and one-shot on the ENAS spaces share).
import { manualSeed } from '../../../torch/index.js';
import { type AnySearchSpace, type Stack } from '../../../spaces/index.js';
import { type OneShotContext, OneShotError, checkImages, searchStack } from '../../core/index.js';
import { ENAS_SPACES, type EnasSupernet, type EnasSupernetStack } from './supernet.js';
import { EnasMicroSupernet, MICRO_NODES, MICRO_OPS } from './micro.js';
import { EnasMacroSupernet } from './macro.js';

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
    if (ds.length !== 8 * MICRO_NODES || ds[1]!.choices.length !== MICRO_OPS)
      throw new OneShotError('enas: the enas-micro space does not have the 40 decisions this supernet expects', 'unsupported-space');
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

/**
 * The ENAS supernet at the search stack, with seeded weights, after checking the images (ENAS
 * and one-shot on ENAS spaces). `cellsPerStage`: used when the stack gives neither it nor `cells`.
 */
export function enasSearchSupernet(ctx: OneShotContext, cellsPerStage: number): { net: EnasSupernet; inChannels: number } {
  const stack = searchStack(ctx.stack, ctx.train);
  const inChannels = ctx.train.sampleShape[0] === 1 ? 1 : 3;
  checkImages(ctx.train, inChannels, 'train');
  checkImages(ctx.val, inChannels, 'val');
  manualSeed(ctx.seed);
  const net = enasSupernet(ctx.space, {
    channels: stack.channels ?? ctx.space.defaultStack.channels ?? 20,
    classes: stack.classes!,
    inChannels,
    cellsPerStage: enasCellsPerStage(ctx.stack, cellsPerStage),
  });
  return { net, inChannels };
}
