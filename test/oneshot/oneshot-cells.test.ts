// One-shot (Bender et al.) on cell spaces: a darts genotype run through the cell supernet
// computes only its own ops (the others get no gradient), path dropout keeps at least one path
// per node at r^(1/K) and scales to a child's two paths, ranking recalibrates BN for each child,
// searches are seeded and derive valid genotypes, and the ENAS spaces run by uniform child
// sampling (an aborted search resuming to the uninterrupted result: methods.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { BatchNorm2d } from '../../src/nn/index.js';
import { F, liveTensors, noGrad, scalar, setNumThreads, tidy } from '../../src/torch/index.js';
import { Rng } from '../../src/util/index.js';
import { type AnySearchSpace, SPACES } from '../../src/spaces/index.js';
import { type DartsGenotype, dartsSpace } from '../../src/spaces/darts/index.js';
import { type OneShotContext, type OneShotResult, OneShotError, getOneShotMethod, oneshotMethod, resolveOneShotOptions } from '../../src/oneshot/index.js';
import { oneshotOptions, rankArchitectures } from '../../src/oneshot/methods/oneshot.js';
import { oneshotSupernet } from '../../src/oneshot/supernets/index.js';
import { pathDropoutEdgeWeights } from '../../src/oneshot/supernets/cell/index.js';
import { childAccuracy, recalibrateChildBatchNorm, searchLoader } from '../../src/oneshot/core/index.js';
import { tinySupernet } from './darts-tiny.js';
import { tempDir, tinyImages } from './oneshot-fixtures.js';

setNumThreads(1);
const train = tinyImages(64, 8, 1);
const val = tinyImages(32, 8, 2);
const dir = tempDir('nasforge-oneshot-cells-');
test.after(() => dir.remove());
const darts = dartsSpace as unknown as AnySearchSpace;
const OPTIONS = { epochs: 2, batchSize: 16, stepsPerEpoch: 2, samples: 4, bnBatches: 1, evalBatches: 1 };

function context(space: AnySearchSpace, workdir: string, options: Record<string, number | string> = {}): OneShotContext {
  const stack = space === darts ? { cells: 3, channels: 4 } : ({ channels: 4, cellsPerStage: 1 } as never);
  return { space, stack, train, val, seed: 5, workdir, options: { ...OPTIONS, ...options } };
}

function run(workdir: string, options: Record<string, number | string> = {}, space = darts): Promise<OneShotResult> {
  return oneshotMethod.run(context(space, workdir, options));
}

/** The (edge, primitive) pairs a darts cell runs: edge = first edge of the node + input. */
function chosen(edges: DartsGenotype['normal'], primitives: readonly string[]): Set<string> {
  const out = new Set<string>();
  let start = 0;
  for (let i = 0; i < 4; i++) {
    for (const [op, input] of edges.slice(2 * i, 2 * i + 2)) out.add(`${start + input}.${primitives.indexOf(op)}`);
    start += i + 2;
  }
  return out;
}

test('cell supernet: a darts genotype trains only its own ops; the others get no gradient', () => {
  const net = tinySupernet(3);
  const g = dartsSpace.sample(new Rng(11));
  tidy(() => {
    const { x, y } = train.getBatch([0, 1, 2, 3]);
    F.crossEntropy(net.forwardGenotype(x, g), y).backward();
  });
  const primitives = net.config.primitives;
  const keep = { normal: chosen(g.normal, primitives), reduce: chosen(g.reduce, primitives) };
  let [trained, untouched] = [0, 0];
  for (const [name, p] of net.namedParameters()) {
    const m = /^cells\.(\d+)\._ops\.(\d+)\._ops\.(\d+)\./.exec(name);
    if (!m) continue;
    const cell = net.cells.items[Number(m[1])]!;
    const picked = (cell.reduction ? keep.reduce : keep.normal).has(`${m[2]}.${m[3]}`);
    if (picked) {
      assert.ok(p.grad !== null, `${name} belongs to the child and gets a gradient`);
      trained++;
    } else {
      assert.equal(p.grad, null, `${name} is not in the child and gets no gradient`);
      untouched++;
    }
  }
  assert.ok(trained > 0 && untouched > trained, `${trained} child weights, ${untouched} others`);
  net.dispose();
});

test("cell path dropout: r^(1/K) per path, at least one kept per node, kept paths scaled to a child's two", () => {
  const net = tinySupernet(3);
  const cell = net.cells.items[0]!;
  tidy(() => {
    const w = (v: number) => scalar(v);
    // rate 0: every computed op of every edge (7 per edge, 'none' never), each weighted 2/K
    const all = pathDropoutEdgeWeights(cell, 0, new Rng(1), w);
    let start = 0;
    for (let i = 0; i < 4; i++) {
      const k = 7 * (i + 2);
      for (let e = start; e < start + i + 2; e++) {
        assert.equal(all[e]!.length, 7);
        for (const { weight } of all[e]!) assert.ok(Math.abs(weight.item() - 2 / k) < 1e-7);
      }
      start += i + 2;
    }
    // rate 0.5: node 3 (K = 35) drops each path with probability 0.5^(1/35); never all
    let [kept, draws] = [0, 300];
    const rng = new Rng(2);
    for (let d = 0; d < draws; d++) {
      const ws = pathDropoutEdgeWeights(cell, 0.5, rng, w);
      for (let n = 0, s = 0; n < 4; s += n + 2, n++) {
        const paths = ws.slice(s, s + n + 2).flat();
        assert.ok(paths.length >= 1, 'a node keeps at least one path');
        assert.ok(Math.abs(paths[0]!.weight.item() - 2 / paths.length) < 1e-6);
        if (n === 3) kept += paths.length;
      }
    }
    // 35·(1 − 0.5^(1/35)) kept on average, plus the forced one when all 35 drop (probability 0.5)
    const expected = 35 * (1 - 0.5 ** (1 / 35)) + 0.5;
    assert.ok(Math.abs(kept / draws - expected) < 0.2, `kept ${kept / draws} paths per draw, expected about ${expected.toFixed(3)}`);
  });
  net.dispose();
});

