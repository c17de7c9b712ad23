// The `enas-macro` search space (Pham et al., ICML 2018, "macro" search): L = 12 layers, each
// one of 6 ops and l bits saying which earlier states also feed layer l: the stem and layers
// 0..l-2 (general_child.py's prev_layers[0..l-1]; layer l - 1 is the op's input anyway).
// Decisions follow the controller's arc (general_controller.py, whole channels): per layer its
// op, then one bit per earlier layer; ops are numbered as in the released code (0 conv 3x3,
// 1 sep 3x3, 2 conv 5x5, 3 sep 5x5, 4 avg pool, 5 max pool), so a fixed_arc string parses as
// it is. Genotype: {layers: [{op, skips}]}, `skips` layer l's l bits (stem first).
// The registered space has ENAS' 12 search layers and no preset: the released macro
// architecture (scripts/cifar10_macro_final.sh) has 24 layers; `createEnasMacroSpace({layers: 24})`
// is that space, with it as preset `enas`.
import { type Decision, type Preset, type SearchSpace, SpaceError, checkDecisionValues, defineSpace, genotypeError, stackError } from '../core/index.js';
import { layerGraph } from '../graph/index.js';
import { ENAS_MACRO_OPS, type EnasMacroOp, EnasMacroNetwork, type EnasMacroStack } from './macro-network.js';

export interface EnasMacroLayerChoice {
  readonly op: EnasMacroOp;
  /** layer l's l bits: skips[0] feeds the stem's output in, skips[i ≥ 1] layer i - 1's */
  readonly skips: readonly number[];
}

export interface EnasMacroGenotype {
  readonly layers: readonly EnasMacroLayerChoice[];
}

export type EnasMacroSpaceStack = EnasMacroStack;

export interface EnasMacroSpaceOptions {
  /** searchable layers (default 12, ENAS' search; its final network has 24); at least 3 */
  layers?: number;
}

const OPS: readonly string[] = ENAS_MACRO_OPS;

/** The released 24-layer macro architecture (scripts/cifar10_macro_final.sh), one row per layer: op, then skip bits. */
const ENAS_MACRO_ARC = [
  '0',
  '3 0',
  '0 1 0',
  '2 0 0 1',
  '2 0 0 0 0',
  '3 1 1 0 1 0',
  '2 0 0 0 0 0 1',
  '2 0 1 1 0 1 1 1',
  '1 0 1 1 1 0 1 0 1',
  '0 0 0 0 0 0 0 0 0 0',
  '2 0 0 0 0 0 1 0 0 0 0',
  '0 1 0 0 1 1 0 0 0 0 1 1',
  '2 0 1 0 0 0 0 0 1 0 1 1 0',
  '1 0 0 1 0 0 0 1 1 1 0 1 0 1',
  '0 1 1 0 1 0 1 0 0 0 0 0 1 0 0',
  '2 0 0 1 0 0 0 0 0 0 0 1 0 1 0 1',
  '2 0 1 0 0 0 1 0 0 1 1 1 1 0 0 1 0',
  '2 0 0 0 0 1 0 1 0 1 0 0 1 0 1 0 0 1',
  '3 0 1 1 0 1 0 0 0 0 0 1 0 1 0 1 0 0 0',
  '3 0 1 1 0 0 0 0 0 0 0 0 0 1 1 0 0 0 0 1',
  '0 1 0 0 1 0 1 1 0 0 0 1 0 0 0 0 0 1 1 0 0',
  '3 0 1 0 1 1 0 0 1 0 1 1 0 1 1 0 1 0 0 1 0 0',
  '0 1 0 1 0 1 0 0 0 0 0 0 0 0 1 0 1 0 0 1 0 0 0',
  '0 1 1 0 0 0 1 1 1 0 1 0 0 0 1 0 1 0 0 1 1 0 0 0',
].join(' ');

