// Measured latency: batch 1 on the CPU, in evaluation mode without autograd, as a deployed
// classifier runs. Warm-up runs first (allocator and oneDNN primitive caches), then the median
// of repeated runs, which shrugs off the odd slow run on a shared machine.
import { type Tensor, full, getNumThreads, noGrad, tidy } from '../torch/index.js';
import { type Layer, type Module } from '../nn/index.js';

export interface LatencyOptions {
  /** untimed runs first (default 5) */
  warmup?: number;
  /** timed runs (default 20) */
  repeats?: number;
}

export interface Latency {
  /** median wall time of one forward pass, in milliseconds */
  medianMs: number;
  minMs: number;
  maxMs: number;
  repeats: number;
  /** libtorch intra-op threads during the measurement */
  threads: number;
}

/** Median forward time of `net` on one input of `inputShape` (C, H, W or N, C, H, W with N = 1). */
export function measureLatency(net: Module & Layer, inputShape: readonly number[], o: LatencyOptions = {}): Latency {
  const warmup = o.warmup ?? 5;
  const repeats = o.repeats ?? 20;
  if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`measureLatency: warmup must be a non-negative integer, got ${warmup}`);
  if (!Number.isInteger(repeats) || repeats < 1) throw new RangeError(`measureLatency: repeats must be a positive integer, got ${repeats}`);
  const shape = inputShape.length === 3 ? [1, ...inputShape] : [...inputShape];
  if (shape.length !== 4 || shape[0] !== 1)
    throw new RangeError(`measureLatency: input shape must be (C, H, W) or (1, C, H, W), got [${inputShape.join(', ')}]`);
  const modes = [...net.namedModules()].map(([, m]) => m.training);
  net.eval();
  const x: Tensor = full(shape, 0.5);
  const run = (): void =>
    tidy(() =>
      noGrad(() => {
        net.forward(x);
      }),
    );
  const times: number[] = [];
  try {
    for (let i = 0; i < warmup; i++) run();
    for (let i = 0; i < repeats; i++) {
      const t0 = process.hrtime.bigint();
      run();
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } finally {
    x.dispose();
    [...net.namedModules()].forEach(([, m], i) => {
      m.training = modes[i]!;
    });
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const medianMs = times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  return { medianMs, minMs: times[0]!, maxMs: times[times.length - 1]!, repeats, threads: getNumThreads() };
}
