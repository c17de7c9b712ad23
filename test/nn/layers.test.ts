// Basic layers, squeeze-excitation and the auxiliary heads against PyTorch 1.13 reference values
// (test/fixtures/nn.json), and the Module contract: state dicts, save/load, parameter counts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EngineError, undisposedTensors, manualSeed, randn, tensor, tidy } from '../../src/torch/index.js';
import {
  AuxiliaryHeadCIFAR,
  AuxiliaryHeadImageNet,
  BatchNorm2d,
  Conv2d,
  SqueezeExcite,
  makeDivisible,
  mnasnetSEWidth,
  mobilenetV3SEWidth,
} from '../../src/nn/index.js';
import { buildModule, casesOf, checkCase, fixture, nfName } from './fixture.js';

const BASIC = [
  'conv2d',
  'batchnorm2d',
  'linear',
  'maxpool2d',
  'avgpool2d',
  'relu',
  'relu6',
  'hswish',
  'hsigmoid',
  'swish',
  'sigmoid',
  'globalavgpool',
  'flatten',
];
const SE = ['se', 'se_mnasnet', 'se_mobilenetv3'];

describe('basic layers match PyTorch (forward, input and weight gradients, running statistics)', () => {
  for (const c of casesOf(BASIC)) test(c.name, () => checkCase(c));
});

describe('squeeze-and-excitation matches PyTorch', () => {
  for (const c of casesOf(SE)) test(c.name, () => checkCase(c));

  test('reduced widths: MobileNetV3 rounds expanded/4 to multiples of 8, MnasNet takes the block input × ratio', () => {
    for (const [expanded, want] of Object.entries(fixture().makeDivisibleQuarter)) {
      assert.equal(mobilenetV3SEWidth(Number(expanded)), want, `expanded ${expanded}`);
    }
    assert.equal(makeDivisible(18), 24, 'rounding down to 16 would lose more than 10%');
    assert.equal(makeDivisible(3), 8, 'never below the divisor');
    assert.equal(mnasnetSEWidth(40), 10);
    assert.equal(mnasnetSEWidth(2), 1, 'at least one channel');
    const se = SqueezeExcite.mnasnet(240, 40);
    assert.equal(se.reducedChannels, 10);
    assert.equal(se.gate, 'sigmoid');
    se.dispose();
  });

  test('a wrong channel count is a RangeError naming the expected width', () => {
    const se = SqueezeExcite.mobilenetV3(16);
    const x = randn([1, 8, 2, 2]);
    assert.throws(
      () => se.forward(x),
      (e: unknown) => e instanceof RangeError && /16 channels/.test(e.message),
    );
    x.dispose();
    se.dispose();
  });
});

describe('auxiliary heads (DARTS AuxiliaryHeadCIFAR / AuxiliaryHeadImageNet)', () => {
  for (const c of casesOf(['auxhead'])) test(`${c.name} matches PyTorch`, () => checkCase(c));

  test("state-dict names are DARTS' (features.N, classifier), so its checkpoints map by name", () => {
    for (const c of casesOf(['auxhead'])) {
      const { module } = buildModule(c.module.kind, c.module.args);
      assert.deepEqual(Object.keys(module.stateDict()).sort(), Object.keys(c.state).map(nfName).sort(), c.name);
      module.dispose();
    }
  });

  test("parameter counts equal PyTorch's at DARTS' sizes", () => {
    const counts = fixture().auxHeadParams;
    const cifar = new AuxiliaryHeadCIFAR(576, 10);
    const imagenet = new AuxiliaryHeadImageNet(768, 1000);
    assert.equal(cifar.numParameters(), counts.cifar_576);
    assert.equal(imagenet.numParameters(), counts.imagenet_768);
    cifar.dispose();
    imagenet.dispose();
  });

  test('a feature map that does not pool to 1x1 is a RangeError saying which sizes fit', () => {
    const head = new AuxiliaryHeadCIFAR(4, 10);
    const x = randn([1, 4, 16, 16]);
    assert.throws(
      () => head.forward(x),
      (e: unknown) => e instanceof RangeError && /8x8 to 10x10/.test(e.message) && /16x16/.test(e.message),
    );
    x.dispose();
    head.dispose();
  });
});

