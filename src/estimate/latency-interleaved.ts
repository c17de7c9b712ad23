// End-to-end latency of several networks timed interleaved: round r runs each network once, in
// a fresh seeded order, for `rounds` rounds, and each network's latency is a statistic of its
// samples. Timing one network after another lets slow drift of the machine (thermal state,
// other processes, frequency) land on some networks and not others, which reorders networks
// whose latencies are a few percent apart; interleaved, drift reaches all of them alike.
import { full, noGrad, tidy } from '../torch/index.js';
import { type Layer, type Module } from '../nn/index.js';
import { Rng } from '../util/index.js';
import { type LatencyClock, type LatencyStatistic, checkCounts, clockMs, statisticOf } from './latency-parts.js';

export interface InterleavedOptions {
  /** untimed rounds first (default 3) */
  warmup?: number;
  /** timed rounds: samples per network (default 20) */
  rounds?: number;
  statistic?: LatencyStatistic;
  clock?: LatencyClock;
  /** seeds the order within each round (default 0) */
  seed?: number;
}

export interface InterleavedLatency {
  /** one statistic per network, in the order given */
  ms: number[];
  /** every network's timed samples in milliseconds, in round order */
  samples: number[][];
}

/** Batch-1 forward time of every network in `nets` on one input of `inputShape` (C, H, W), interleaved. */
export function timeInterleaved(nets: readonly (Module & Layer)[], inputShape: readonly number[], o: InterleavedOptions = {}): InterleavedLatency {
  const warmup = o.warmup ?? 3;
  const rounds = o.rounds ?? 20;
  const clock = o.clock ?? 'wall';
  checkCounts('timeInterleaved', { warmup, rounds });
  if (nets.length === 0) throw new RangeError('timeInterleaved: no networks to time');
  const modes = nets.map((n) => [...n.namedModules()].map(([, m]) => m.training));
  nets.forEach((n) => n.eval());
  const rng = new Rng(o.seed ?? 0, 0x171);
  const samples = nets.map(() => [] as number[]);
  const x = full([1, ...inputShape.slice(-3)], 0.5);
  try {
    for (let r = 0; r < warmup + rounds; r++) {
      const order = nets.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const i of order) {
        const t0 = clockMs(clock);
        tidy(() =>
          noGrad(() => {
            nets[i]!.forward(x);
          }),
        );
        const ms = clockMs(clock) - t0;
        if (r >= warmup) samples[i]!.push(ms);
      }
    }
  } finally {
    x.dispose();
    nets.forEach((n, k) =>
      [...n.namedModules()].forEach(([, m], j) => {
        m.training = modes[k]![j]!;
      }),
    );
  }
  return { ms: samples.map((s) => statisticOf(s, o.statistic ?? 'median')), samples };
}
