// FBNet (DNAS) on a tiny supernet: the loss's gradient in θ matches finite differences, the
// latency term pushes θ away from a slow block, runs are seeded, θ moves and the derived genotype
// is valid (a search aborted after one epoch resuming exactly: methods.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { F, grad, noGrad, setNumThreads, tensor, tidy } from '../../src/torch/index.js';
import { type LatencyTable, measureLatencyTable, saveLatencyTable } from '../../src/estimate/index.js';
import { fbnetSpace } from '../../src/spaces/fbnet/index.js';
import { getSpace } from '../../src/spaces/index.js';
import { type OneShotResult, OneShotError, fbnetMethod, layerwiseSupernet } from '../../src/oneshot/index.js';
import { fbnetLoss } from '../../src/oneshot/methods/fbnet.js';
import { supernetLatencyParts } from '../../src/oneshot/supernets/layerwise/index.js';
import { tempDir, tinyImages } from './oneshot-fixtures.js';

setNumThreads(1);
const stack = fbnetSpace.tiny.stack;
const train = tinyImages(64, 16, 1);
const val = tinyImages(32, 16, 2);
const dir = tempDir();
// one table for every run, so that runs differ only by what the test changes
const tablePath = join(dir.path, 'table.json');
const table: LatencyTable = measureLatencyTable(supernetLatencyParts(layerwiseSupernet(fbnetSpace, { ...stack, classes: 2 }), 16), { warmup: 1, repeats: 2 });
saveLatencyTable(tablePath, table);

const OPTIONS = { epochs: 2, batchSize: 16, stepsPerEpoch: 2, latencyTable: tablePath, thetaLr: 0.05 };

function run(workdir: string, options: Record<string, number | string> = {}): Promise<OneShotResult> {
  return fbnetMethod.run({ space: fbnetSpace, stack, train, val, seed: 7, workdir, options: { ...OPTIONS, ...options } });
}

test.after(() => dir.remove());

test('fbnet: d/dθ of CE·α·log(LAT)^β matches central finite differences', () => {
  tidy(() => {
    const theta = tensor([0.3, -0.2, 0.1]).requiresGrad_();
    const lat = tensor([400, 900, 1500]);
    const logits = tensor([
      [1.0, -0.5],
      [0.2, 0.4],
    ]).requiresGrad_();
    const y = tensor([0, 1], [2], { dtype: 'int64' });
    const loss = (t: typeof theta) => {
      const w = t.softmax(0);
      const ce = F.crossEntropy(logits.mul(w.select(0, 0).add(1)), y); // CE depends on θ too
      return fbnetLoss(ce, w.mul(lat).sum(), 0.2, 0.6);
    };
    const [g] = grad(loss(theta), [theta]);
    const eps = 1e-3;
    const base = theta.toArray();
    base.forEach((_, i) => {
      const at = (d: number) => noGrad(() => loss(tensor(base.map((v, j) => (j === i ? v + d : v)))).item());
      const fd = (at(eps) - at(-eps)) / (2 * eps);
      assert.ok(Math.abs(fd - g!.toArray()[i]!) < 1e-4, `θ${i}: autograd ${g!.toArray()[i]} vs finite difference ${fd}`);
    });
  });
});

test('fbnet: a slow block loses probability in every layer (the latency gradient points away from it)', async () => {
  // k5_e6 is made very slow at one layer
  const L = 5;
  const slow: LatencyTable = { ...table, layers: table.layers.map((l, i) => (i === L ? { ...l, ms: { ...l.ms, k5_e6: 1e5 } } : l)) };
  const p = join(dir.path, 'slow.json');
  saveLatencyTable(p, slow);
  // the same seed, data and noise: the two runs differ only in the table
  const o = { epochs: 1, lr: 0, temperature: 0.5 };
  const base = await run(join(dir.path, 'base'), o);
  const r = await run(join(dir.path, 'slow'), { ...o, latencyTable: p });
  const probs = (x: OneShotResult) => (x.details as { probabilities: number[][] }).probabilities;
  const k = fbnetSpace.decisions()[0]!.choices.indexOf('k5_e6');
  const [pb, ps] = [probs(base)[L]!, probs(r)[L]!];
  assert.ok(ps[k]! < pb[k]!, `layer ${L}: p(k5_e6) = ${ps[k]} with the slow table should be below ${pb[k]}`);
});

test('fbnet: seeded, θ moves, and the derivation is valid', async () => {
  const a = await run(join(dir.path, 'a'));
  const b = await run(join(dir.path, 'b'));
  assert.deepEqual(b.details, a.details, 'same seed, same search');
  assert.doesNotThrow(() => fbnetSpace.validate(a.genotype));
  assert.equal(a.metrics.epochs, 2);
  const theta = (a.details as { theta: number[][] }).theta;
  assert.ok(
    theta.some((t) => t.some((v) => v !== 0)),
    'θ moved',
  );
});

test('fbnet: unknown options and spaces without a layer-wise supernet are refused with help', async () => {
  await assert.rejects(
    run(join(dir.path, 'x'), { epoch: 3 }),
    (e: Error) => e instanceof OneShotError && /fbnet: option 'epoch' is not an option of fbnet\. Did you mean 'epochs'\?/.test(e.message),
  );
  await assert.rejects(
    fbnetMethod.run({ space: getSpace('darts'), stack: {}, train, val, seed: 0, workdir: join(dir.path, 'y'), options: {} }),
    (e: Error) => e instanceof OneShotError && /fbnet, proxylessnas/.test(e.message),
  );
});