describe('Module: state dicts, save/load, parameter counts', () => {
  test('save then load into a differently initialised copy reproduces outputs and metadata exactly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nasforge-nn-'));
    try {
      manualSeed(1);
      const a = new AuxiliaryHeadCIFAR(4, 10);
      manualSeed(2);
      const b = new AuxiliaryHeadCIFAR(4, 10);
      a.eval();
      b.eval();
      const x = randn([2, 4, 8, 8]);
      const before = tidy(() => b.forward(x).toArray());
      const path = join(dir, 'head.safetensors');
      a.save(path, { space: 'darts' });
      const meta = b.load(path);
      assert.deepEqual(meta, { space: 'darts' });
      const ya = tidy(() => a.forward(x).toArray());
      const yb = tidy(() => b.forward(x).toArray());
      assert.deepEqual(yb, ya);
      assert.notDeepEqual(before, ya, 'the two seeds gave different weights to begin with');
      for (const [k, t] of Object.entries(a.stateDict())) {
        assert.deepEqual(b.stateDict()[k]!.toArray(), t.toArray(), k);
      }
      x.dispose();
      a.dispose();
      b.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('loadStateDict copies values in place (the same tensors stay registered)', () => {
    const a = new Conv2d(2, 3, 3);
    const b = new Conv2d(2, 3, 3);
    const weight = b.weight;
    b.loadStateDict(a.stateDict());
    assert.equal(b.weight, weight);
    assert.deepEqual(b.weight.toArray(), a.weight.toArray());
    assert.equal(b.weight.requiresGrad, true);
    a.dispose();
    b.dispose();
  });

  test('strict loading names missing and unexpected keys; shapes must match; non-strict copies what is there', () => {
    const bn = new BatchNorm2d(3);
    const conv = new Conv2d(3, 4, 1);
    assert.throws(
      () => bn.loadStateDict(conv.stateDict()),
      (e: unknown) => e instanceof EngineError && /missing \[running_mean, running_var, num_batches_tracked\], unexpected \[\]/.test(e.message),
    );
    const wrong = new Conv2d(3, 5, 1);
    assert.throws(
      () => conv.loadStateDict(wrong.stateDict()),
      (e: unknown) => e instanceof EngineError && /'weight' has shape \[5,3,1,1\]/.test(e.message),
    );
    const before = bn.runningMean!.toArray();
    const w = tensor([1.5, 2.5, 3.5]);
    bn.loadStateDict({ weight: w }, false);
    assert.deepEqual(bn.weight!.toArray(), [1.5, 2.5, 3.5]);
    assert.deepEqual(bn.runningMean!.toArray(), before);
    for (const m of [bn, conv, wrong]) m.dispose();
    w.dispose();
  });

  test('numParameters counts trainable scalars only (grouped conv, BN without affine)', () => {
    const conv = new Conv2d(8, 16, 3, { groups: 4 });
    assert.equal(conv.numParameters(), 16 * 2 * 9 + 16);
    const bn = new BatchNorm2d(8, { affine: false });
    assert.equal(bn.numParameters(), 0);
    assert.equal(Object.keys(bn.stateDict()).length, 3, 'running statistics and the batch counter are buffers');
    conv.dispose();
    bn.dispose();
  });

  test('forward and backward through these layers free every intermediate tensor', () => {
    const cases = casesOf([...BASIC, ...SE, 'auxhead']);
    checkCase(cases[0]!); // first call resolves operators and caches
    const live = undisposedTensors();
    for (const c of cases) checkCase(c);
    // the collector may also free stray handles from earlier tests meanwhile: no growth is the fact
    assert.ok(undisposedTensors() <= live, `live tensors grew from ${live} to ${undisposedTensors()}`);
  });
});

test('every case in nn.json has a nasforge layer', () => {
  for (const c of fixture().cases) {
    const { module } = buildModule(c.module.kind, c.module.args);
    module.dispose();
  }
});
