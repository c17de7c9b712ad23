// ProxylessNAS (Cai, Zhu and Han, ICLR 2019) with path-level binarization: each weight step
// samples ONE path per layer from p = softmax(α) and trains only it (the other candidates never
// run, so activations are one network's); every `archEvery` weight steps an architecture step
// on a `val` batch samples two paths per layer (the released 'two' mode), makes one active,
// runs the other without a graph, and estimates ∂L/∂α through the binary gates
// (the gates, below), plus the exact gradient of the expected-latency term
// E[LAT] = Σ_l Σ_k p_l,k · LAT_l,k read from the latency table. Two forms of that term, as in the
// released code: 'add' (the paper's CE + λ·E[LAT], written relative to a reference latency,
// CE + λ·(E[LAT] − ref)/ref, λ = 0.05 in the ImageNet search), and 'mul' (CE · a·(log E[LAT] /
// log ref)^b, a = 0.2, b = 0.3, latency in µs). The first `warmupEpochs` train the weights on
// uniformly sampled paths only. The derived architecture takes argmax α per layer.
import { join } from 'node:path';
import { Adam, SGD, type GroupOptions, type Optimizer, clipGradNorm } from '../../optim/index.js';
import { F, type Tensor, grad, keep, manualSeed, noGrad, tensor, tidy } from '../../torch/index.js';
import { Rng, type Json, type RandomSource } from '../../util/index.js';
import { type Metrics } from '../../strategies/index.js';
import { type LatencyTable, predictLatency } from '../../estimate/index.js';
import {
  type OneShotContext,
  type OneShotMethod,
  type OneShotResult,
  OneShotError,
  archArgmax,
  archParameters,
  archProbabilities,
  archRecord,
  batchFor,
  checkImages,
  checkIntOption,
  checkRangeOption,
  disposeAll,
  readMethodOptions,
  runEpochs,
  searchLoader,
  searchStack,
  softmax,
} from '../core/index.js';
import {
  LAYERWISE_SPACES,
  type LayerwiseSupernet,
  type Mixer,
  fixedLatency,
  latencyVectors,
  layerwiseSupernet,
  pathMixer,
  searchLatencyTable,
} from '../supernets/index.js';

const NAME = 'proxylessnas';

export const PROXYLESS_DEFAULTS = {
  /** the released ImageNet search: 40 warm-up epochs, then 120 of search */
  epochs: 160,
  warmupEpochs: 40,
  batchSize: 64,
  /** weights: SGD with momentum, cosine decay over the epochs */
  lr: 0.05,
  momentum: 0.9,
  weightDecay: 4e-5,
  gradClip: 5,
  /** α: Adam with β1 = 0 (the released settings), initialised N(0, 1e-3²) */
  archLr: 1e-3,
  archInitStd: 1e-3,
  /** one architecture step after every this many weight steps */
  archEvery: 5,
  /** 'add': CE + λ(E[LAT] − ref)/ref; 'mul': CE·a·(log E[LAT]/log ref)^b; 'none' */
  latencyLoss: 'add',
  lambda: 0.05,
  mulAlpha: 0.2,
  mulBeta: 0.3,
  /** reference latency in ms; 0 takes the expected latency of the uniform distribution */
  refLatencyMs: 0,
  /** weight steps per epoch; 0 runs the whole `train` split */
  stepsPerEpoch: 0,
  latencyTable: '',
  latencySize: 0,
  latencyRepeats: 10,
  /** 'wall' times blocks as deployed; 'cpu' times CPU use, which a busy machine does not inflate (min of the runs) */
  latencyClock: 'wall',
};
export type ProxylessOptions = typeof PROXYLESS_DEFAULTS;

export function proxylessOptions(o: Readonly<Record<string, Json>>): ProxylessOptions {
  const r = readMethodOptions(NAME, PROXYLESS_DEFAULTS, o, { latencyLoss: ['add', 'mul', 'none'], latencyClock: ['wall', 'cpu'] });
  for (const k of ['epochs', 'batchSize', 'archEvery', 'latencyRepeats'] as const) checkIntOption(NAME, k, r[k], 1);
  for (const k of ['warmupEpochs', 'stepsPerEpoch', 'latencySize'] as const) checkIntOption(NAME, k, r[k], 0);
  for (const k of ['lr', 'weightDecay', 'gradClip', 'archLr', 'archInitStd', 'lambda', 'mulAlpha', 'mulBeta', 'refLatencyMs'] as const)
    checkRangeOption(NAME, k, r[k], 0);
  checkRangeOption(NAME, 'momentum', r.momentum, 0, 1, true);
  return r;
}

