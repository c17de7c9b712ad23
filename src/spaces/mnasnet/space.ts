// The `mnasnet` search space: MnasNet's factorized hierarchical space (Tan et al., CVPR 2019,
// Sec. 4.1) over MobileNetV2's seven blocks. Per block, one layer design repeated `layers` times:
// - op: regular conv ('conv'), depthwise separable conv ('dconv': kxk depthwise → 1x1 linear
//   projection, i.e. MBConv with expansion 1), or mobile inverted bottleneck with expansion 3 or
//   6 ('mbconv3', 'mbconv6');
// - kernel 3 or 5; SE ratio 0 or 0.25 (MnasNet's SE: reduced width ⌊blockIn·0.25⌋, sigmoid gate);
// - skip: 'none', 'identity' (a residual add, which only takes effect where the layer keeps the
//   shape, as in MobileNetV2: so never on a block's strided or widening first layer), or 'pool'
//   (our reading of the paper's "pooling" skip: the input 3x3-average-pooled with the layer's
//   stride, through a 1x1 conv + BN when the widths differ, added to the output);
// - filters: MobileNetV2's width ×{0.75, 1, 1.25}; blocks 5 and 6 also offer the published
//   widths that fall between (112 for MnasNet-A1, 192 for MnasNet-B1), so the published networks
//   are points of the space;
// - layers: MobileNetV2's count −1, +0 or +1 (a block of 0 layers is left out).
// ImageNet strides (224 input): stem 2, blocks 1,2,2,2,1,2,1 (÷32). CIFAR strides (32 input):
// stem 1 and block 2 at stride 1 (÷8, a 4x4 final map), as the CIFAR ports of MobileNetV2 do.
// Key: the layer list the genotype builds under both stride settings (identity skips that
// cannot take effect and empty blocks drop out), so equal keys build equal networks.
import { type Decision, type Preset, type SearchSpace, defineSpace, genotypeError, stackError } from '../core/index.js';
import { canonicalJson } from '../../util/index.js';
import { layerGraph } from '../graph/index.js';
import { makeDivisible } from '../../nn/index.js';
import { type MobileLayerSpec, identityApplies } from './layer.js';
import { MobileNetwork } from './network.js';

export const MNASNET_OPS = ['conv', 'dconv', 'mbconv3', 'mbconv6'] as const;
export const MNASNET_SKIPS = ['none', 'identity', 'pool'] as const;
export type MnasnetOp = (typeof MNASNET_OPS)[number];
export type MnasnetSkip = (typeof MNASNET_SKIPS)[number];

export interface MnasnetBlock {
  readonly op: MnasnetOp;
  readonly kernel: 3 | 5;
  readonly se: 0 | 0.25;
  readonly skip: MnasnetSkip;
  /** the block's output width (at width multiplier 1) */
  readonly filters: number;
  /** how many times the layer repeats; the first takes the block's stride */
  readonly layers: number;
}
export type MnasnetGenotype = { readonly blocks: readonly MnasnetBlock[] };

export type StrideSetting = 'imagenet' | 'cifar';
export interface MnasnetStack {
  classes: number;
  /** stem width */
  channels: number;
  /** multiplies every block's filters (rounded to a multiple of 8, as torchvision's alpha); 1 keeps them exact */
  width: number;
  /** the 1x1 conv before pooling */
  head: number;
  dropout: number;
  strides: StrideSetting;
  /** MnasNet uses ReLU; MobileNetV2 ReLU6 */
  activation: 'relu' | 'relu6';
}

const NAME = 'mnasnet';
/** MobileNetV2's blocks: output width, layer count, stride at 224 */
export const MOBILENETV2_FILTERS: readonly number[] = [16, 24, 32, 64, 96, 160, 320];
export const MOBILENETV2_LAYERS: readonly number[] = [1, 2, 3, 4, 3, 3, 1];
const STRIDES: Record<StrideSetting, { stem: number; blocks: readonly number[] }> = {
  imagenet: { stem: 2, blocks: [1, 2, 2, 2, 1, 2, 1] },
  cifar: { stem: 1, blocks: [1, 1, 2, 2, 1, 2, 1] },
};
const PUBLISHED_EXTRA: Record<number, number> = { 4: 112, 5: 192 };

export const MNASNET_FILTERS: readonly (readonly number[])[] = MOBILENETV2_FILTERS.map((c, i) => {
  const out = [0.75 * c, c, 1.25 * c];
  if (PUBLISHED_EXTRA[i] !== undefined) out.push(PUBLISHED_EXTRA[i]!);
  return out.sort((a, b) => a - b);
});
export const MNASNET_LAYERS: readonly (readonly number[])[] = MOBILENETV2_LAYERS.map((n) => [n - 1, n, n + 1]);

