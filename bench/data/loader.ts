// Is the data loader a bottleneck? Times a Fashion-MNIST epoch of batching and augmentation
// (random crop with padding 4, horizontal flip, normalise, cutout 8; batch 64) against the
// training steps of the same epoch for a small CNN, and against PyTorch's usual per-sample
// torchvision pipeline (reference.py) in the same run.
//
//   npx tsc -p tsconfig.json && node dist/bench/data/loader.js [--batches 938] [--steps 20] [--json] [--no-reference]
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DataLoader,
  FASHION_MNIST_MEAN,
  FASHION_MNIST_STD,
  compose,
  cutout,
  fashionMnist,
  normalize,
  randomCrop,
  randomHorizontalFlip,
} from '../../src/data/index.js';
import { F, type Tensor, getNumThreads, manualSeed, noGrad, randn, tidy, zeros } from '../../src/torch/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const REFERENCE = resolve(here, '../../../bench/data/reference.py');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} needs a positive integer, got ${process.argv[i + 1]}`);
  return v;
}

function timeLoader(loader: DataLoader, batches: number): number {
  for (let b = 0; b < 20; b++) {
    // warm-up: lazily created engine state, thread pools
    const w = loader.batchAt(1, b);
    w.x.dispose();
    w.y.dispose();
  }
  const t0 = performance.now();
  let n = 0;
  for (const b of loader) {
    b.x.dispose();
    b.y.dispose();
    if (++n === batches) break;
  }
  return performance.now() - t0;
}

/** A small CNN for 28x28 grey images: conv 32, pool, conv 64, pool, linear 10; SGD. Median ms per step. */
function timeTrainSteps(x: Tensor, y: Tensor, steps: number): number {
  manualSeed(0);
  const params = [randn([32, 1, 3, 3]).mul(0.3), zeros([32]), randn([64, 32, 3, 3]).mul(0.06), zeros([64]), randn([10, 64 * 7 * 7]).mul(0.02), zeros([10])].map(
    (p) => p.keep().requiresGrad_(),
  );
  const [w1, b1, w2, b2, w3, b3] = params as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
  const times: number[] = [];
  for (let s = 0; s < steps + 3; s++) {
    const t0 = performance.now();
    tidy(() => {
      const h1 = F.maxPool2d(F.conv2d(x, w1, b1, { padding: 1 }).relu(), 2);
      const h2 = F.maxPool2d(F.conv2d(h1, w2, b2, { padding: 1 }).relu(), 2);
      const loss = F.crossEntropy(F.linear(h2.flatten(1), w3, b3), y);
      loss.backward();
      noGrad(() => {
        for (const p of params) {
          const g = p.grad!;
          p.add_(g, -0.01);
          g.zero_();
        }
      });
    });
    if (s >= 3) times.push(performance.now() - t0);
  }
  for (const p of params) p.dispose();
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

function main(): void {
  const json = process.argv.includes('--json');
  const steps = arg('--steps', 20);
  let t0 = performance.now();
  const ds = fashionMnist({ split: 'train' });
  const loadMs = performance.now() - t0;
  const epochBatches = Math.ceil(ds.length / 64);
  const batches = Math.min(arg('--batches', epochBatches), epochBatches);
  const transform = compose(randomCrop(28, 4), randomHorizontalFlip(), normalize(FASHION_MNIST_MEAN, FASHION_MNIST_STD), cutout(8));
  const plainMs = timeLoader(new DataLoader(ds, { batchSize: 64, seed: 0 }), batches);
  const augMs = timeLoader(new DataLoader(ds, { batchSize: 64, seed: 0, transform }), batches);
  const b = new DataLoader(ds, { batchSize: 64, seed: 0, transform }).batchAt(0, 0);
  const stepMs = timeTrainSteps(b.x, b.y, steps);
  t0 = performance.now();
  let reference: { load_ms: number; epoch_ms: number; batches: number; ms_per_batch: number } | null = null;
  if (!process.argv.includes('--no-reference')) {
    const r = spawnSync('/usr/bin/python3', [REFERENCE, String(batches), String(getNumThreads())], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`reference.py failed: ${r.stderr}`);
    reference = JSON.parse(r.stdout.trim().split('\n').pop()!);
  }
  const perBatch = { plain: plainMs / batches, augmented: augMs / batches, trainStep: stepMs };
  const result = {
    machine: { threads: getNumThreads(), loadavg1: loadavg()[0], ompWaitPolicy: process.env.OMP_WAIT_POLICY ?? null },
    loadMs,
    batches,
    msPerBatch: perBatch,
    epochMs: { loader: perBatch.augmented * epochBatches, training: stepMs * epochBatches },
    loaderShareOfTraining: perBatch.augmented / stepMs,
    pytorchReference: reference,
  };
  if (json) {
    console.log(JSON.stringify(result));
    return;
  }
  const f = (v: number): string => v.toFixed(2);
  console.log(
    `Fashion-MNIST, batch 64, ${batches} batches timed, ${result.machine.threads} threads, load average ${result.machine.loadavg1.toFixed(1)}, OMP_WAIT_POLICY=${result.machine.ompWaitPolicy ?? '(unset)'}`,
  );
  console.log(`  load (gunzip + parse)         ${loadMs.toFixed(0)} ms`);
  console.log(`  batch, no augmentation        ${f(perBatch.plain)} ms/batch`);
  console.log(`  batch + crop/flip/norm/cutout ${f(perBatch.augmented)} ms/batch  (epoch ${(result.epochMs.loader / 1000).toFixed(1)} s)`);
  console.log(`  training step (small CNN)     ${f(stepMs)} ms/step   (epoch ${(result.epochMs.training / 1000).toFixed(1)} s)`);
  console.log(`  loader / training             ${(100 * result.loaderShareOfTraining).toFixed(1)} %`);
  if (reference)
    console.log(
      `  PyTorch torchvision pipeline  ${f(reference.ms_per_batch)} ms/batch  (epoch ${((reference.ms_per_batch * epochBatches) / 1000).toFixed(1)} s)`,
    );
}

main();