// The gates.
// ProxylessNAS's path-level binary gates (Cai, Zhu and Han, ICLR 2019, §3.2). A layer's output
// is Σ_j g_j·o_j(x) with binary gates g (one 1, the rest 0) drawn from p = softmax(α), so only
// the active path runs. The gradient in α is estimated through the gates:
//   ∂L/∂α_i ≈ Σ_j ∂L/∂g_j · p_j (δ_ij − p_i),   ∂L/∂g_j = <∂L/∂output, o_j(x)>.
// To keep memory at two paths, the released code ('two' mode) samples two distinct paths from
// p, renormalises their probabilities p' = softmax(α_a, α_b), makes one of them active by p',
// applies the estimator to the pair only, and after the update shifts the pair's α by a common
// offset so that exp(α_a) + exp(α_b) is unchanged: the paths not sampled keep their probability.

/** One index drawn from the probabilities `p`. */
export function sampleOne(p: readonly number[], rng: RandomSource): number {
  let u = rng.next();
  for (let i = 0; i < p.length; i++) {
    u -= p[i]!;
    if (u < 0) return i;
  }
  return p.length - 1;
}

/** Two distinct indices drawn from `p` without replacement (the first, then one of the rest). */
export function sampleTwo(p: readonly number[], rng: RandomSource): [number, number] {
  if (p.length < 2) throw new RangeError(`sampleTwo needs at least two candidates, got ${p.length}`);
  const a = sampleOne(p, rng);
  const rest = p.map((x, i) => (i === a ? 0 : x));
  const s = rest.reduce((x, y) => x + y, 0);
  const b =
    s > 0
      ? sampleOne(
          rest.map((x) => x / s),
          rng,
        )
      : (a + 1 + rng.int(p.length - 1)) % p.length;
  return [a, b];
}

/** The estimator over all paths: ∂L/∂α_i = Σ_j gateGrads_j · p_j (δ_ij − p_i), p = softmax(alpha). */
export function gateAlphaGrad(alpha: readonly number[], gateGrads: readonly number[]): number[] {
  const p = softmax(alpha);
  return p.map((pi, i) => gateGrads.reduce((acc, gj, j) => acc + gj * p[j]! * ((i === j ? 1 : 0) - pi), 0));
}

/**
 * The two-path estimate: the gradient of α at `pair` (other entries get none), from the gates'
 * gradients of the pair's two paths and p' = softmax(α_pair).
 */
export function pairAlphaGrad(alpha: readonly number[], pair: readonly [number, number], gateGrads: readonly [number, number]): number[] {
  const g = gateAlphaGrad([alpha[pair[0]]!, alpha[pair[1]]!], gateGrads);
  const out = alpha.map(() => 0);
  out[pair[0]] = g[0]!;
  out[pair[1]] = g[1]!;
  return out;
}

/** The offset subtracted from the pair's updated α so that Σ exp over the pair is what it was. */
export function pairRescaleOffset(before: readonly [number, number], after: readonly [number, number]): number {
  const lse = (v: readonly number[]): number => {
    const m = Math.max(...v);
    return m + Math.log(v.reduce((s, x) => s + Math.exp(x - m), 0));
  };
  return lse(after) - lse(before);
}

/** One weight step on one sampled path; returns the summed CE and the correct count. */
export function binarizedWeightStep(
  net: LayerwiseSupernet,
  path: readonly number[],
  x: Tensor,
  y: Tensor,
  opt: Optimizer<GroupOptions>,
  clip: number,
): { ce: number; correct: number } {
  return tidy(() => {
    const logits = net.forward(x, pathMixer(path));
    const ce = F.crossEntropy(logits, y);
    const v = ce.item();
    if (!Number.isFinite(v)) throw new OneShotError(`proxylessnas: the loss became ${v}; lower lr or check the data`, 'nonfinite-loss');
    ce.backward();
    if (clip > 0) clipGradNorm(opt.params, clip);
    opt.step();
    net.zeroGrad();
    return { ce: v * y.shape[0]!, correct: logits.argmax(1).eq(y).sum().item() };
  });
}

export interface LatencyTerm {
  kind: 'add' | 'mul' | 'none';
  /** per layer, each candidate's ms */
  vectors: readonly Tensor[];
  fixedMs: number;
  refMs: number;
  lambda: number;
  mulAlpha: number;
  mulBeta: number;
}

/** E[LAT] in ms under softmax(α): differentiable in α. */
export function expectedLatencyMs(alphas: readonly Tensor[], vectors: readonly Tensor[], fixedMs: number): Tensor {
  let acc = tensor([fixedMs]).sum();
  alphas.forEach((a, l) => {
    acc = acc.add(a.softmax(0).mul(vectors[l]!).sum());
  });
  return acc;
}