/** The ENAS macro space with `layers` searchable layers. */
export function createEnasMacroSpace(o: EnasMacroSpaceOptions = {}): SearchSpace<EnasMacroGenotype, EnasMacroSpaceStack> {
  const L = o.layers ?? 12;
  const name = L === 12 ? 'enas-macro' : `enas-macro-${L}`;
  if (!Number.isInteger(L) || L < 3) {
    throw new SpaceError(
      `enas-macro: layers must be an integer of at least 3 (two reductions need three stages), got ${String(L)}`,
      'invalid-stack',
      'layers',
      'an integer ≥ 3',
    );
  }
  const decisions: Decision[] = Array.from({ length: L }, (_, l) => [
    { name: `layer${l}.op`, choices: OPS },
    ...Array.from({ length: l }, (_, i) => ({ name: `layer${l}.skip${i}`, choices: [0, 1] })),
  ]).flat();

  const fromDecisions = (v: readonly number[]): EnasMacroGenotype => {
    const layers: EnasMacroLayerChoice[] = [];
    let k = 0;
    for (let l = 0; l < L; l++) {
      const op = ENAS_MACRO_OPS[v[k++]!]!;
      layers.push({ op, skips: v.slice(k, k + l) });
      k += l;
    }
    return { layers };
  };
  const toDecisions = (g: EnasMacroGenotype): number[] => g.layers.flatMap((x) => [OPS.indexOf(x.op), ...x.skips]);

  const validate = (g: object): EnasMacroGenotype => {
    const rec = g as Record<string, unknown>;
    const extra = Object.keys(rec).filter((k) => k !== 'layers');
    if (extra.length) throw genotypeError(name, extra[0]!, rec[extra[0]!], 'only the field "layers"');
    const layers = rec.layers;
    if (!Array.isArray(layers) || layers.length !== L) throw genotypeError(name, 'layers', layers, `a list of ${L} layers, each {op, skips}`);
    layers.forEach((x: unknown, l) => {
      if (x === null || typeof x !== 'object' || Array.isArray(x)) throw genotypeError(name, `layers[${l}]`, x, '{op, skips}');
      const r = x as Record<string, unknown>;
      const bad = Object.keys(r).find((k) => k !== 'op' && k !== 'skips');
      if (bad !== undefined) throw genotypeError(name, `layers[${l}].${bad}`, r[bad], 'only the fields op and skips');
      if (!OPS.includes(r.op as string)) throw genotypeError(name, `layers[${l}].op`, r.op, `one of ${OPS.join(', ')}`);
      const s = r.skips;
      if (!Array.isArray(s) || s.length !== l || s.some((b) => b !== 0 && b !== 1)) {
        throw genotypeError(name, `layers[${l}].skips`, s, `${l} bits (0 or 1): the stem, then layers 0..${l - 2}`);
      }
    });
    return g as EnasMacroGenotype;
  };

  const parse = (text: string): EnasMacroGenotype => {
    const nums = text
      .trim()
      .split(/[\s,]+/)
      .filter((t) => t !== '')
      .map(Number);
    if (nums.length !== decisions.length) {
      throw new SpaceError(
        `${name}: an ENAS macro arc of ${L} layers is ${decisions.length} integers (per layer l: op 0-5, then l skip bits), got ${nums.length}`,
        'invalid-genotype',
        '',
        `${decisions.length} integers`,
      );
    }
    checkDecisionValues(name, decisions, nums);
    return fromDecisions(nums);
  };

  const skipLists = (g: EnasMacroGenotype): number[][] => g.layers.map((x) => x.skips.flatMap((b, i) => (b ? [i] : [])));

  const presets: Record<string, Preset<EnasMacroGenotype, EnasMacroSpaceStack>> = L === 24
    ? {
        enas: {
          genotype: parse(ENAS_MACRO_ARC),
          stack: { channels: 96, dropout: 0.5 },
          description:
            "the 24-layer arc that ENAS' released scripts/cifar10_macro_final.sh trains at F=96 on CIFAR-10: 30.9M params with separable convs as depthwise + pointwise (the released code builds them as full convs: 42.6M). The paper's 21.3M network (Figure 7, 12 layers) was not released as an arc",
        },
      }
    : {};

  return defineSpace<EnasMacroGenotype, EnasMacroSpaceStack>({
    name,
    description: `ENAS macro space (Pham et al., ICML 2018): ${L} layers, each one of 6 ops (conv/sep conv 3x3, 5x5, avg/max pool) with skip inputs from the stem and any earlier layers`,
    // ENAS' macro search child: 36 filters, keep_prob 0.9
    defaultStack: { channels: 36, classes: 10, dropout: 0.1 },
    defaultInput: { size: 32, channels: 3 },
    tiny: { stack: { channels: 4 }, input: { size: 16 } },
    presets,
    decisions,
    fromDecisions,
    toDecisions,
    validate,
    build: (g, stack) => {
      if (!Number.isInteger(stack.channels) || stack.channels < 2 || stack.channels % 2 !== 0) {
        throw stackError(name, 'channels', stack.channels, 'a positive even integer (the factorized reductions split it in two)');
      }
      if (!Number.isInteger(stack.classes) || stack.classes < 1) throw stackError(name, 'classes', stack.classes, 'a positive integer');
      if (!(stack.dropout >= 0 && stack.dropout < 1)) throw stackError(name, 'dropout', stack.dropout, 'a probability in [0, 1)');
      return new EnasMacroNetwork(
        g.layers.map((x) => x.op),
        skipLists(g),
        stack,
      );
    },
    parse,
    graph: (g) => ({
      parts: [
        layerGraph(
          'layers',
          g.layers.map((x) => x.op),
          skipLists(g),
        ),
      ],
    }),
  });
}

/** The registered `enas-macro` space: ENAS' 12 search layers. */
export const enasMacroSpace = createEnasMacroSpace();
