// The released ProxylessNAS networks (mit-han-lab/proxylessnas `proxyless_{mobile,gpu,cpu}.config`,
// the paper's Figure 4), layer by layer: the searchable layers' ops and each network's widths.
import { type ProxylessOp, type ProxylessStack } from './network.js';

export interface ProxylessRelease {
  blocks: readonly ProxylessOp[];
  stack: Required<Omit<ProxylessStack, 'classes'>>;
}

export const PROXYLESS_MOBILE: ProxylessRelease = {
  blocks: [
    'k5_e3',
    'k3_e3',
    'zero',
    'zero',
    'k7_e3',
    'k3_e3',
    'k5_e3',
    'k5_e3',
    'k7_e6',
    'k5_e3',
    'k5_e3',
    'k5_e3',
    'k5_e6',
    'k5_e3',
    'k5_e3',
    'k5_e3',
    'k7_e6',
    'k7_e6',
    'k7_e3',
    'k7_e3',
    'k7_e6',
  ],
  stack: { channels: 32, widths: [16, 32, 40, 80, 96, 192, 320], head: 1280 },
};

export const PROXYLESS_GPU: ProxylessRelease = {
  blocks: [
    'k5_e3',
    'zero',
    'zero',
    'zero',
    'k7_e3',
    'zero',
    'zero',
    'k3_e3',
    'k7_e6',
    'zero',
    'zero',
    'k5_e3',
    'k5_e6',
    'zero',
    'k3_e3',
    'k5_e3',
    'k7_e6',
    'k7_e6',
    'k7_e6',
    'k5_e6',
    'k7_e6',
  ],
  stack: { channels: 40, widths: [24, 32, 56, 112, 128, 256, 432], head: 1728 },
};

export const PROXYLESS_CPU: ProxylessRelease = {
  blocks: [
    'k3_e6',
    'k3_e3',
    'k3_e3',
    'k3_e3',
    'k3_e6',
    'k3_e3',
    'k3_e3',
    'k5_e3',
    'k3_e6',
    'zero',
    'zero',
    'k3_e3',
    'k5_e6',
    'k3_e3',
    'k3_e3',
    'k3_e3',
    'k5_e6',
    'k5_e3',
    'k5_e3',
    'k3_e3',
    'k5_e6',
  ],
  stack: { channels: 40, widths: [24, 32, 48, 88, 104, 216, 360], head: 1432 },
};