/** The architecture loss: CE with the latency term of `lat`. */
export function proxylessLoss(ce: Tensor, alphas: readonly Tensor[], lat: LatencyTerm): Tensor {
  if (lat.kind === 'none') return ce;
  const e = expectedLatencyMs(alphas, lat.vectors, lat.fixedMs);
  if (lat.kind === 'add') return ce.add(e.sub(lat.refMs).div(lat.refMs).mul(lat.lambda));
  const ratio = e
    .mul(1000)
    .log()
    .div(Math.log(lat.refMs * 1000));
  return ce.mul(ratio.pow(lat.mulBeta)).mul(lat.mulAlpha);
}

/**
 * One architecture step through binary gates on a batch: two paths per layer, one active;
 * α's gradient = the gate estimate on the pair + the latency term's exact gradient; then Adam,
 * then the pair's rescale. Returns the summed CE.
 */
export function binaryGateArchStep(
  net: LayerwiseSupernet,
  alphas: readonly Tensor[],
  x: Tensor,
  y: Tensor,
  rng: RandomSource,
  opt: Optimizer<GroupOptions>,
  lat: LatencyTerm,
): { ce: number; correct: number } {
  const probs = archProbabilities(alphas);
  const before = alphas.map((a) => a.toArray());
  const pairs = probs.map((p) => sampleTwo(p, rng));
  // which of the pair is active, drawn from p' = softmax(α_pair)
  const active = pairs.map((pr, l) => sampleOne(softmax([before[l]![pr[0]]!, before[l]![pr[1]]!]), rng));
  const out = tidy(() => {
    const gates = active.map((c) => tensor(c === 0 ? [1, 0] : [0, 1]).requiresGrad_());
    const mixer: Mixer = (l, cell, h) => {
      const [pa, pi] = active[l] === 0 ? [pairs[l]![0], pairs[l]![1]] : [pairs[l]![1], pairs[l]![0]];
      const on = cell.run(pa, h);
      // the inactive path only feeds its gate's gradient: no graph through it
      const off = noGrad(() => cell.run(pi, h));
      const g = gates[l]!;
      const [gOn, gOff] = [g.select(0, active[l]!), g.select(0, 1 - active[l]!)];
      return on.mul(gOn).add(off.mul(gOff));
    };
    const logits = net.forward(x, mixer);
    const ce = F.crossEntropy(logits, y);
    const loss = proxylessLoss(ce, alphas, lat);
    const v = loss.item();
    if (!Number.isFinite(v))
      throw new OneShotError(`proxylessnas: the architecture loss became ${v}; check the latency table and refLatencyMs`, 'nonfinite-loss');
    const gs = grad(loss, [...gates, ...alphas], { allowUnused: true });
    const gateGrads = gs.slice(0, gates.length).map((t) => t!.toArray());
    alphas.forEach((a, l) => {
      const direct = gs[gates.length + l];
      const est = pairAlphaGrad(before[l]!, pairs[l]!, [gateGrads[l]![0]!, gateGrads[l]![1]!]);
      const total = direct ? direct.detach().add(tensor(est)) : tensor(est);
      a.grad = total;
    });
    return { ce: ce.item() * y.shape[0]!, correct: logits.argmax(1).eq(y).sum().item() };
  });
  opt.step();
  noGrad(() =>
    alphas.forEach((a, l) => {
      a.grad = null;
      const [i, j] = pairs[l]!;
      const now = a.toArray();
      const offset = pairRescaleOffset([before[l]![i]!, before[l]![j]!], [now[i]!, now[j]!]);
      const fix = now.map((v, k) => (k === i || k === j ? v - offset : v));
      tidy(() => a.copy_(tensor(fix)));
    }),
  );
  return out;
}

function latencyTerm(o: ProxylessOptions, table: LatencyTable, net: LayerwiseSupernet): { term: LatencyTerm; rows: number[][] } {
  const rows = latencyVectors(table, net);
  const fixedMs = fixedLatency(table);
  const uniformMs = fixedMs + rows.reduce((a, r) => a + r.reduce((s, v) => s + v, 0) / r.length, 0);
  const refMs = o.refLatencyMs || uniformMs;
  if (o.latencyLoss === 'mul' && !(refMs * 1000 > 1)) {
    throw new OneShotError(`proxylessnas: refLatencyMs ${refMs} is too small for the 'mul' form (log of µs must be positive)`, 'invalid-option');
  }
  return {
    rows,
    term: {
      kind: o.latencyLoss as LatencyTerm['kind'],
      vectors: rows.map((r) => keep(tensor(r))),
      fixedMs,
      refMs,
      lambda: o.lambda,
      mulAlpha: o.mulAlpha,
      mulBeta: o.mulBeta,
    },
  };
}

