// The `fbnet` search space (Wu et al., CVPR 2019): 22 decisions, one per searchable layer of
// Table 1's macro-architecture, each among Table 2's nine blocks (9^22 ≈ 1e21 architectures).
// A genotype is {blocks: [22 block names]}. A `skip` at a stride-1 layer that keeps the
// channels only passes its input on, so the key moves such skips behind the other layers of
// their stage (the same network either way).
import { type Decision, type SearchSpace, defineSpace, genotypeError, stackError } from '../core/index.js';
import { layerGraph } from '../graph/index.js';
import { FBNET_BLOCKS, type FBNetBlockName, fbnetBlockSpec } from './blocks.js';
import { FBNET_LAYERS, FBNET_STAGE_LAYERS, FBNET_WIDTHS, FBNetNetwork, type FBNetStack, fbnetLayout } from './network.js';
import { FBNET_A, FBNET_B, FBNET_C } from './presets.js';

export type FBNetGenotype = { readonly blocks: readonly FBNetBlockName[] };
export type FBNetSpaceStack = Required<FBNetStack>;

const NAME = 'fbnet';
const ALLOWED_BLOCK = FBNET_BLOCKS.join(', ');

const DECISIONS: readonly Decision[] = Array.from({ length: FBNET_LAYERS }, (_, i) => ({ name: `layer${i}`, choices: FBNET_BLOCKS }));

function validate(g: object): FBNetGenotype {
  const extra = Object.keys(g).filter((k) => k !== 'blocks');
  if (extra.length) throw genotypeError(NAME, extra[0]!, (g as Record<string, unknown>)[extra[0]!], 'only the field "blocks"');
  const blocks = (g as { blocks?: unknown }).blocks;
  if (!Array.isArray(blocks) || blocks.length !== FBNET_LAYERS) {
    throw genotypeError(NAME, 'blocks', blocks, `a list of ${FBNET_LAYERS} block names (${ALLOWED_BLOCK})`);
  }
  blocks.forEach((b, i) => {
    if (!(FBNET_BLOCKS as readonly unknown[]).includes(b)) throw genotypeError(NAME, `blocks[${i}]`, b, ALLOWED_BLOCK);
  });
  return g as FBNetGenotype;
}

/** The blocks with each stage's channel-keeping stride-1 skips moved behind its other layers. */
export function canonicalFBNetBlocks(blocks: readonly FBNetBlockName[], stack: FBNetSpaceStack = DEFAULT_STACK): FBNetBlockName[] {
  const layout = fbnetLayout(stack.channels, stack.widths);
  const out: FBNetBlockName[] = [];
  let k = 0;
  for (const n of FBNET_STAGE_LAYERS) {
    const idx = Array.from({ length: n }, (_, i) => k + i);
    const passes = (i: number): boolean => blocks[i] === 'skip' && layout[i]!.stride === 1 && layout[i]!.cIn === layout[i]!.cOut;
    out.push(...idx.filter((i) => !passes(i)).map((i) => blocks[i]!), ...idx.filter(passes).map((i) => blocks[i]!));
    k += n;
  }
  return out;
}

/** Block names as the released code writes them: `ir_k3_e1`, `ir_k5_s2` (g2), `skip`. */
function blockFromText(word: string, i: number): FBNetBlockName {
  const w = word
    .replace(/^ir_/, '')
    .replace(/^(k\d)_s2$/, '$1_e1_g2')
    .replace(/^(k\d)_g2$/, '$1_e1_g2');
  if (!(FBNET_BLOCKS as readonly string[]).includes(w)) throw genotypeError(NAME, `blocks[${i}]`, word, ALLOWED_BLOCK);
  return w as FBNetBlockName;
}

function checkStack(s: FBNetSpaceStack, g: FBNetGenotype): void {
  for (const f of ['classes', 'channels', 'head'] as const) {
    if (!Number.isInteger(s[f]) || s[f] < 1) throw stackError(NAME, f, s[f], 'a positive integer');
  }
  if (!Array.isArray(s.widths) || s.widths.length !== FBNET_WIDTHS.length || !s.widths.every((w) => Number.isInteger(w) && w >= 1)) {
    throw stackError(NAME, 'widths', s.widths, `${FBNET_WIDTHS.length} positive integers, one per stage (Table 1: ${FBNET_WIDTHS.join(', ')})`);
  }
  fbnetLayout(s.channels, s.widths).forEach((l, i) => {
    if (fbnetBlockSpec(g.blocks[i]!)?.groups === 2 && (l.cIn % 2 || l.cOut % 2)) {
      throw stackError(NAME, 'widths', s.widths, `even widths where a g2 block sits (layer ${i} maps ${l.cIn} to ${l.cOut} channels in 2 groups)`);
    }
  });
}

const DEFAULT_STACK: FBNetSpaceStack = { classes: 1000, channels: 16, widths: FBNET_WIDTHS, head: 1984 };

export const fbnetSpace: SearchSpace<FBNetGenotype, FBNetSpaceStack> = defineSpace<FBNetGenotype, FBNetSpaceStack>({
  name: NAME,
  description:
    "FBNet (Wu et al., CVPR 2019): 22 layers of Table 1's ImageNet macro-architecture × Table 2's 9 blocks (k3/k5, expansion 1/3/6, grouped-shuffle g2, skip)",
  defaultStack: DEFAULT_STACK,
  graph: (g) => ({ parts: [layerGraph('layers', [...g.blocks])] }),
  defaultInput: { size: 224, channels: 3 },
  tiny: { stack: { classes: 10, channels: 4, widths: [4, 4, 4, 6, 6, 8, 8], head: 8 }, input: { size: 32 } },
  presets: {
    'fbnet-a': {
      genotype: { blocks: FBNET_A },
      stack: { head: 1504 },
      description: 'FBNet-A (Figure 4; released definition, 1504-wide head): 4.3M params, 249M FLOPs in the paper',
    },
    'fbnet-b': { genotype: { blocks: FBNET_B }, description: 'FBNet-B (Figure 4): 4.5M params, 295M FLOPs in the paper' },
    'fbnet-c': { genotype: { blocks: FBNET_C }, description: 'FBNet-C (Figure 4): 5.5M params, 375M FLOPs in the paper' },
  },
  decisions: DECISIONS,
  fromDecisions: (values) => ({ blocks: values.map((v) => FBNET_BLOCKS[v]!) }),
  toDecisions: (g) => g.blocks.map((b) => FBNET_BLOCKS.indexOf(b)),
  validate,
  key: (g) => canonicalFBNetBlocks(g.blocks).join(','),
  build: (g, stack) => {
    checkStack(stack, g);
    return new FBNetNetwork(g.blocks, stack);
  },
  parse: (text) =>
    validate({
      blocks: text
        .split(/[\s,]+/)
        .filter(Boolean)
        .map(blockFromText),
    }),
});
