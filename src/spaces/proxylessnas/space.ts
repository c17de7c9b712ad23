// The `proxylessnas` search space (Cai, Zhu and Han, ICLR 2019): 21 decisions, one per
// searchable layer, each an MBConv of kernel 3, 5 or 7 and expansion 3 or 6, or `zero` (the
// layer left out) where the layer has a residual: every layer but the first of its group.
// A genotype is {blocks: [21 op names]}. A `zero` only passes its input on, so the key moves
// each group's zeros behind its other layers (the same network either way).
import { type Decision, type SearchSpace, defineSpace, genotypeError, stackError } from '../core/index.js';
import { layerGraph } from '../graph/index.js';
import {
  PROXYLESS_GROUP_LAYERS,
  PROXYLESS_LAYERS,
  PROXYLESS_MOBILE_WIDTHS,
  PROXYLESS_OPS,
  ProxylessNetwork,
  type ProxylessOp,
  type ProxylessStack,
  proxylessLayout,
} from './network.js';
import { PROXYLESS_CPU, PROXYLESS_GPU, PROXYLESS_MOBILE } from './presets.js';

export type ProxylessGenotype = { readonly blocks: readonly ProxylessOp[] };
export type ProxylessSpaceStack = Required<ProxylessStack>;

const NAME = 'proxylessnas';
const MB_OPS = PROXYLESS_OPS.filter((o) => o !== 'zero');
const SLOTS = proxylessLayout(PROXYLESS_MOBILE_WIDTHS);

const DECISIONS: readonly Decision[] = SLOTS.map((s, i) => ({ name: `layer${i}`, choices: s.first ? MB_OPS : PROXYLESS_OPS }));

function validate(g: object): ProxylessGenotype {
  const extra = Object.keys(g).filter((k) => k !== 'blocks');
  if (extra.length) throw genotypeError(NAME, extra[0]!, (g as Record<string, unknown>)[extra[0]!], 'only the field "blocks"');
  const blocks = (g as { blocks?: unknown }).blocks;
  if (!Array.isArray(blocks) || blocks.length !== PROXYLESS_LAYERS) {
    throw genotypeError(NAME, 'blocks', blocks, `a list of ${PROXYLESS_LAYERS} op names (${PROXYLESS_OPS.join(', ')})`);
  }
  blocks.forEach((b, i) => {
    const allowed = DECISIONS[i]!.choices;
    if (!allowed.includes(b as ProxylessOp)) {
      throw genotypeError(
        NAME,
        `blocks[${i}]`,
        b,
        `${allowed.join(', ')}${SLOTS[i]!.first ? ' (the first layer of a group has no residual, so no zero)' : ''}`,
      );
    }
  });
  return g as ProxylessGenotype;
}

/** The blocks with each group's zeros moved behind its other layers. */
export function canonicalProxylessBlocks(blocks: readonly ProxylessOp[]): ProxylessOp[] {
  const out: ProxylessOp[] = [];
  let k = 0;
  for (const n of PROXYLESS_GROUP_LAYERS) {
    const group = blocks.slice(k, k + n);
    out.push(...group.filter((b) => b !== 'zero'), ...group.filter((b) => b === 'zero'));
    k += n;
  }
  return out;
}

/** Op names as the released code writes them: `3x3_MBConv3`, `7x7_MBConv6`, `Zero`. */
function opFromText(word: string, i: number): ProxylessOp {
  const m = /^(\d)x\1_MBConv(\d)$/i.exec(word);
  const op = m ? `k${m[1]}_e${m[2]}` : word.toLowerCase();
  if (!(PROXYLESS_OPS as readonly string[]).includes(op)) throw genotypeError(NAME, `blocks[${i}]`, word, PROXYLESS_OPS.join(', '));
  return op as ProxylessOp;
}

function checkStack(s: ProxylessSpaceStack): void {
  for (const f of ['classes', 'channels', 'head'] as const) {
    if (!Number.isInteger(s[f]) || s[f] < 1) throw stackError(NAME, f, s[f], 'a positive integer');
  }
  if (!Array.isArray(s.widths) || s.widths.length !== 7 || !s.widths.every((w) => Number.isInteger(w) && w >= 1)) {
    throw stackError(NAME, 'widths', s.widths, `7 positive integers: the first block's and the six groups' (mobile: ${PROXYLESS_MOBILE_WIDTHS.join(', ')})`);
  }
}

const released = (r: typeof PROXYLESS_MOBILE, description: string) => ({ genotype: { blocks: r.blocks }, stack: r.stack, description });

export const proxylessSpace: SearchSpace<ProxylessGenotype, ProxylessSpaceStack> = defineSpace<ProxylessGenotype, ProxylessSpaceStack>({
  name: NAME,
  description: 'ProxylessNAS (Cai, Zhu and Han, ICLR 2019): 21 MobileNetV2-style layers × MBConv {k3, k5, k7} × {e3, e6}, or zero where a residual exists',
  defaultStack: { classes: 1000, channels: 32, widths: PROXYLESS_MOBILE_WIDTHS, head: 1280 },
  graph: (g) => ({ parts: [layerGraph('layers', [...g.blocks])] }),
  defaultInput: { size: 224, channels: 3 },
  tiny: { stack: { classes: 10, channels: 4, widths: [2, 4, 4, 6, 6, 8, 8], head: 8 }, input: { size: 32 } },
  presets: {
    'proxylessnas-mobile': released(PROXYLESS_MOBILE, 'ProxylessNAS (mobile), the released proxyless_mobile network: 4.1M params, 74.6% top-1'),
    'proxylessnas-gpu': released(PROXYLESS_GPU, 'ProxylessNAS (GPU), the released proxyless_gpu network: 7.1M params, 75.1% top-1'),
    'proxylessnas-cpu': released(PROXYLESS_CPU, 'ProxylessNAS (CPU), the released proxyless_cpu network: 4.4M params, 75.3% top-1'),
  },
  decisions: DECISIONS,
  fromDecisions: (values) => ({ blocks: values.map((v, i) => DECISIONS[i]!.choices[v] as ProxylessOp) }),
  toDecisions: (g) => g.blocks.map((b, i) => DECISIONS[i]!.choices.indexOf(b)),
  validate,
  key: (g) => canonicalProxylessBlocks(g.blocks).join(','),
  build: (g, stack) => {
    checkStack(stack);
    return new ProxylessNetwork(g.blocks, stack);
  },
  parse: (text) =>
    validate({
      blocks: text
        .split(/[\s,]+/)
        .filter(Boolean)
        .map(opFromText),
    }),
});