const FIELDS = ['op', 'kernel', 'se', 'skip', 'filters', 'layers'] as const;
const choicesOf = (i: number): Record<(typeof FIELDS)[number], readonly (string | number)[]> => ({
  op: MNASNET_OPS,
  kernel: [3, 5],
  se: [0, 0.25],
  skip: MNASNET_SKIPS,
  filters: MNASNET_FILTERS[i]!,
  layers: MNASNET_LAYERS[i]!,
});

const DECISIONS: readonly Decision[] = MOBILENETV2_FILTERS.flatMap((_, i) => {
  const c = choicesOf(i);
  return FIELDS.map((f) => ({ name: `block${i + 1}.${f}`, choices: c[f] }));
});

function validate(g: object): MnasnetGenotype {
  const extra = Object.keys(g).filter((k) => k !== 'blocks');
  if (extra.length) throw genotypeError(NAME, extra[0]!, (g as Record<string, unknown>)[extra[0]!], 'only the field "blocks"');
  const blocks = (g as { blocks?: unknown }).blocks;
  if (!Array.isArray(blocks) || blocks.length !== 7) throw genotypeError(NAME, 'blocks', blocks, 'an array of 7 blocks');
  blocks.forEach((b: unknown, i) => {
    if (b === null || typeof b !== 'object' || Array.isArray(b)) throw genotypeError(NAME, `blocks[${i}]`, b, `an object with ${FIELDS.join(', ')}`);
    const rec = b as Record<string, unknown>;
    const bad = Object.keys(rec).find((k) => !(FIELDS as readonly string[]).includes(k));
    if (bad) throw genotypeError(NAME, `blocks[${i}].${bad}`, rec[bad], `only the fields ${FIELDS.join(', ')}`);
    const c = choicesOf(i);
    for (const f of FIELDS) {
      if (!c[f].includes(rec[f] as never)) throw genotypeError(NAME, `blocks[${i}].${f}`, rec[f], c[f].map((x) => JSON.stringify(x)).join(', '));
    }
  });
  return g as MnasnetGenotype;
}

function scaled(c: number, width: number): number {
  return width === 1 ? c : makeDivisible(c * width, 8);
}

/** The layers a genotype builds, in order (empty blocks contribute none). */
export function mnasnetLayers(g: MnasnetGenotype, stem: number, width: number, strides: StrideSetting, activation: 'relu' | 'relu6'): MobileLayerSpec[] {
  const out: MobileLayerSpec[] = [];
  let cIn = stem;
  g.blocks.forEach((b, i) => {
    const cOut = scaled(b.filters, width);
    for (let j = 0; j < b.layers; j++) {
      const e = b.op === 'mbconv3' ? 3 : b.op === 'mbconv6' ? 6 : 1;
      out.push({
        op: b.op === 'conv' ? 'conv' : b.op === 'dconv' ? 'dconv' : 'mbconv',
        inChannels: cIn,
        outChannels: cOut,
        hidden: cIn * e,
        kernel: b.kernel,
        stride: j === 0 ? STRIDES[strides].blocks[i]! : 1,
        se: b.se > 0 ? 'mnasnet' : 'none',
        activation,
        skip: b.skip,
      });
      cIn = cOut;
    }
  });
  return out;
}

function effective(l: MobileLayerSpec): object {
  const skip = l.skip === 'identity' && !identityApplies(l) ? 'none' : l.skip;
  return { op: l.op, in: l.inChannels, out: l.outChannels, hidden: l.op === 'mbconv' ? l.hidden : 0, k: l.kernel, s: l.stride, se: l.se, skip };
}

function checkStack(s: MnasnetStack): void {
  for (const f of ['classes', 'channels', 'head'] as const) {
    if (!Number.isInteger(s[f]) || s[f] < 1) throw stackError(NAME, f, s[f], 'a positive integer');
  }
  if (!(s.width > 0) || !Number.isFinite(s.width)) throw stackError(NAME, 'width', s.width, 'a positive number (1 keeps the published widths)');
  if (!(s.dropout >= 0 && s.dropout < 1)) throw stackError(NAME, 'dropout', s.dropout, 'a probability in [0, 1)');
  if (s.strides !== 'imagenet' && s.strides !== 'cifar') throw stackError(NAME, 'strides', s.strides, '"imagenet" (224 input) or "cifar" (32 input)');
  if (s.activation !== 'relu' && s.activation !== 'relu6') throw stackError(NAME, 'activation', s.activation, '"relu" (MnasNet) or "relu6" (MobileNetV2)');
}

export function buildMnasnet(g: MnasnetGenotype, s: MnasnetStack): MobileNetwork {
  checkStack(s);
  return new MobileNetwork({
    classes: s.classes,
    stemChannels: s.channels,
    stemStride: STRIDES[s.strides].stem,
    stemActivation: s.activation,
    layers: mnasnetLayers(g, s.channels, s.width, s.strides, s.activation),
    lastConv: s.head,
    lastActivation: s.activation,
    hiddenLinear: 0,
    dropout: s.dropout,
  });
}

