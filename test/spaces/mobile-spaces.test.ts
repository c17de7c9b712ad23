// The MnasNet and MobileNetV3 spaces: presets equal torchvision's models in parameters and
// MACs, the paper's counts for MnasNet-A1, the space's choices, keys and stride settings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, randn, setNumThreads, tidy, undisposedTensors } from '../../src/torch/index.js';
import { Rng, canonicalJson } from '../../src/util/index.js';
import { findPreset, getSpace } from '../../src/spaces/index.js';
import { MNASNET_A1, MNASNET_B1, MNASNET_FILTERS, type MnasnetGenotype, mnasnetLayers, mnasnetSpace } from '../../src/spaces/mnasnet/index.js';
import { MOBILENET_V3_LARGE, MOBILENET_V3_SMALL, type MobileNetV3Genotype, mobilenetV3Space } from '../../src/spaces/mobilenetv3/index.js';

setNumThreads(Number(process.env.NASFORGE_THREADS ?? 1));

// Obtained with /usr/bin/python3 (PyTorch 1.13, torchvision 0.14), num_classes=1000:
//   sum(p.numel() for p in torchvision.models.<name>().parameters())
// and MACs from forward hooks on one 1x3x224x224 zero image: Conv2d out.numel·(cin/groups)·kh·kw,
// Linear in·out (the counting rule of src/nn/trace.ts).
const TORCHVISION: Record<string, { model: string; params: number; macs: number }> = {
  'mnasnet-b1': { model: 'mnasnet1_0', params: 4_383_312, macs: 314_415_872 },
  'mobilenet-v2': { model: 'mobilenet_v2', params: 3_504_872, macs: 300_774_272 },
  'mobilenet-v3-large': { model: 'mobilenet_v3_large', params: 5_483_032, macs: 216_589_760 },
  'mobilenet-v3-small': { model: 'mobilenet_v3_small', params: 2_542_856, macs: 56_510_400 },
};

test('registered under their names, with the preset names of the brief', () => {
  assert.strictEqual(getSpace('mnasnet'), mnasnetSpace);
  assert.strictEqual(getSpace('mobilenetv3'), mobilenetV3Space);
  assert.deepEqual(Object.keys(mnasnetSpace.presets).sort(), ['mnasnet-a1', 'mnasnet-b1', 'mobilenet-v2']);
  assert.deepEqual(Object.keys(mobilenetV3Space.presets).sort(), ['mobilenet-v3-large', 'mobilenet-v3-small']);
});

for (const [name, ref] of Object.entries(TORCHVISION)) {
  test(`${name} has exactly torchvision ${ref.model}'s parameters and MACs at 224, 1000 classes`, () => {
    const space = name.startsWith('mobilenet-v3') ? mobilenetV3Space : mnasnetSpace;
    const p = findPreset(space as typeof mnasnetSpace, name);
    assert.deepEqual(space.cost(p.genotype as never, p.stack as never, p.input), { params: ref.params, macs: ref.macs, auxiliaryParams: 0 });
  });
}

test("MnasNet-A1: the paper's 3.9M parameters and 312M MACs (within rounding)", () => {
  const c = mnasnetSpace.cost(MNASNET_A1);
  assert.equal(Math.round(c.params / 1e5) / 10, 3.9);
  assert.equal(Math.round(c.macs / 1e6), 312);
});

test('each preset builds at 224 and the two smallest run a forward pass at batch 1', () => {
  manualSeed(0);
  const live = undisposedTensors();
  for (const [space, names] of [
    [mnasnetSpace, ['mnasnet-a1', 'mnasnet-b1', 'mobilenet-v2']],
    [mobilenetV3Space, ['mobilenet-v3-large', 'mobilenet-v3-small']],
  ] as const) {
    for (const name of names) {
      const p = findPreset(space as typeof mnasnetSpace, name);
      const net = space.build(p.genotype as never, p.stack as never);
      if (name === 'mobilenet-v3-small' || name === 'mnasnet-a1') {
        net.eval();
        tidy(() => {
          const y = net.forward(randn([1, 3, 224, 224]));
          assert.deepEqual(y.shape, [1, 1000]);
          assert.ok(y.toArray().every((v) => Number.isFinite(v)));
        });
      }
      net.dispose();
    }
  }
  assert.equal(undisposedTensors(), live);
});

test('the published genotypes are points of the space: decisions round-trip them', () => {
  for (const g of [MNASNET_A1, MNASNET_B1]) {
    assert.deepEqual(mnasnetSpace.fromDecisions(mnasnetSpace.toDecisions(g)), g);
  }
  // block 5 offers MobileNetV2's 96 × {0.75, 1, 1.25} and A1's 112; block 6 160 × ... and B1's 192
  assert.deepEqual(MNASNET_FILTERS[4], [72, 96, 112, 120]);
  assert.deepEqual(MNASNET_FILTERS[5], [120, 160, 192, 200]);
});

