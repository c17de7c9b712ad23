// A space's cost, counted from the network it builds: parameters from the module tree (the
// auxiliary head apart), MACs from a shape-only dry run of its own forward pass at batch 1
// (see nn/trace.ts).
import { countMacs, withoutInit } from '../../nn/index.js';
import { type Cost, type InputSpec, type SpaceNetwork, auxiliaryHeadOf } from './space.js';

/**
 * Parameters and MACs of `net` on one image (its modes are left as they were). `params` is the
 * deployed network's: an auxiliary head only helps training and is dropped after it, and the
 * papers and their code count without it (DARTS' count_parameters_in_MB skips it), so it is
 * reported apart as `auxiliaryParams`. MACs are an inference pass, which never runs the head.
 */
export function networkCost(net: SpaceNetwork, input: InputSpec): Cost {
  const auxiliaryParams = auxiliaryHeadOf(net)?.numParameters() ?? 0;
  return {
    params: net.numParameters() - auxiliaryParams,
    macs: countMacs(net, [1, input.channels, input.size, input.size]),
    auxiliaryParams,
  };
}

/** Builds a network only to count it: no initial values are drawn and it is freed afterwards. */
export function countBuilt(build: () => SpaceNetwork, input: InputSpec): Cost {
  const net = withoutInit(build);
  try {
    return networkCost(net, input);
  } finally {
    net.dispose();
  }
}