test("ranking recalibrates each child's BN statistics before scoring it", () => {
  const ctx = context(darts, join(dir.path, 'rank'));
  const o = oneshotOptions({ ...OPTIONS, samples: 1, bnBatches: 2 });
  const sn = oneshotSupernet(ctx, 'single-path');
  const trainLoader = searchLoader(train, o.batchSize, ctx.seed);
  const valLoader = searchLoader(val, o.batchSize, ctx.seed + 1, false);
  const bns = [...sn.module.namedModules()].map(([, m]) => m).filter((m): m is BatchNorm2d => m instanceof BatchNorm2d && m.runningMean !== null);
  noGrad(() => {
    for (const bn of bns) bn.runningMean!.fill_(100);
  });
  const [best] = rankArchitectures(sn, ctx, o, trainLoader, valLoader);
  const after = bns.map((bn) => bn.runningMean!.toArray());
  assert.ok(
    after.every((v) => v.every((m) => m !== 100)),
    "every BN (the child's and the unused ops') was reset and re-estimated",
  );
  // the same recalibration by hand gives the same statistics and the same score
  noGrad(() => {
    for (const bn of bns) bn.runningMean!.fill_(100);
  });
  const child = sn.child(best!.genotype);
  recalibrateChildBatchNorm(sn.module, sn.inChannels, child, trainLoader, 2);
  bns.forEach((bn, i) => assert.deepEqual(bn.runningMean!.toArray(), after[i]));
  assert.equal(childAccuracy(sn.module, sn.inChannels, child, valLoader, o.evalBatches), best!.accuracy, 'scored with those statistics');
  const stem = bns[0]!.runningMean!.toArray();
  const other = sn.child(dartsSpace.sample(new Rng(99)) as never);
  recalibrateChildBatchNorm(sn.module, sn.inChannels, other, trainLoader, 2);
  assert.deepEqual(bns[0]!.runningMean!.toArray(), stem, 'the stem sees the same batches whatever the child');
  assert.notDeepEqual(
    bns.map((bn) => bn.runningMean!.toArray()),
    after,
    'another child has other statistics',
  );
  sn.module.dispose();
});

type Ranking = { ranking: { key: string; accuracy: number }[]; training: string };

test('oneshot on darts: seeded, frees its tensors, derives its best-ranked valid genotype', async () => {
  const live = liveTensors();
  const a = await run(join(dir.path, 'a'));
  assert.equal(liveTensors(), live, 'the search frees its supernet and every tensor it made');
  const b = await run(join(dir.path, 'b'));
  assert.deepEqual(b.genotype, a.genotype, 'the same seed gives the same genotype');
  assert.deepEqual(b.details, a.details);
  assert.deepEqual(dartsSpace.validate(JSON.parse(JSON.stringify(a.genotype))), a.genotype);
  const ranking = (a.details as Ranking).ranking;
  assert.ok(ranking.length >= 2);
  assert.equal(ranking[0]!.key, dartsSpace.key(a.genotype as DartsGenotype));
  assert.equal(a.metrics.valAccuracy, Math.max(...ranking.map((r) => r.accuracy)));
});

test('oneshot on darts with path dropout and the evolution sampler gives a valid genotype', async () => {
  const live = liveTensors();
  const r = await run(join(dir.path, 'drop'), { training: 'path-dropout', sampler: 'evolution', populationSize: 3, sampleSize: 2, epochs: 1 });
  assert.equal(liveTensors(), live);
  assert.doesNotThrow(() => dartsSpace.validate(r.genotype));
  assert.equal((r.details as Ranking).training, 'path-dropout');
  const history = (r.details as { history: { trainLoss: number }[] }).history;
  assert.ok(Number.isFinite(history[0]!.trainLoss));
});

test('oneshot on the ENAS spaces: uniform child sampling, seeded, valid genotypes; no path dropout there', async () => {
  for (const name of ['enas-micro', 'enas-macro']) {
    const space = SPACES.find((s) => s.name === name)!;
    const a = await run(join(dir.path, `${name}-a`), { epochs: 1, samples: 3 }, space);
    const b = await run(join(dir.path, `${name}-b`), { epochs: 1, samples: 3 }, space);
    assert.deepEqual(b.genotype, a.genotype);
    assert.doesNotThrow(() => space.validate(JSON.parse(JSON.stringify(a.genotype))));
    await assert.rejects(
      run(join(dir.path, `${name}-x`), { training: 'path-dropout' }, space),
      (e: unknown) => e instanceof OneShotError && e.code === 'invalid-option' && /single-path/.test(e.message),
    );
  }
});

test('oneshot lists the cell and ENAS spaces, and the search config accepts them', () => {
  for (const s of ['fbnet', 'proxylessnas', 'darts', 'enas-micro', 'enas-macro']) assert.ok(oneshotMethod.spaces.includes(s), s);
  const fail = (field: string, detail: string) => new Error(`${field}: ${detail}`);
  const method = getOneShotMethod('oneshot');
  assert.equal(method, oneshotMethod);
  assert.equal(resolveOneShotOptions(method, 'darts', { epochs: 1, training: 'path-dropout' }, fail).training, 'path-dropout');
  assert.throws(() => resolveOneShotOptions(method, 'nasnet', {}, fail), /builds supernets of the spaces .*darts/);
});