test('mnasnet: an identity skip only acts where the shape is kept, so such genotypes share a key', () => {
  const withSkip = (skip: 'none' | 'identity', layers: number): MnasnetGenotype => ({
    blocks: MNASNET_B1.blocks.map((b, i) => (i === 6 ? { ...b, skip, layers } : b)),
  });
  // block 7 widens 192 → 320 in its one layer: the residual cannot apply
  assert.equal(mnasnetSpace.key(withSkip('none', 1)), mnasnetSpace.key(withSkip('identity', 1)));
  assert.deepEqual(mnasnetSpace.cost(withSkip('none', 1)), mnasnetSpace.cost(withSkip('identity', 1)));
  // with a second layer the residual applies there
  assert.notEqual(mnasnetSpace.key(withSkip('none', 2)), mnasnetSpace.key(withSkip('identity', 2)));
  // a block of 0 layers: its other choices do not matter
  const empty = (op: 'conv' | 'mbconv6'): MnasnetGenotype => ({
    blocks: MNASNET_B1.blocks.map((b, i) => (i === 0 ? { ...b, op, layers: 0 } : b)),
  });
  assert.equal(mnasnetSpace.key(empty('conv')), mnasnetSpace.key(empty('mbconv6')));
});

test('mnasnet: CIFAR strides downsample by 8, ImageNet strides by 32', () => {
  const strides = (s: 'imagenet' | 'cifar'): number => mnasnetLayers(MNASNET_A1, 32, 1, s, 'relu').reduce((p, l) => p * l.stride, s === 'cifar' ? 1 : 2);
  assert.equal(strides('imagenet'), 32);
  assert.equal(strides('cifar'), 8);
  const net = mnasnetSpace.build(MNASNET_A1, { classes: 10, strides: 'cifar', width: 0.25, head: 64 });
  tidy(() => assert.deepEqual(net.forward(randn([2, 3, 32, 32])).shape, [2, 10]));
  net.dispose();
});

test('mnasnet: conv ops and the pooling skip build what they say (parameter arithmetic)', () => {
  const one = (op: 'conv' | 'dconv', skip: 'none' | 'pool'): MnasnetGenotype => ({
    blocks: MNASNET_B1.blocks.map((b, i) => (i === 0 ? { ...b, op, skip, kernel: 5 } : b)),
  });
  const base = mnasnetSpace.cost(one('dconv', 'none')).params;
  // dconv 32→16 k5: 32·25 + 2·32 (dw + BN) + 32·16 + 2·16; conv: 32·16·25 + 2·16
  assert.equal(mnasnetSpace.cost(one('conv', 'none')).params - base, 32 * 16 * 25 + 32 - (32 * 25 + 64 + 32 * 16 + 32));
  // pool skip 32→16: a 1x1 projection + BN
  assert.equal(mnasnetSpace.cost(one('dconv', 'pool')).params - base, 32 * 16 + 32);
});

test('mobilenetv3: Small ignores the sixth block; presets keep their exact widths under mutation elsewhere', () => {
  const other: MobileNetV3Genotype = {
    ...MOBILENET_V3_SMALL,
    blocks: MOBILENET_V3_SMALL.blocks.map((b, i) => (i === 5 ? { kernel: 5, expansion: 3, se: true, activation: 'hswish', depth: 1 } : b)),
  };
  assert.equal(mobilenetV3Space.key(other), mobilenetV3Space.key(MOBILENET_V3_SMALL));
  const rng = new Rng(3);
  let kept = 0;
  for (let i = 0; i < 50; i++) {
    const m = mobilenetV3Space.mutate(MOBILENET_V3_LARGE, rng);
    const changed = mobilenetV3Space.toDecisions(m).findIndex((v, j) => v !== mobilenetV3Space.toDecisions(MOBILENET_V3_LARGE)[j]);
    if (changed === 0) {
      assert.ok(m.blocks.every((b) => b.expanded === undefined));
      continue;
    }
    const block = Math.floor((changed - 1) / 5);
    m.blocks.forEach((b, j) => {
      if (j !== block) {
        assert.deepEqual(b.expanded, MOBILENET_V3_LARGE.blocks[j]!.expanded);
        kept++;
      }
    });
  }
  assert.ok(kept > 0);
  // expanded widths must match the layer count
  assert.throws(
    () => mobilenetV3Space.validate({ ...MOBILENET_V3_LARGE, blocks: MOBILENET_V3_LARGE.blocks.map((b, i) => (i === 1 ? { ...b, depth: 1 } : b)) }),
    /blocks\[1\]\.expanded/,
  );
});

test('mobilenetv3: sampled genotypes follow the decisions (expansion × input width, no exact widths)', () => {
  const g = mobilenetV3Space.sample(new Rng(4));
  assert.ok(g.blocks.every((b) => b.expanded === undefined));
  assert.equal(canonicalJson(mobilenetV3Space.fromDecisions(mobilenetV3Space.toDecisions(g))), canonicalJson(g));
});
