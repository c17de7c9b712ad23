// In-context timing of a latency table's entries: instead of timing each candidate alone in a
// loop (its weights and input hot in the cache), run whole sampled paths through the parts
// (start parts, one candidate per searchable layer, end parts; eval mode, no autograd, batch 1)
// and time every block call inside the pass. With one libtorch thread a forward call is
// synchronous, so a clock read around it times exactly that block, with the caches the previous
// blocks left behind, as in a deployed network. Candidates are chosen round-robin (each layer
// walks a fresh seeded shuffle of its candidates every cycle), so every entry gets the same
// number of samples, the combinations vary, and slow drift of the machine reaches all entries
// alike. What a pass spends outside the timed calls (the scope, freeing, the calls themselves)
// is kept as its own fixed part, 'between'.
import { type Tensor, full, noGrad, tidy } from '../torch/index.js';
import { type Layer, type Module } from '../nn/index.js';
import { Rng } from '../util/index.js';
import { type LatencyClock, type LatencyTableParts, LatencyTableError, checkCounts, clockMs } from './latency-parts.js';

/** Samples of every part, in milliseconds, from in-context passes. */
export interface InContextSamples {
  /** per fixed part (by name) */
  fixed: Record<string, number[]>;
  /** per searchable layer, per candidate (in the parts' order) */
  layers: number[][][];
  /** per pass: its time outside the timed part calls */
  between: number[];
  /** timed passes run */
  passes: number;
}

export interface InContextOptions {
  /** untimed runs of every candidate first (default 5) */
  warmup?: number;
  /** timed samples of every candidate at least (default 20) */
  repeats?: number;
  clock?: LatencyClock;
  /** seeds the order in which candidates are chosen (default 0) */
  seed?: number;
}

function shuffled(n: number, rng: Rng): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/**
 * `passes` paths through layers with `sizes[l]` candidates: layer l walks a new seeded shuffle
 * of its candidates every `sizes[l]` passes, so over `m · sizes[l]` passes each of its
 * candidates is picked exactly m times.
 */
export function roundRobinPaths(sizes: readonly number[], passes: number, seed: number): number[][] {
  const rng = new Rng(seed, 0x1c7);
  const queues = sizes.map(() => [] as number[]);
  const paths: number[][] = [];
  for (let p = 0; p < passes; p++) {
    paths.push(
      sizes.map((k, l) => {
        if (queues[l]!.length === 0) queues[l] = shuffled(k, rng);
        return queues[l]!.pop()!;
      }),
    );
  }
  return paths;
}

type Part = Module & Layer;

function chainOf(parts: LatencyTableParts): { start: LatencyTableParts['fixed'][number][]; end: LatencyTableParts['fixed'][number][] } {
  const loose = parts.fixed.filter((f) => f.at !== 'start' && f.at !== 'end').map((f) => f.name);
  if (loose.length) {
    throw new LatencyTableError(
      `in-context timing runs the parts of '${parts.space}' as one network, but fixed part(s) ${loose.join(', ')} do not say where they run; give each fixed part at: 'start' or 'end', or measure with method 'isolated'`,
    );
  }
  if (parts.fixed.some((f) => f.name === 'between'))
    throw new LatencyTableError(`in-context timing keeps a pass's time outside the parts as 'between'; rename the fixed part 'between' of '${parts.space}'`);
  if (parts.layers.some((l) => l.candidates.length === 0))
    throw new LatencyTableError(`every searchable layer of '${parts.space}' needs at least one candidate`);
  return { start: parts.fixed.filter((f) => f.at === 'start'), end: parts.fixed.filter((f) => f.at === 'end') };
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** Time every part of `parts` inside sampled whole-network passes (see the file comment). */
export function timeInContext(parts: LatencyTableParts, o: InContextOptions = {}): InContextSamples {
  const warmup = o.warmup ?? 5;
  const repeats = o.repeats ?? 20;
  const clock = o.clock ?? 'wall';
  checkCounts('timeInContext', { warmup, repeats });
  const { start, end } = chainOf(parts);
  const sizes = parts.layers.map((l) => l.candidates.length);
  const cycle = Math.max(1, ...sizes);
  const paths = roundRobinPaths(sizes, (warmup + repeats) * cycle, o.seed ?? 0);
  const modules: Part[] = [...parts.fixed.map((f) => f.module), ...parts.layers.flatMap((l) => l.candidates.map((c) => c.module))];
  const modes = modules.map((m) => [...m.namedModules()].map(([, s]) => s.training));
  modules.forEach((m) => m.eval());
  const samples: InContextSamples = {
    fixed: Object.fromEntries(parts.fixed.map((f) => [f.name, [] as number[]])),
    layers: sizes.map((k) => Array.from({ length: k }, () => [] as number[])),
    between: [],
    passes: 0,
  };
  const x = full([1, parts.input.channels, parts.input.size, parts.input.size], 0.5);
  try {
    paths.forEach((path, p) => {
      const timed = p >= warmup * cycle;
      const checked = p === 0;
      let inside = 0;
      const t0 = clockMs(clock);
      tidy(() =>
        noGrad(() => {
          let h: Tensor = x;
          // one part on h, freeing h as the network would (Sequential frees intermediates early)
          const step = (m: Part, shape: readonly number[], where: string): number => {
            if (checked && !sameShape(h.shape.slice(1), shape)) {
              throw new LatencyTableError(
                `in-context timing of '${parts.space}': ${where} expects input [${shape.join(', ')}] but the network before it gives [${h.shape.slice(1).join(', ')}]; the parts do not chain`,
              );
            }
            const s = clockMs(clock);
            const next = m.forward(h);
            if (next !== h && h !== x) h.dispose();
            h = next;
            const ms = clockMs(clock) - s;
            inside += ms;
            return ms;
          };
          for (const f of start) {
            const ms = step(f.module, f.inputShape, `fixed part '${f.name}'`);
            if (timed) samples.fixed[f.name]!.push(ms);
          }
          parts.layers.forEach((l, i) => {
            const k = path[i]!;
            const ms = step(l.candidates[k]!.module, l.inputShape, `layer ${i}`);
            if (timed) samples.layers[i]![k]!.push(ms);
          });
          for (const f of end) {
            const ms = step(f.module, f.inputShape, `fixed part '${f.name}'`);
            if (timed) samples.fixed[f.name]!.push(ms);
          }
        }),
      );
      if (timed) {
        samples.between.push(Math.max(0, clockMs(clock) - t0 - inside));
        samples.passes++;
      }
    });
  } finally {
    x.dispose();
    modules.forEach((m, i) =>
      [...m.namedModules()].forEach(([, s], j) => {
        s.training = modes[i]![j]!;
      }),
    );
  }
  return samples;
}
