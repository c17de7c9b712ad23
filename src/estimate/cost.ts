// The cost model of a candidate: parameters and MACs counted from the network its space builds
// (a shape-only dry run, so cheap enough for every candidate of a search), and optionally its
// measured CPU latency at batch 1.
import { type Tensor, rngState, setRngState } from '../torch/index.js';
import { type AnySearchSpace, type Genotype, type InputSpec, type SearchSpace, type Stack } from '../spaces/index.js';
import { type Latency, type LatencyOptions, measureLatency } from './latency.js';

export interface CostOptions<S extends Stack> {
  stack?: Partial<S>;
  /** the image costed on; default: the space's defaultInput */
  input?: Partial<InputSpec>;
  /** measure latency too (true: default warm-up and repeats) */
  latency?: boolean | LatencyOptions;
}

export interface CostReport {
  /** the deployed network's parameters (an auxiliary head is not counted: see auxiliaryParams) */
  params: number;
  macs: number;
  /** the training-only auxiliary head's parameters; 0 where the network has none */
  auxiliaryParams: number;
  input: InputSpec;
  latency?: Latency;
}

/** Parameters (of the deployed network, the auxiliary head apart), MACs and (on request) measured latency of `genotype` in `space`. */
export function estimateCost<G extends Genotype, S extends Stack>(space: SearchSpace<G, S> | AnySearchSpace, genotype: G, o: CostOptions<S> = {}): CostReport {
  const sp = space as SearchSpace<G, S>;
  const input: InputSpec = { ...sp.defaultInput, ...definedOnly(o.input ?? {}) };
  const report: CostReport = { ...sp.cost(genotype, o.stack, input), input };
  if (o.latency) {
    // the timed network gets real initial values (uninitialised memory may hold denormals, which
    // are slow), drawn without disturbing the global generator that seeded runs depend on
    const saved: Tensor = rngState();
    const net = sp.build(genotype, o.stack);
    try {
      report.latency = measureLatency(net, [input.channels, input.size, input.size], o.latency === true ? {} : o.latency);
    } finally {
      net.dispose();
      setRngState(saved);
      saved.dispose();
    }
  }
  return report;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
