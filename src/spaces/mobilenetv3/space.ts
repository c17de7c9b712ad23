// The `mobilenetv3` search space: MnasNet-style blocks (Tan et al. 2019) with MobileNetV3's
// vocabulary (Howard et al., ICCV 2019), whose own block-wise search ran in this form before
// NetAdapt tuned the widths layer by layer.
// - size: the skeleton, MobileNetV3-Large (6 blocks of 16, 24, 40, 80, 112, 160 filters and
//   1, 2, 3, 4, 2, 3 layers; last conv 960 → linear 1280) or -Small (5 blocks of 16, 24, 40, 48,
//   96 and 1, 2, 3, 2, 3 layers; 576 → 1024). Small has no sixth block: its decisions are unused
//   and the key ignores them.
// - per block: kernel 3/5, expansion 1/3/4/6 (expanded width = input × expansion; 1 drops the
//   expand conv), SE on/off (MobileNetV3's: reduced makeDivisible(expanded/4, 8), ReLU, hard
//   sigmoid), activation ReLU/h-swish, depth −1/0/+1 layers relative to the skeleton.
// - `expanded` (optional, per block, not a decision): exact expanded widths per layer, as the
//   paper's tables give them after NetAdapt; the presets carry them. Sampling never sets them; a
//   mutation keeps them except in a block whose depth or expansion it changes (or all, on size).
// Every layer has an identity residual where it keeps the shape. Stem: 3x3 conv, 16 filters,
// h-swish; classifier: linear → h-swish → dropout → linear, as torchvision's mobilenet_v3_*.
// ImageNet strides (224): stem 2 and the skeleton's; CIFAR (32): stem 1 and the first strided
// block at stride 1 (÷8 overall). Batch norm: eps 0.001, momentum 0.01 (torchvision's).
import { type Decision, type Preset, type SearchSpace, defineSpace, genotypeError, mutateDecisionValues, stackError } from '../core/index.js';
import { type RandomSource, canonicalJson } from '../../util/index.js';
import { layerGraph } from '../graph/index.js';
import { makeDivisible } from '../../nn/index.js';
import { MobileNetwork, type MobileLayerSpec, type StrideSetting } from '../mnasnet/index.js';

export const V3_SIZES = ['large', 'small'] as const;
export type V3Size = (typeof V3_SIZES)[number];
export const V3_EXPANSIONS = [1, 3, 4, 6] as const;
export const V3_ACTIVATIONS = ['relu', 'hswish'] as const;

export interface V3Block {
  readonly kernel: 3 | 5;
  readonly expansion: (typeof V3_EXPANSIONS)[number];
  readonly se: boolean;
  readonly activation: (typeof V3_ACTIVATIONS)[number];
  /** layers relative to the skeleton's count for this block */
  readonly depth: -1 | 0 | 1;
  /** exact expanded widths, one per layer (overrides expansion) */
  readonly expanded?: readonly number[];
}
export type MobileNetV3Genotype = { readonly size: V3Size; readonly blocks: readonly V3Block[] };

export interface MobileNetV3Stack {
  classes: number;
  /** torchvision's width_mult: every width × width, rounded to a multiple of 8; 1 keeps them exact */
  width: number;
  dropout: number;
  strides: StrideSetting;
}

interface Skeleton {
  filters: readonly number[];
  layers: readonly number[];
  strides: readonly number[];
  cifarStrides: readonly number[];
  hiddenLinear: number;
}
export const V3_SKELETONS: Record<V3Size, Skeleton> = {
  large: { filters: [16, 24, 40, 80, 112, 160], layers: [1, 2, 3, 4, 2, 3], strides: [1, 2, 2, 2, 1, 2], cifarStrides: [1, 1, 2, 2, 1, 2], hiddenLinear: 1280 },
  small: { filters: [16, 24, 40, 48, 96], layers: [1, 2, 3, 2, 3], strides: [2, 2, 2, 1, 2], cifarStrides: [1, 2, 2, 1, 2], hiddenLinear: 1024 },
};
const BLOCKS = 6;
const NAME = 'mobilenetv3';
const BN = { eps: 0.001, momentum: 0.01 };

const FIELDS = ['kernel', 'expansion', 'se', 'activation', 'depth'] as const;
const CHOICES: Record<(typeof FIELDS)[number], readonly (string | number | boolean)[]> = {
  kernel: [3, 5],
  expansion: V3_EXPANSIONS,
  se: [false, true],
  activation: V3_ACTIVATIONS,
  depth: [-1, 0, 1],
};
// decisions name booleans as 'off'/'on' (choices are strings or numbers)
const shown = (f: (typeof FIELDS)[number]): readonly (string | number)[] => (f === 'se' ? ['off', 'on'] : (CHOICES[f] as readonly (string | number)[]));

const DECISIONS: readonly Decision[] = [
  { name: 'size', choices: V3_SIZES },
  ...Array.from({ length: BLOCKS }, (_, i) => FIELDS.map((f) => ({ name: `block${i + 1}.${f}`, choices: shown(f) }))).flat(),
];

