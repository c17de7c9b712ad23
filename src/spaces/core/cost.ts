// A space's cost, counted from the network it builds: parameters from the module tree, MACs
// from a shape-only dry run of its own forward pass at batch 1 (see nn/trace.ts).
import { countMacs, withoutInit } from '../../nn/index.js';
import { type Cost, type InputSpec, type SpaceNetwork } from './space.js';

/** Parameters and MACs of `net` on one image (its modes are left as they were). */
export function networkCost(net: SpaceNetwork, input: InputSpec): Cost {
  return { params: net.numParameters(), macs: countMacs(net, [1, input.channels, input.size, input.size]) };
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
