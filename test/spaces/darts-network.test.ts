// The DARTS CIFAR network: shapes, gradients, the published parameter count, and logits equal
// to our PyTorch port's (test/fixtures/spaces.json) under the same weights.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { F, undisposedTensors, manualSeed, randint, randn, setNumThreads, tidy } from '../../src/torch/index.js';
import { AMOEBANET, DARTS_V1, DARTS_V2, DartsNetwork, NASNET, type DartsGenotype } from '../../src/spaces/darts/index.js';
import { fillParams, maxAbsDiff, sinInput } from './fill.js';

// Batches of two gain nothing from a second thread, and on a loaded 2-core machine OpenMP's
// barriers made this file 10x slower with two.
setNumThreads(1);

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/spaces.json', import.meta.url), 'utf8')) as Record<
  string,
  { logits: number[]; aux?: number[]; params: number }
>;

// DARTS V2 at 20 cells, 36 channels, 10 classes. The released code's train.py logs
// "param size = 3.349342MB" with the auxiliary head on, because its count_parameters_in_MB skips
// parameters named "auxiliary"; our PyTorch port (bench/engine/reference.py --params) prints
// 3349342 without the head and 3825768 with it.
const V2_PARAMS_WITHOUT_AUX = 3349342;
const V2_PARAMS_WITH_AUX = 3825768;

test('DARTS V2 at 20 cells and 36 channels has the published 3.3M parameters', () => {
  const net = new DartsNetwork(DARTS_V2, { cells: 20, channels: 36, classes: 10, auxiliary: true });
  const aux = [...net.namedParameters()].filter(([n]) => n.startsWith('auxiliary_head.')).reduce((s, [, p]) => s + p.numel, 0);
  assert.equal(net.numParameters(), V2_PARAMS_WITH_AUX);
  assert.equal(net.numParameters() - aux, V2_PARAMS_WITHOUT_AUX);
  net.dispose();
});

test('a small DARTS V2 network trains: logits, auxiliary logits and gradients', () => {
  manualSeed(1);
  const net = new DartsNetwork(DARTS_V2, { cells: 5, channels: 8, classes: 10, auxiliary: true, dropPath: 0.2 });
  const before = undisposedTensors();
  tidy(() => {
    const x = randn([2, 3, 32, 32]);
    const y = randint(0, 10, [2]);
    const { logits, aux } = net.forwardWithAux(x);
    assert.deepEqual(logits.shape, [2, 10]);
    assert.ok(aux !== null);
    assert.deepEqual(aux.shape, [2, 10]);
    const loss = F.crossEntropy(logits, y).add(F.crossEntropy(aux, y).mul(0.4));
    loss.backward();
  });
  // every parameter got a gradient, the auxiliary head's included
  for (const [name, p] of net.namedParameters()) {
    const g = p.grad;
    assert.ok(g !== null, `${name} has no gradient`);
    assert.deepEqual(g.shape, p.shape);
    g.dispose();
  }
  net.zeroGrad();
  assert.equal(undisposedTensors(), before, 'the forward and backward pass left tensors alive');
  net.eval();
  tidy(() => {
    const { logits, aux } = net.forwardWithAux(randn([3, 3, 32, 32]));
    assert.deepEqual(logits.shape, [3, 10]);
    assert.equal(aux, null, 'no auxiliary logits in eval mode');
  });
  net.dispose();
});

test('the DARTS network equals our PyTorch port of NetworkCIFAR number for number', () => {
  const want = fixture.darts_v2_5x8!;
  const net = new DartsNetwork(DARTS_V2, { cells: 5, channels: 8, classes: 10, auxiliary: true, dropPath: 0 });
  assert.equal(net.numParameters(), want.params);
  fillParams(net);
  tidy(() => {
    const { logits, aux } = net.forwardWithAux(sinInput(2));
    const d = maxAbsDiff(logits.toArray(), want.logits);
    assert.ok(d < 1e-4, `logits differ from PyTorch's by ${d}`);
    // the head's batch norm over 2 samples of 1x1 maps amplifies float32 rounding: compare relatively
    const scale = Math.max(...want.aux!.map(Math.abs));
    const da = maxAbsDiff(aux!.toArray(), want.aux!) / scale;
    assert.ok(da < 1e-3, `auxiliary logits differ from PyTorch's by ${da} of their scale ${scale}`);
  });
  net.dispose();
});

test('every published genotype builds and runs (reduction cells halve the resolution)', () => {
  for (const [name, g] of Object.entries({ DARTS_V1, DARTS_V2, NASNET, AMOEBANET })) {
    const net = new DartsNetwork(g, { cells: 3, channels: 4, classes: 7 });
    net.eval();
    tidy(() => assert.deepEqual(net.forward(randn([1, 3, 16, 16])).shape, [1, 7], name));
    net.dispose();
  }
});

test('a malformed genotype or stack is refused with the reason', () => {
  const bad = (g: unknown, re: RegExp): void => {
    assert.throws(() => new DartsNetwork(g as DartsGenotype, { cells: 3, channels: 4, classes: 2 }), re);
  };
  bad({ ...DARTS_V2, normal: DARTS_V2.normal.slice(0, 3) }, /two \(op, input\) pairs/);
  bad({ ...DARTS_V2, normal: [['sep_conv_9x9', 0], ...DARTS_V2.normal.slice(1)] }, /unknown operation 'sep_conv_9x9'/);
  bad({ ...DARTS_V2, reduce: [['max_pool_3x3', 2], ...DARTS_V2.reduce.slice(1)] }, /input 2 must be an integer in \[0, 1\]/);
  bad({ ...DARTS_V2, normal_concat: [2, 6] }, /normal_concat: 6 is not a state/);
  assert.throws(() => new DartsNetwork(DARTS_V2, { cells: 2, channels: 4, classes: 2 }), /cells must be at least 3/);
  assert.throws(() => new DartsNetwork(DARTS_V2, { cells: 8, channels: 4, classes: 2, dropPath: 1 }), /dropPath must be in \[0, 1\)/);
});
