// nasforge's side of the one-shot benchmark: one search step of DARTS (first or second order)
// or GDAS on random CIFAR-shaped data, in its own process so that its peak RSS is its own.
//
//   node dist/bench/oneshot/worker.js --method darts1|darts2|gdas --cells 8 --channels 16 \
//        --batch 64 --warmup 1 --steps 2 --threads 2
//   node dist/bench/oneshot/worker.js --ceiling --threads 2
// prints one JSON line: {"times_ms": [...], "hwm_mb": N} (or {"gflops": N} for --ceiling)
import { readFileSync } from 'node:fs';
import { DARTS_PRIMITIVES } from '../../src/nn/index.js';
import { Adam, SGD } from '../../src/optim/index.js';
import { CellSupernet } from '../../src/oneshot/index.js';
import { applyArchGrads, firstOrderArchGrad, secondOrderArchGrad, weightStep } from '../../src/oneshot/methods/darts.js';
import { gdasStep } from '../../src/oneshot/methods/gdas.js';
import { F, dispose, manualSeed, noGrad, randint, randn, setNumThreads, tidy, backward, callAten, type Tensor } from '../../src/torch/index.js';
import { parseArgs } from './args.js';

function hwmMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** fp32 conv forward + backward GFLOP/s of a large 3x3 conv (64 → 64 channels, 64 × 32 × 32), channels-last. */
function ceiling(): number {
  const cl = (t: Tensor): Tensor => callAten('contiguous', t, { memory_format: 'channels_last' }) as Tensor;
  const x = tidy(() =>
    cl(randn([64, 64, 32, 32]))
      .keep()
      .requiresGrad_(),
  );
  const w = tidy(() =>
    cl(randn([64, 64, 3, 3]))
      .keep()
      .requiresGrad_(),
  );
  const flops = 3 * 2 * 64 * 64 * 64 * 9 * 32 * 32;
  const once = (): void =>
    tidy(() => {
      const y = F.conv2d(x, w, null, { padding: 1 });
      backward([y.sum()], undefined, { inputs: [x, w] });
      x.grad = null;
      w.grad = null;
    });
  once();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    once();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  return flops / times[2]! / 1e9;
}

function main(): void {
  const a = parseArgs(process.argv.slice(2));
  setNumThreads(a.threads);
  if (a.ceiling) {
    console.log(JSON.stringify({ gflops: ceiling() }));
    return;
  }
  manualSeed(0);
  const gdas = a.method === 'gdas';
  const model = new CellSupernet({
    cells: a.cells,
    channels: a.channels,
    classes: 10,
    inputChannels: 3,
    nodes: 4,
    primitives: DARTS_PRIMITIVES,
    poolBN: !gdas,
    lastAct: gdas,
  });
  const wOpt = gdas
    ? new SGD(model.weights(), { lr: 0.025, momentum: 0.9, nesterov: true, weightDecay: 5e-4 })
    : new SGD(model.weights(), { lr: 0.025, momentum: 0.9, weightDecay: 3e-4 });
  const aOpt = new Adam(model.alphas(), { lr: 3e-4, betas: [0.5, 0.999], weightDecay: 1e-3 });
  const data = noGrad(() => [randn([a.batch, 3, 32, 32]), randint(0, 10, [a.batch]), randn([a.batch, 3, 32, 32]), randint(0, 10, [a.batch])]);
  const [xt, yt, xv, yv] = data.map((t) => t.keep()) as [Tensor, Tensor, Tensor, Tensor];
  const step = (): void => {
    if (gdas) {
      gdasStep(model, xt, yt, xv, yv, 10, wOpt, aOpt, 5);
      return;
    }
    const arch =
      a.method === 'darts2'
        ? secondOrderArchGrad(model, xt, yt, xv, yv, wOpt, { lr: 0.025, momentum: 0.9, weightDecay: 3e-4 })
        : firstOrderArchGrad(model, xv, yv);
    applyArchGrads(model, arch.grads, () => aOpt.step());
    dispose(arch.grads);
    weightStep(model, xt, yt, wOpt, 5);
  };
  for (let i = 0; i < a.warmup; i++) step();
  const times: number[] = [];
  for (let i = 0; i < a.steps; i++) {
    const t0 = process.hrtime.bigint();
    step();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ times_ms: times, hwm_mb: hwmMb(), cpu_s: (cpu.user + cpu.system) / 1e6 }));
}

main();
