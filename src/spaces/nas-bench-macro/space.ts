// The `nas-bench-macro` search space: eight decisions, one per searchable layer, each among
// identity, MB k3 e3 and MB k5 e6 (3^8 = 6,561 architectures). A genotype is the benchmark's own
// 8-digit string, {arch: "22212220"}. An identity at a stride-1 position only passes its input
// on, so within a stage its place among the other stride-1 layers does not change the network:
// the key moves such identities to the end of their stage (the benchmark agrees: its 6,561
// entries hold 3,969 distinct networks, and equivalent entries carry identical results).
import { type Decision, type SearchSpace, defineSpace, genotypeError, stackError } from '../core/index.js';
import { MACRO_CHOICES, MACRO_LAYERS, MACRO_STAGES, MacroNetwork, type MacroStack } from './network.js';
import { layerGraph } from '../graph/index.js';

export type MacroGenotype = { readonly arch: string };
export type MacroSpaceStack = Required<MacroStack>;

const NAME = 'nas-bench-macro';
const ALLOWED = '8 digits, each 0 (identity), 1 (MB k3 e3) or 2 (MB k5 e6), e.g. "22212220"';

const DECISIONS: readonly Decision[] = Array.from({ length: MACRO_LAYERS }, (_, i) => ({
  name: `layer${i}`,
  choices: MACRO_CHOICES,
}));

function validate(g: object): MacroGenotype {
  const extra = Object.keys(g).filter((k) => k !== 'arch');
  if (extra.length) throw genotypeError(NAME, extra[0]!, (g as Record<string, unknown>)[extra[0]!], 'only the field "arch"');
  const arch = (g as { arch?: unknown }).arch;
  if (typeof arch !== 'string' || arch.length !== MACRO_LAYERS) throw genotypeError(NAME, 'arch', arch, ALLOWED);
  const bad = [...arch].findIndex((c) => c !== '0' && c !== '1' && c !== '2');
  if (bad >= 0) throw genotypeError(NAME, `arch[${bad}]`, arch[bad], '0 (identity), 1 (MB k3 e3) or 2 (MB k5 e6)');
  return g as MacroGenotype;
}

/** The arch with each stage's stride-1 identities moved behind its other stride-1 layers. */
export function canonicalMacroArch(arch: string): string {
  let out = '';
  let k = 0;
  for (const n of MACRO_STAGES) {
    const stage = arch.slice(k, k + n);
    const rest = [...stage.slice(1)];
    out += stage[0]! + rest.filter((c) => c !== '0').join('') + rest.filter((c) => c === '0').join('');
    k += n;
  }
  return out;
}

function checkStack(s: MacroSpaceStack): void {
  for (const f of ['classes', 'channels'] as const) {
    if (!Number.isInteger(s[f]) || s[f] < 1) throw stackError(NAME, f, s[f], 'a positive integer');
  }
}

/**
 * Progressive growth (PNAS): the network grows one layer at a time from the input side; a layer
 * not yet grown is the identity (choice 0), which every position accepts (at a strided position
 * only the strided 1x1 conv remains), so every partial network is an entry of the table.
 */
const PROGRESSIVE = {
  blocks: DECISIONS.map((_, i) => [i]),
  fill: DECISIONS.map(() => MACRO_CHOICES.indexOf('id')),
};

export const nasBenchMacroSpace: SearchSpace<MacroGenotype, MacroSpaceStack> = {
  ...defineSpace<MacroGenotype, MacroSpaceStack>({
    name: NAME,
    description:
      'NAS-Bench-Macro (Su et al., CVPR 2021): 8 MobileNetV2-style layers × {identity, MB k3 e3, MB k5 e6} on CIFAR-10, 6,561 archs with trained accuracies',
    defaultStack: { classes: 10, channels: 32 },
    defaultInput: { size: 32, channels: 3 },
    tiny: { stack: { channels: 4 }, input: { size: 16 } },
    presets: {
      best: {
        genotype: { arch: '22212220' },
        description: "the benchmark's most accurate architecture (93.13% mean CIFAR-10 test accuracy over 3 runs)",
      },
      largest: { genotype: { arch: '22222222' }, description: 'MB k5 e6 in every layer' },
      smallest: { genotype: { arch: '00000000' }, description: 'identity in every layer (only the strided 1x1 convs remain)' },
    },
    decisions: DECISIONS,
    fromDecisions: (values) => ({ arch: values.join('') }),
    toDecisions: (g) => [...g.arch].map(Number),
    validate,
    key: (g) => canonicalMacroArch(g.arch),
    build: (g, stack) => {
      checkStack(stack);
      return new MacroNetwork(g.arch, stack);
    },
    parse: (text) => validate({ arch: text.trim() }),
    graph: (g) => ({
      parts: [
        layerGraph(
          'layers',
          [...g.arch].map((c) => MACRO_CHOICES[Number(c)]!),
        ),
      ],
    }),
  }),
  progressive: PROGRESSIVE,
};