const layerCount = (size: V3Size, i: number, depth: number): number => (i < V3_SKELETONS[size].layers.length ? V3_SKELETONS[size].layers[i]! + depth : 0);

function validate(g: object): MobileNetV3Genotype {
  const rec = g as Record<string, unknown>;
  const extra = Object.keys(rec).find((k) => k !== 'size' && k !== 'blocks');
  if (extra) throw genotypeError(NAME, extra, rec[extra], 'only the fields "size" and "blocks"');
  if (!V3_SIZES.includes(rec.size as never)) throw genotypeError(NAME, 'size', rec.size, '"large" or "small"');
  const size = rec.size as V3Size;
  const blocks = rec.blocks;
  if (!Array.isArray(blocks) || blocks.length !== BLOCKS) throw genotypeError(NAME, 'blocks', blocks, `an array of ${BLOCKS} blocks (Small's sixth is unused)`);
  blocks.forEach((b: unknown, i) => {
    const at = `blocks[${i}]`;
    if (b === null || typeof b !== 'object' || Array.isArray(b)) throw genotypeError(NAME, at, b, `an object with ${FIELDS.join(', ')}`);
    const br = b as Record<string, unknown>;
    const bad = Object.keys(br).find((k) => k !== 'expanded' && !(FIELDS as readonly string[]).includes(k));
    if (bad) throw genotypeError(NAME, `${at}.${bad}`, br[bad], `only the fields ${FIELDS.join(', ')} and optionally expanded`);
    for (const f of FIELDS) {
      if (!CHOICES[f].includes(br[f] as never)) throw genotypeError(NAME, `${at}.${f}`, br[f], CHOICES[f].map((x) => JSON.stringify(x)).join(', '));
    }
    if (br.expanded !== undefined) {
      const n = layerCount(size, i, br.depth as number);
      const e = br.expanded;
      if (!Array.isArray(e) || e.length !== n || n === 0 || !e.every((x) => Number.isInteger(x) && x >= 1)) {
        throw genotypeError(NAME, `${at}.expanded`, e, n === 0 ? 'nothing: this block has no layers' : `${n} positive integers (one expanded width per layer)`);
      }
    }
  });
  return g as MobileNetV3Genotype;
}

const scaled = (c: number, width: number): number => (width === 1 ? c : makeDivisible(c * width, 8));

/** The layers a genotype builds at `width` under the given strides. */
export function mobilenetV3Layers(g: MobileNetV3Genotype, width: number, strides: StrideSetting): MobileLayerSpec[] {
  const sk = V3_SKELETONS[g.size];
  const out: MobileLayerSpec[] = [];
  let cIn = scaled(16, width);
  sk.filters.forEach((f, i) => {
    const b = g.blocks[i]!;
    const cOut = scaled(f, width);
    for (let j = 0; j < layerCount(g.size, i, b.depth); j++) {
      const hidden = b.expanded ? scaled(b.expanded[j]!, width) : cIn * b.expansion;
      out.push({
        op: 'mbconv',
        inChannels: cIn,
        outChannels: cOut,
        hidden,
        kernel: b.kernel,
        stride: j === 0 ? (strides === 'cifar' ? sk.cifarStrides : sk.strides)[i]! : 1,
        se: b.se ? 'mobilenetv3' : 'none',
        activation: b.activation,
        skip: 'identity',
        bn: BN,
      });
      cIn = cOut;
    }
  });
  return out;
}

function checkStack(s: MobileNetV3Stack): void {
  if (!Number.isInteger(s.classes) || s.classes < 1) throw stackError(NAME, 'classes', s.classes, 'a positive integer');
  if (!(s.width > 0) || !Number.isFinite(s.width)) throw stackError(NAME, 'width', s.width, 'a positive number (1 keeps the published widths)');
  if (!(s.dropout >= 0 && s.dropout < 1)) throw stackError(NAME, 'dropout', s.dropout, 'a probability in [0, 1)');
  if (s.strides !== 'imagenet' && s.strides !== 'cifar') throw stackError(NAME, 'strides', s.strides, '"imagenet" (224 input) or "cifar" (32 input)');
}

export function buildMobileNetV3(g: MobileNetV3Genotype, s: MobileNetV3Stack): MobileNetwork {
  checkStack(s);
  const layers = mobilenetV3Layers(g, s.width, s.strides);
  const last = layers[layers.length - 1]!.outChannels; // each skeleton's last block keeps ≥ 2 layers
  return new MobileNetwork({
    classes: s.classes,
    stemChannels: scaled(16, s.width),
    stemStride: s.strides === 'cifar' ? 1 : 2,
    stemActivation: 'hswish',
    layers,
    lastConv: 6 * last,
    lastActivation: 'hswish',
    hiddenLinear: scaled(V3_SKELETONS[g.size].hiddenLinear, s.width),
    dropout: s.dropout,
    bn: BN,
  });
}

