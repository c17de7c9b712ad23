// Every registered preset's parameter count as published (or, where nothing is published, as
// checked elsewhere), for the tests that compare what `cost` and `inspect` report. `params` is
// the deployed network (no auxiliary head), as the papers and the authors' code count;
// `auxiliaryParams` the training-only head of the presets that have one. The numbers are those
// of the published-count tests, each from the source named in `source`.
import { readFileSync } from 'node:fs';

const cells = (JSON.parse(readFileSync(new URL('../../../test/fixtures/cells.json', import.meta.url), 'utf8')) as { counts: Record<string, number> }).counts;

/**
 * DARTS' AuxiliaryHeadCIFAR / AuxiliaryHeadImageNet (cnn/model.py, model.py of imagenet) on `c`
 * channels: ReLU, pool, 1x1 conv to 128 + BN, 2x2 conv to 768 (+ BN: the ImageNet head's BN is
 * commented out in the authors' code, "omitted in my earlier implementation due to a typo"), linear.
 */
function dartsAuxHead(c: number, classes: number, imagenet: boolean): number {
  return c * 128 + 2 * 128 + 128 * 768 * 4 + (imagenet ? 0 : 2 * 768) + 768 * classes + classes;
}

export interface PresetCount {
  /** the deployed network's parameters */
  readonly params: number;
  /** the auxiliary head's parameters (0: the preset has none) */
  readonly auxiliaryParams: number;
  /** MACs at batch 1 on the preset's input, where a published figure equals ours to the MAC */
  readonly macs?: number;
  readonly source: string;
}

/** 'space/preset' → its counts; every preset of every registered space has a row. */
export const PRESET_COUNTS: Readonly<Record<string, PresetCount>> = {
  // Su et al.'s benchmark file (test/spaces/nas-bench-macro.test.ts, nas-bench-macro-space.test.ts)
  'nas-bench-macro/best': { params: 1_985_514, auxiliaryParams: 0, macs: 85_164_544, source: 'nas-bench-macro_cifar10.json, arch 22212220' },
  'nas-bench-macro/largest': { params: 2_932_586, auxiliaryParams: 0, source: 'nas-bench-macro_cifar10.json, arch 22222222' },
  'nas-bench-macro/smallest': { params: 387_882, auxiliaryParams: 0, source: 'nas-bench-macro_cifar10.json, arch 00000000' },
  // PyTorch ports of the released code (test/fixtures/cells.json; test/spaces/cell-spaces.test.ts)
  'darts/darts-v1': { params: cells.darts_v1_20x36!, auxiliaryParams: dartsAuxHead(576, 10, false), source: 'cells.json darts_v1_20x36' },
  'darts/darts-v2': {
    params: cells.darts_v2_20x36!,
    auxiliaryParams: dartsAuxHead(576, 10, false),
    source: 'cells.json darts_v2_20x36; DARTS train.py logs 3.349342MB',
  },
  'darts/darts-v2-imagenet': {
    params: cells.darts_v2_imagenet_14x48!,
    auxiliaryParams: dartsAuxHead(768, 1000, true),
    source: 'cells.json darts_v2_imagenet_14x48',
  },
  'darts/gdas': { params: cells.gdas_20x36!, auxiliaryParams: dartsAuxHead(576, 10, false), source: 'cells.json gdas_20x36' },
  // NASNet's and ENAS' heads: the counts of docs/spaces.md's "with aux head" column, less the network
  'nasnet/nasnet-a': { params: cells.nasnet_a_6x32!, auxiliaryParams: 4_978_036 - 3_346_538, source: 'cells.json nasnet_a_6x32' },
  'nasnet/amoebanet-a': { params: cells.amoebanet_a_6x36!, auxiliaryParams: 4_837_476 - 3_218_266, source: 'cells.json amoebanet_a_6x36' },
  'nasnet/pnasnet-5': { params: cells.pnasnet_5_3x48!, auxiliaryParams: 4_832_868 - 3_189_082, source: 'cells.json pnasnet_5_3x48' },
  'nasnet/enas-micro': { params: cells.enas_6x36!, auxiliaryParams: 5_082_220 - 4_587_372, source: 'cells.json enas_6x36' },
  'enas-micro/enas': { params: cells.enas_6x36!, auxiliaryParams: 5_082_220 - 4_587_372, source: 'cells.json enas_6x36 (test/spaces/enas.test.ts)' },
  // no per-cell count is published with the data here: nasforge's count, as a regression value
  'nas-bench-201/best': {
    params: 1_073_466,
    auxiliaryParams: 0,
    source: 'nasforge (NAS-Bench-201 cells range 73,306 to 1,531,546: test/tabular/tables.test.ts)',
  },
  // test/spaces/fbnet-proxyless.test.ts: FBNet Table 3's networks as released, pytorchcv's ProxylessNAS
  'fbnet/fbnet-a': { params: 4_321_464, auxiliaryParams: 0, source: 'mobile-vision fbnet_a, 1504 head' },
  'fbnet/fbnet-b': { params: 4_813_048, auxiliaryParams: 0, source: 'fbnet_builder MODEL_ARCH fbnet_b' },
  'fbnet/fbnet-c': { params: 5_572_200, auxiliaryParams: 0, source: 'pytorchcv fbnet_cb, timm fbnetc_100' },
  'proxylessnas/proxylessnas-mobile': { params: 4_080_512, auxiliaryParams: 0, source: 'pytorchcv proxylessnas_mobile' },
  'proxylessnas/proxylessnas-gpu': { params: 7_119_848, auxiliaryParams: 0, source: 'pytorchcv proxylessnas_gpu' },
  'proxylessnas/proxylessnas-cpu': { params: 4_361_648, auxiliaryParams: 0, source: 'pytorchcv proxylessnas_cpu' },
  // test/spaces/mobile-spaces.test.ts: torchvision 0.14 (params and MACs counted by forward hooks)
  'mnasnet/mnasnet-a1': { params: 3_887_038, auxiliaryParams: 0, source: 'TF mnasnet_a1 (timm mnasnet_a1: 3.89M)' },
  'mnasnet/mnasnet-b1': { params: 4_383_312, auxiliaryParams: 0, macs: 314_415_872, source: 'torchvision mnasnet1_0' },
  'mnasnet/mobilenet-v2': { params: 3_504_872, auxiliaryParams: 0, macs: 300_774_272, source: 'torchvision mobilenet_v2' },
  'mobilenetv3/mobilenet-v3-large': { params: 5_483_032, auxiliaryParams: 0, macs: 216_589_760, source: 'torchvision mobilenet_v3_large' },
  'mobilenetv3/mobilenet-v3-small': { params: 2_542_856, auxiliaryParams: 0, macs: 56_510_400, source: 'torchvision mobilenet_v3_small' },
};
