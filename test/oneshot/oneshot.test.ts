// One-shot (Bender et al.) on the tiny FBNet and ProxylessNAS supernets: a path of the supernet
// is the space's own network, BN recalibration re-estimates a path's statistics, ranking is
// seeded and picks the best scored architecture (random and evolution samplers), and path dropout
// trains (an aborted search resuming to the uninterrupted result: methods.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { BatchNorm2d } from '../../src/nn/index.js';
import { liveTensors, noGrad, setNumThreads, tidy } from '../../src/torch/index.js';
import { Rng } from '../../src/util/index.js';
import { type FBNetGenotype, fbnetSpace } from '../../src/spaces/fbnet/index.js';
import { type AnySearchSpace } from '../../src/spaces/index.js';
import { proxylessSpace } from '../../src/spaces/proxylessnas/index.js';
import { type OneShotResult, layerwiseSupernet, oneshotMethod } from '../../src/oneshot/index.js';
import { recalibrateBatchNorm } from '../../src/oneshot/supernets/layerwise/index.js';
import { searchLoader } from '../../src/oneshot/core/index.js';
import { tempDir, tinyImages } from './oneshot-fixtures.js';

setNumThreads(1);
const train = tinyImages(64, 16, 1);
const val = tinyImages(32, 16, 2);
const dir = tempDir();
test.after(() => dir.remove());

test("oneshot supernet: a path computes exactly the space's network of that genotype", () => {
  for (const space of [fbnetSpace, proxylessSpace] as unknown as AnySearchSpace[]) {
    const stack = { ...space.tiny.stack, classes: 2 };
    const net = layerwiseSupernet(space, stack);
    const g = space.sample(new Rng(4));
    const alone = space.build(g, stack);
    // the same weights by name: copy the path's candidates into the stand-alone network's layers
    const sd = net.stateDict();
    const path = space.toDecisions(g);
    const mapped: Record<string, ReturnType<typeof net.stateDict>[string]> = {};
    for (const [k, t] of Object.entries(sd)) {
      const m = /^layers\.(\d+)\.(\d+)\.(.*)$/.exec(k);
      if (m) {
        if (Number(m[2]) === path[Number(m[1])]) mapped[`features.${m[1]}.${m[3]}`] = t;
        continue;
      }
      const stem = /^stem\.(0|1)\.(.*)$/.exec(k);
      if (space.name === 'proxylessnas' && stem) {
        mapped[`${stem[1] === '0' ? 'stem' : 'first'}.${stem[2]}`] = t;
        continue;
      }
      mapped[k.replace(/^head\./, '')] = t;
    }
    alone.loadStateDict(mapped);
    net.eval();
    alone.eval();
    tidy(() =>
      noGrad(() => {
        const { x } = train.getBatch([0, 1, 2]);
        const a = net.forwardPath(x, path).toArray();
        const b = alone.forward(x).toArray();
        a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-5, `${space.name}: logit ${i} ${v} vs ${b[i]}`));
      }),
    );
  }
});

test("oneshot: BN recalibration sets a path's running mean to the average of its batch means", () => {
  const net = layerwiseSupernet(fbnetSpace, { ...fbnetSpace.tiny.stack, classes: 2 });
  const loader = searchLoader(train, 16, 0);
  const path = net.searchable.map(() => 0);
  recalibrateBatchNorm(net, path, loader, 3);
  const stemBn = [...net.stem.namedModules()].map(([, m]) => m).find((m) => m instanceof BatchNorm2d) as BatchNorm2d;
  const expected = tidy(() =>
    noGrad(() => {
      const means = [0, 1, 2].map((b) => {
        const { x } = loader.batchAt(0, b);
        const conv = (net.stem as unknown as { layers: { forward(t: unknown): { mean(d: number[]): { toArray(): number[] } } }[] }).layers[0]!;
        return conv.forward(x).mean([0, 2, 3]).toArray();
      });
      return means[0]!.map((_, c) => (means[0]![c]! + means[1]![c]! + means[2]![c]!) / 3);
    }),
  );
  const got = stemBn.runningMean!.toArray();
  got.forEach((v, c) => assert.ok(Math.abs(v - expected[c]!) < 1e-5, `channel ${c}: ${v} vs ${expected[c]}`));
  assert.equal(stemBn.momentum, 0.1, 'momentum restored');
});

const OPTIONS = { epochs: 2, batchSize: 16, stepsPerEpoch: 2, samples: 6, bnBatches: 1, evalBatches: 1 };

function run(
  workdir: string,
  options: Record<string, number | string> = {},
  space: AnySearchSpace = fbnetSpace as unknown as AnySearchSpace,
): Promise<OneShotResult> {
  return oneshotMethod.run({ space, stack: space.tiny.stack, train, val, seed: 5, workdir, options: { ...OPTIONS, ...options } });
}

type Ranking = { ranking: { key: string; accuracy: number }[] };

test('oneshot: seeded ranking picks its best-scored architecture, accuracies in percent', async () => {
  const a = await run(join(dir.path, 'a'));
  const b = await run(join(dir.path, 'b'));
  assert.deepEqual(b.details, a.details);
  assert.deepEqual(b.genotype, a.genotype);
  assert.doesNotThrow(() => fbnetSpace.validate(a.genotype));
  const ranking = (a.details as Ranking).ranking;
  assert.ok(ranking.length >= 2);
  assert.equal(ranking[0]!.key, fbnetSpace.key(a.genotype as FBNetGenotype));
  assert.equal(a.metrics.valAccuracy, Math.max(...ranking.map((r) => r.accuracy)));
  assert.ok(
    ranking.every((r) => r.accuracy >= 0 && r.accuracy <= 100),
    'accuracies in percent',
  );
  const epoch0 = (a.details as { history: Record<string, number>[] }).history[0]!;
  assert.equal(epoch0.trainTop1, undefined, 'per-epoch accuracy in percent, as trainAccuracy');
  // 2 steps of 16 of the 64 images: a percentage of 32 is k·3.125 (a fraction k/32 is not, unless 0)
  const k = (epoch0.trainAccuracy! * 32) / 100;
  assert.ok(k >= 0 && k <= 32 && Math.abs(k - Math.round(k)) < 1e-9, `trainAccuracy ${epoch0.trainAccuracy} is a percentage of 32 examples`);
});

test('oneshot: the evolution sampler and path dropout run on proxylessnas and give a valid genotype', async () => {
  const live = liveTensors();
  const r = await run(
    join(dir.path, 'evo'),
    { sampler: 'evolution', populationSize: 3, sampleSize: 2, training: 'path-dropout', epochs: 1 },
    proxylessSpace as unknown as AnySearchSpace,
  );
  assert.doesNotThrow(() => proxylessSpace.validate(r.genotype));
  assert.equal((r.details as { sampler: string }).sampler, 'evolution');
  assert.ok(Number(r.metrics.ranked) >= 2);
  assert.equal(liveTensors(), live, 'the search frees its supernet and every tensor it made');
  await assert.rejects(run(join(dir.path, 'bad'), { sampler: 'evolutoin' }), /oneshot: option 'sampler' is "evolutoin"; allowed: random, evolution/);
});