function fromDecisions(values: readonly number[]): MobileNetV3Genotype {
  return {
    size: V3_SIZES[values[0]!]!,
    blocks: Array.from({ length: BLOCKS }, (_, i) => {
      const v = values.slice(1 + i * FIELDS.length, 1 + (i + 1) * FIELDS.length);
      return Object.fromEntries(FIELDS.map((f, j) => [f, CHOICES[f][v[j]!]])) as unknown as V3Block;
    }),
  };
}

function toDecisions(g: MobileNetV3Genotype): number[] {
  return [V3_SIZES.indexOf(g.size), ...g.blocks.flatMap((b) => FIELDS.map((f) => CHOICES[f].indexOf(b[f] as never)))];
}

function mutate(g: MobileNetV3Genotype, rng: RandomSource): MobileNetV3Genotype {
  const before = toDecisions(g);
  const after = mutateDecisionValues(NAME, DECISIONS, before, rng);
  const changed = after.findIndex((v, i) => v !== before[i]);
  const out = fromDecisions(after);
  if (changed === 0) return out;
  const block = Math.floor((changed - 1) / FIELDS.length);
  const field = FIELDS[(changed - 1) % FIELDS.length]!;
  return {
    size: out.size,
    blocks: out.blocks.map((b, i) => {
      const e = g.blocks[i]!.expanded;
      const keep = e && !(i === block && (field === 'depth' || field === 'expansion'));
      return keep ? { ...b, expanded: [...e] } : b;
    }),
  };
}

const block = (kernel: 3 | 5, se: boolean, activation: 'relu' | 'hswish', expansion: 1 | 3 | 4 | 6, expanded: number[]): V3Block => ({
  kernel,
  expansion,
  se,
  activation,
  depth: 0,
  expanded,
});

/** MobileNetV3-Large (paper Table 1; torchvision's mobilenet_v3_large). */
export const MOBILENET_V3_LARGE: MobileNetV3Genotype = {
  size: 'large',
  blocks: [
    block(3, false, 'relu', 1, [16]),
    block(3, false, 'relu', 4, [64, 72]),
    block(5, true, 'relu', 3, [72, 120, 120]),
    block(3, false, 'hswish', 6, [240, 200, 184, 184]),
    block(3, true, 'hswish', 6, [480, 672]),
    block(5, true, 'hswish', 6, [672, 960, 960]),
  ],
};

/** MobileNetV3-Small (paper Table 2; torchvision's mobilenet_v3_small); the sixth block is unused. */
export const MOBILENET_V3_SMALL: MobileNetV3Genotype = {
  size: 'small',
  blocks: [
    block(3, true, 'relu', 1, [16]),
    block(3, false, 'relu', 4, [72, 88]),
    block(5, true, 'hswish', 4, [96, 240, 240]),
    block(5, true, 'hswish', 3, [120, 144]),
    block(5, true, 'hswish', 6, [288, 576, 576]),
    { kernel: 3, expansion: 6, se: false, activation: 'relu', depth: 0 },
  ],
};

const PRESETS: Record<string, Preset<MobileNetV3Genotype, MobileNetV3Stack>> = {
  'mobilenet-v3-large': {
    genotype: MOBILENET_V3_LARGE,
    description: 'MobileNetV3-Large 1.0 (Howard et al. 2019): 75.2% ImageNet top-1, 5.4M params, 219M MACs',
  },
  'mobilenet-v3-small': {
    genotype: MOBILENET_V3_SMALL,
    description: 'MobileNetV3-Small 1.0 (Howard et al. 2019): 67.4% ImageNet top-1, 2.5M params, 56M MACs',
  },
};

export const mobilenetV3Space: SearchSpace<MobileNetV3Genotype, MobileNetV3Stack> = defineSpace<MobileNetV3Genotype, MobileNetV3Stack>({
  name: NAME,
  description:
    'MobileNetV3 (Howard et al., ICCV 2019) as a MnasNet-style block space: Large/Small skeleton × per block {kernel, expansion, SE, activation, depth}',
  defaultStack: { classes: 1000, width: 1, dropout: 0.2, strides: 'imagenet' },
  // one node per block: kernel, expansion, SE, activation and depth offset
  graph: (g) => ({
    parts: [
      layerGraph(
        `mobilenet-v3-${g.size}`,
        g.blocks
          .slice(0, V3_SKELETONS[g.size].layers.length)
          .map((b) => `k${b.kernel} e${b.expansion}${b.se ? ' SE' : ''} ${b.activation} d${b.depth >= 0 ? '+' : ''}${b.depth}`),
      ),
    ],
  }),
  defaultInput: { size: 224, channels: 3 },
  tiny: { stack: { classes: 10, width: 0.25, strides: 'cifar' }, input: { size: 16 } },
  presets: PRESETS,
  decisions: DECISIONS,
  fromDecisions,
  toDecisions,
  validate,
  mutate,
  // the layers built under both stride settings (Small's unused sixth block drops out)
  key: (g) => canonicalJson({ size: g.size, layers: (['imagenet', 'cifar'] as const).map((s) => mobilenetV3Layers(g, 1, s)) }),
  build: (g, stack) => buildMobileNetV3(g, stack),
});