const block = (op: MnasnetOp, kernel: 3 | 5, se: 0 | 0.25, skip: MnasnetSkip, filters: number, layers: number): MnasnetBlock => ({
  op,
  kernel,
  se,
  skip,
  filters,
  layers,
});

/** MnasNet-A1 (paper Fig. 7a; TF's mnasnet_a1 block strings). */
export const MNASNET_A1: MnasnetGenotype = {
  blocks: [
    block('dconv', 3, 0, 'none', 16, 1),
    block('mbconv6', 3, 0, 'identity', 24, 2),
    block('mbconv3', 5, 0.25, 'identity', 40, 3),
    block('mbconv6', 3, 0, 'identity', 80, 4),
    block('mbconv6', 3, 0.25, 'identity', 112, 2),
    block('mbconv6', 5, 0.25, 'identity', 160, 3),
    block('mbconv6', 3, 0, 'identity', 320, 1),
  ],
};

/** MnasNet-B1 (torchvision's mnasnet1_0; TF's mnasnet_b1). */
export const MNASNET_B1: MnasnetGenotype = {
  blocks: [
    block('dconv', 3, 0, 'none', 16, 1),
    block('mbconv3', 3, 0, 'identity', 24, 3),
    block('mbconv3', 5, 0, 'identity', 40, 3),
    block('mbconv6', 5, 0, 'identity', 80, 3),
    block('mbconv6', 3, 0, 'identity', 96, 2),
    block('mbconv6', 5, 0, 'identity', 192, 4),
    block('mbconv6', 3, 0, 'identity', 320, 1),
  ],
};

/** MobileNetV2 1.0 (Sandler et al., 2018): its first block has expansion 1 (= dconv), the rest MBConv6 k3. */
export const MOBILENET_V2: MnasnetGenotype = {
  blocks: MOBILENETV2_FILTERS.map((c, i) => block(i === 0 ? 'dconv' : 'mbconv6', 3, 0, 'identity', c, MOBILENETV2_LAYERS[i]!)),
};

const PRESETS: Record<string, Preset<MnasnetGenotype, MnasnetStack>> = {
  'mnasnet-a1': { genotype: MNASNET_A1, description: 'MnasNet-A1 (Tan et al. 2019, Fig. 7a): 75.2% ImageNet top-1, 3.9M params, 312M MACs' },
  'mnasnet-b1': {
    genotype: MNASNET_B1,
    description: "MnasNet-B1 (TF tpu mnasnet_b1, no SE) = torchvision's mnasnet1_0: 73.5% top-1 there, 4.4M params, 314M MACs",
  },
  'mobilenet-v2': {
    genotype: MOBILENET_V2,
    stack: { activation: 'relu6' },
    description: 'MobileNetV2 1.0 (Sandler et al. 2018) expressed in this space: 72.0% top-1, 3.5M params, 300M MACs',
  },
};

export const mnasnetSpace: SearchSpace<MnasnetGenotype, MnasnetStack> = defineSpace<MnasnetGenotype, MnasnetStack>({
  name: NAME,
  description: 'MnasNet (Tan et al., CVPR 2019): factorized hierarchical space, 7 MobileNetV2 blocks × {op, kernel, SE, skip, filters, layers}',
  defaultStack: { classes: 1000, channels: 32, width: 1, head: 1280, dropout: 0.2, strides: 'imagenet', activation: 'relu' },
  // one node per block: its op, kernel, SE, skip, width and repeat count
  graph: (g) => ({
    parts: [
      layerGraph(
        'blocks',
        g.blocks.map((b) => `${b.op} k${b.kernel}${b.se ? ' SE' : ''} ${b.skip} ${b.filters}×${b.layers}`),
      ),
    ],
  }),
  defaultInput: { size: 224, channels: 3 },
  tiny: { stack: { classes: 10, channels: 4, width: 0.1, head: 16, strides: 'cifar' }, input: { size: 16 } },
  presets: PRESETS,
  decisions: DECISIONS,
  fromDecisions: (values) => ({
    blocks: MOBILENETV2_FILTERS.map((_, i) => {
      const c = choicesOf(i);
      const v = values.slice(i * FIELDS.length, (i + 1) * FIELDS.length);
      return Object.fromEntries(FIELDS.map((f, j) => [f, c[f][v[j]!]])) as unknown as MnasnetBlock;
    }),
  }),
  toDecisions: (g) =>
    g.blocks.flatMap((b, i) => {
      const c = choicesOf(i);
      return FIELDS.map((f) => c[f].indexOf(b[f] as never));
    }),
  validate,
  key: (g) => canonicalJson((['imagenet', 'cifar'] as const).map((s) => mnasnetLayers(g, 32, 1, s, 'relu').map(effective))),
  build: (g, stack) => buildMnasnet(g, stack),
});
