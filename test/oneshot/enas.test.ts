// ENAS on tiny supernets of both ENAS spaces: a child trains only its own ops' shared weights,
// the search is seeded, the derived genotype is valid in the space and is the best scored, and
// the method refuses spaces it has no supernet for (a killed search resuming: methods.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { F, setNumThreads, tidy, undisposedTensors } from '../../src/torch/index.js';
import { type AnySearchSpace, SPACES } from '../../src/spaces/index.js';
import { Rng } from '../../src/util/index.js';
import { ONESHOT_METHODS, OneShotError, enasMethod, enasSupernet, type OneShotResult } from '../../src/oneshot/index.js';
import { type EnasMicroSupernet } from '../../src/oneshot/supernets/enas/index.js';
import { tempDir, tinyImages } from './oneshot-fixtures.js';

setNumThreads(1);
const train = tinyImages(64, 8, 1);
const val = tinyImages(32, 8, 2);
const dir = tempDir('nasforge-enas-');
test.after(() => dir.remove());

const micro = SPACES.find((s) => s.name === 'enas-micro')!;
const macro = SPACES.find((s) => s.name === 'enas-macro')!;
const TINY = {
  epochs: 2,
  batchSize: 16,
  stepsPerEpoch: 2,
  controllerSteps: 2,
  controllerBatch: 2,
  derivedSamples: 3,
  hidden: 16,
  controllerLr: 0.05,
};

function search(space: AnySearchSpace, workdir: string): Promise<OneShotResult> {
  return enasMethod.run({ space, stack: { channels: 4, cellsPerStage: 1 } as never, train, val, options: TINY, seed: 7, workdir });
}

test('enas is registered among the one-shot methods, for both ENAS spaces', () => {
  assert.ok(ONESHOT_METHODS.includes(enasMethod));
  assert.deepEqual([...enasMethod.spaces], ['enas-micro', 'enas-macro']);
});

test('enas supernet: a child trains only the shared weights of the ops it picks', () => {
  const net = enasSupernet(micro, { channels: 4, classes: 2, inChannels: 3, cellsPerStage: 1 }) as EnasMicroSupernet;
  // every node: inputs 0 and 1, op 0 (sep conv 3x3) in both branches
  const child = Array.from({ length: 20 }, (_, i) => [0, 0, 1, 0][i % 4]!);
  tidy(() => {
    const { x, y } = train.getBatch([0, 1, 2, 3]);
    F.crossEntropy(net.forward(x, [...child, ...child]), y).backward();
  });
  const grads = [...net.namedParameters()];
  const sep3 = grads.filter(([n]) => /branches\.\d+\.sep3\./.test(n));
  const sep5 = grads.filter(([n]) => /branches\.\d+\.sep5\./.test(n));
  assert.ok(sep3.length > 0 && sep3.every(([, p]) => p.grad !== null), 'the picked sep 3x3 weights get gradients');
  assert.ok(sep5.length > 0 && sep5.every(([, p]) => p.grad === null), 'the unpicked sep 5x5 weights get none');
  net.dispose();
});

test('enas macro supernet runs any child of the space', () => {
  const before = undisposedTensors();
  const net = enasSupernet(macro, { channels: 4, classes: 2, inChannels: 3, cellsPerStage: 1 });
  const rng = new Rng(3);
  for (let i = 0; i < 3; i++) {
    tidy(() => {
      const { x } = train.getBatch([0, 1]);
      assert.deepEqual(net.forward(x, macro.toDecisions(macro.sample(rng))).shape, [2, 2]);
    });
  }
  net.dispose();
  assert.equal(undisposedTensors(), before);
});

for (const space of [micro, macro]) {
  test(`enas on ${space.name}: seeded, frees its tensors, derives the best-scored valid genotype`, async () => {
    const before = undisposedTensors();
    const a = await search(space, join(dir.path, `${space.name}-a`));
    assert.equal(undisposedTensors(), before, 'the search frees its supernet, optimiser and controller');
    assert.deepEqual(space.validate(JSON.parse(JSON.stringify(a.genotype))), a.genotype);
    assert.equal(a.metrics.epochs, 2);
    assert.ok(a.metrics.valAccuracy! >= 0 && a.metrics.valAccuracy! <= 100, "the derived child's accuracy, in percent");
    assert.equal(a.metrics.valAccuracy, (a.details as { derived: { accuracy: number }[] }).derived[0]!.accuracy);
    const history = (a.details as { history: { controllerReward: number }[] }).history;
    assert.equal(history.length, 2);
    const b = await search(space, join(dir.path, `${space.name}-b`));
    assert.deepEqual(b.genotype, a.genotype, 'the same seed gives the same search');
    assert.deepEqual(b.details, a.details);
  });
}

test('enas refuses a space without an ENAS supernet and unknown options', async () => {
  const other = SPACES.find((s) => !s.name.startsWith('enas'))!;
  await assert.rejects(search(other, join(dir.path, 'other')), (e: unknown) => e instanceof OneShotError && e.code === 'unsupported-space');
  await assert.rejects(
    enasMethod.run({ space: micro, stack: {}, train, val, options: { epoch: 1 }, seed: 1, workdir: join(dir.path, 'x') }),
    (e: unknown) => e instanceof OneShotError && e.code === 'invalid-option' && /epochs/.test(e.message),
  );
});
