// Peak memory of one supernet step, each in a fresh process (RSS high-water mark from
// getrusage), on the same layer-wise supernet and batch:
// - 'path': a stand-alone training step of one path, every layer at its largest candidate
//   (the most one candidate network needs: the reference);
// - 'proxyless': one ProxylessNAS weight step (one sampled path) then one architecture step
//   (two paths per layer, one active with a graph, one without);
// - 'allpaths': one DARTS-like step of the same supernet, every candidate active with its
//   activations kept (softmax(α)-weighted sum), backward to weights and α.
// The baseline (RSS after building the supernet, before the step) is reported too, so the
// step's own share is peak − baseline.
//
//   node dist/bench/oneshot/proxyless-memory.js [--space proxylessnas] [--size 96] [--batch 32] [--threads 2]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getSpace } from '../../src/spaces/index.js';
import { Rng } from '../../src/util/index.js';
import { SGD, Adam } from '../../src/optim/index.js';
import { F, manualSeed, randint, randn, setNumThreads, tensor, tidy } from '../../src/torch/index.js';
import { layerwiseSupernet } from '../../src/oneshot/index.js';
import { weightedMixer } from '../../src/oneshot/supernets/layerwise/index.js';
import { archParameters } from '../../src/oneshot/core/index.js';
import { binarizedWeightStep, binaryGateArchStep } from '../../src/oneshot/methods/proxylessnas.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const spaceName = arg('space', 'proxylessnas');
const size = Number(arg('size', '96'));
const batch = Number(arg('batch', '32'));
const threads = Number(arg('threads', '2'));
const mode = arg('mode', '');
const mb = (kb: number): number => Math.round(kb / 1024);

function child(): void {
  setNumThreads(threads);
  manualSeed(0);
  const space = getSpace(spaceName);
  const net = layerwiseSupernet(space, {});
  const x = randn([batch, 3, size, size]);
  const y = randint(0, 10, [batch]);
  const alphas = archParameters(net, 1e-3);
  const wOpt = new SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  const aOpt = new Adam(alphas, { lr: 1e-3, betas: [0, 0.999] });
  const baseline = process.resourceUsage().maxRSS;
  const t0 = Date.now();
  net.train();
  if (mode === 'path') {
    // the largest candidate of each layer: most parameters, so most activations
    const path = net.searchable.map((c) => c.candidates.map((m) => m.numParameters()).reduce((b, v, i, a) => (v > a[b]! ? i : b), 0));
    binarizedWeightStep(net, path, x, y, wOpt, 0);
  } else if (mode === 'proxyless') {
    const rng = new Rng(0);
    const path = net.searchable.map((c) => rng.int(c.candidates.length));
    binarizedWeightStep(net, path, x, y, wOpt, 0);
    const vectors = net.searchable.map((c) => tensor(c.candidates.map(() => 1)));
    binaryGateArchStep(net, alphas, x, y, rng, aOpt, { kind: 'add', vectors, fixedMs: 1, refMs: 10, lambda: 0.05, mulAlpha: 0.2, mulBeta: 0.3 });
  } else if (mode === 'allpaths') {
    tidy(() => {
      const w = alphas.map((a) => a.softmax(0));
      const loss = F.crossEntropy(net.forward(x, weightedMixer(w)), y);
      loss.backward();
      wOpt.step();
      aOpt.step();
    });
  } else {
    throw new Error(`unknown mode '${mode}': path, proxyless or allpaths`);
  }
  const peak = process.resourceUsage().maxRSS;
  console.log(JSON.stringify({ mode, baselineMB: mb(baseline), peakMB: mb(peak), stepMB: mb(peak - baseline), seconds: (Date.now() - t0) / 1000 }));
}

function parent(): void {
  const self = fileURLToPath(import.meta.url);
  const rows = ['path', 'proxyless', 'allpaths'].map((m) => {
    const r = spawnSync(
      process.execPath,
      [self, '--mode', m, '--space', spaceName, '--size', String(size), '--batch', String(batch), '--threads', String(threads)],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`${m} failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { mode: string; baselineMB: number; peakMB: number; stepMB: number; seconds: number };
  });
  console.log(`${spaceName} supernet (default stack), batch ${batch} of ${size}x${size}, ${threads} threads; each step in a fresh process`);
  console.log('| step | baseline RSS (MB) | peak RSS (MB) | peak − baseline (MB) | seconds |\n| --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.mode} | ${r.baselineMB} | ${r.peakMB} | ${r.stepMB} | ${r.seconds.toFixed(1)} |`);
}

if (mode) child();
else parent();
