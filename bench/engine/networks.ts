// The benchmark's reference networks, built with nasforge. reference.py builds the same ones
// in PyTorch; keep the two files in step.
import { BatchNorm2d, Conv2d, Flatten, InplaceReLU, Linear, MaxPool2d, Sequential, type LayerModule } from '../../src/nn/index.js';
import { DARTS_V2, DartsNetwork } from '../../src/spaces/darts/index.js';
import { MacroNetwork } from '../../src/spaces/nas-bench-macro/index.js';

export const NETWORKS = ['plain_cnn', 'darts_v2', 'macro_22222222'] as const;
export type NetworkName = (typeof NETWORKS)[number];

export const DESCRIPTIONS: Record<NetworkName, string> = {
  plain_cnn: '3x (conv3x3-BN-ReLU-maxpool), 32/64/128 ch, linear',
  darts_v2: 'DARTS V2, 8 cells, 16 ch, drop path 0.2, no aux',
  macro_22222222: 'NAS-Bench-Macro 22222222',
};

/** conv3x3 (no bias) + BN + ReLU (in place, as reference.py's) + 2x2 max pool, three times, then a linear classifier. */
function plainCnn(classes: number): LayerModule {
  const block = (cIn: number, cOut: number): LayerModule[] => [
    new Conv2d(cIn, cOut, 3, { padding: 1, bias: false }),
    new BatchNorm2d(cOut),
    new InplaceReLU(),
    new MaxPool2d(2),
  ];
  return new Sequential(...block(3, 32), ...block(32, 64), ...block(64, 128), new Flatten(), new Linear(128 * 4 * 4, classes));
}

export function buildNetwork(name: NetworkName, classes = 10): LayerModule {
  switch (name) {
    case 'plain_cnn':
      return plainCnn(classes);
    case 'darts_v2':
      return new DartsNetwork(DARTS_V2, { cells: 8, channels: 16, classes, auxiliary: false, dropPath: 0.2 });
    case 'macro_22222222':
      return new MacroNetwork('22222222', { classes });
  }
}

export function isNetworkName(s: string): s is NetworkName {
  return (NETWORKS as readonly string[]).includes(s);
}