export async function runProxyless(ctx: OneShotContext): Promise<OneShotResult> {
  const o = proxylessOptions(ctx.options);
  manualSeed(ctx.seed);
  const net = layerwiseSupernet(ctx.space, searchStack(ctx.stack, ctx.train));
  checkImages(ctx.train, net.inChannels, 'train');
  checkImages(ctx.val, net.inChannels, 'val');
  const table = searchLatencyTable(net, {
    path: o.latencyTable,
    saveTo: join(ctx.workdir, 'latency-table.json'),
    size: o.latencySize || ctx.train.sampleShape[1]!,
    log: ctx.log,
    repeats: o.latencyRepeats,
    warmup: 3,
    clock: o.latencyClock as 'wall' | 'cpu',
    statistic: o.latencyClock === 'cpu' ? 'min' : 'median',
  });
  const { term, rows } = latencyTerm(o, table, net);
  const alphas = archParameters(net, o.archInitStd);
  const wOpt = new SGD(net.parameters(), { lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay });
  const aOpt = new Adam(alphas, { lr: o.archLr, betas: [0, 0.999], eps: 1e-8 });
  const trainLoader = searchLoader(ctx.train, o.batchSize, ctx.seed);
  const valLoader = searchLoader(ctx.val, o.batchSize, ctx.seed + 1);
  const steps = o.stepsPerEpoch || trainLoader.length;
  const names = (path: readonly number[]): string[] => path.map((k, l) => net.searchable[l]!.choices[k]!);

  try {
    const loop = runEpochs({
      method: NAME,
      ctx,
      epochs: o.epochs,
      rng: new Rng(ctx.seed, 0x9a7e),
      extra: { valStep: 0 },
      ck: { model: net, arch: archRecord('alpha', alphas), optimizers: { weights: wOpt, alpha: aOpt } },
      epoch: (e, st): Metrics | null => {
        const extra = st.extra as { valStep: number };
        for (const g of wOpt.groups) g.lr = (o.lr * (1 + Math.cos((Math.PI * e) / o.epochs))) / 2;
        const warm = e < o.warmupEpochs;
        net.train();
        let [ce, correct, seen, archCe, archSeen, archSteps] = [0, 0, 0, 0, 0, 0];
        for (let b = 0; b < steps; b++) {
          if (ctx.signal?.aborted) return null;
          const probs = warm ? net.searchable.map((c) => c.candidates.map(() => 1 / c.candidates.length)) : archProbabilities(alphas);
          const path = probs.map((p) => sampleOne(p, st.rng));
          const r = tidy(() => {
            const { x, y } = batchFor(trainLoader, e, b, net.inChannels);
            return { ...binarizedWeightStep(net, path, x, y, wOpt, o.gradClip), n: y.shape[0]! };
          });
          ce += r.ce;
          correct += r.correct;
          seen += r.n;
          if (!warm && (b + 1) % o.archEvery === 0) {
            const a = tidy(() => {
              const { x, y } = batchFor(valLoader, 0, extra.valStep, net.inChannels);
              return { ...binaryGateArchStep(net, alphas, x, y, st.rng, aOpt, term), n: y.shape[0]! };
            });
            extra.valStep++;
            archCe += a.ce;
            archSeen += a.n;
            archSteps++;
          }
        }
        const probs = archProbabilities(alphas);
        const m: Record<string, number> = {
          // accuracy in percent, as the study's
          trainLoss: ce / Math.max(seen, 1),
          trainAccuracy: (100 * correct) / Math.max(seen, 1),
          archSteps,
          expectedLatencyMs: term.fixedMs + probs.reduce((a, p, l) => a + p.reduce((s, pk, k) => s + pk * rows[l]![k]!, 0), 0),
          derivedLatencyMs: predictLatency(table, names(archArgmax(alphas))),
        };
        if (archSeen > 0) m.valLoss = archCe / archSeen;
        return m;
      },
    });
    const path = archArgmax(alphas);
    return {
      genotype: ctx.space.fromDecisions(path),
      metrics: {
        epochs: loop.epochs,
        searchSeconds: loop.seconds,
        stoppedEarly: loop.stoppedEarly ? 1 : 0,
        latencyMs: predictLatency(table, names(path)),
      },
      details: {
        alpha: alphas.map((a) => a.toArray()) as Json,
        probabilities: archProbabilities(alphas) as Json,
        choices: net.choices as Json,
        refLatencyMs: term.refMs,
        latencyTable: { device: table.device, input: table.input } as Json,
        history: loop.history as Json,
      },
    };
  } finally {
    disposeAll(alphas);
    disposeAll(term.vectors);
    wOpt.dispose();
    net.dispose();
    aOpt.dispose();
  }
}

export const proxylessMethod: OneShotMethod = {
  name: NAME,
  description:
    'ProxylessNAS (Cai et al., ICLR 2019): binarized paths (one active path per step), α learned through the binary gates, expected-latency loss from a table measured on this machine',
  defaults: PROXYLESS_DEFAULTS,
  spaces: LAYERWISE_SPACES,
  run: runProxyless,
};
