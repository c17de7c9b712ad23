// FBNet's differentiable NAS (Wu et al., CVPR 2019, §3): every searchable layer's output is the
// Gumbel-softmax-weighted sum of all its candidate blocks, m_l = GumbelSoftmax(θ_l | τ), so
// the loss is differentiable in θ; the latency is read from a lookup table measured on the
// target, LAT(a) = Σ_l Σ_k m_l,k · LAT(b_l,k), and the loss is CE · α · log(LAT)^β (α = 0.2,
// β = 0.6). Each epoch first trains the weights on `train`, then θ on `val` (the paper's 80/20
// split of the training set), with the temperature annealed as τ = 5.0 · 0.956^epoch (the paper's
// exp(−0.045) per epoch). `warmupEpochs` trains only the weights first, as reproductions do (the
// widely used one starts θ at epoch 20 of 90); the paper alternates from the start. The derived
// architecture takes argmax θ per layer.
import { join } from 'node:path';
import { SGD, Adam, clipGradNorm } from '../../optim/index.js';
import { F, type Tensor, grad, keep, manualSeed, tensor, tidy } from '../../torch/index.js';
import { Rng, type Json } from '../../util/index.js';
import { type Metrics } from '../../strategies/index.js';
import { predictLatency } from '../../estimate/index.js';
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
} from '../core/index.js';
import {
  LAYERWISE_SPACES,
  type LayerwiseSupernet,
  fixedLatency,
  latencyVectors,
  layerwiseSupernet,
  searchLatencyTable,
  weightedMixer,
} from '../supernets/index.js';

const NAME = 'fbnet';

export const FBNET_DEFAULTS = {
  /** the paper trains the supernet for 90 epochs */
  epochs: 90,
  batchSize: 64,
  /** weights: SGD with momentum, cosine decay over the epochs */
  lr: 0.1,
  momentum: 0.9,
  weightDecay: 1e-4,
  /** θ: Adam (paper: learning rate 0.01, weight decay 5e-4) */
  thetaLr: 0.01,
  thetaWeightDecay: 5e-4,
  /** Gumbel-softmax temperature 5.0, times 0.956 each epoch */
  temperature: 5.0,
  temperatureDecay: 0.956,
  /** the latency loss CE · alpha · log(LAT)^beta, LAT in microseconds */
  alpha: 0.2,
  beta: 0.6,
  /** epochs that train only the weights before θ starts */
  warmupEpochs: 0,
  /** weight (and θ) steps per epoch; 0 runs the whole split */
  stepsPerEpoch: 0,
  gradClip: 5,
  /** a saved latency table (JSON); '' measures one on this machine and keeps it in the workdir */
  latencyTable: '',
  /** the image size the table is measured at; 0 takes the data's */
  latencySize: 0,
  latencyRepeats: 10,
  /** 'wall' times blocks as deployed; 'cpu' times CPU use, which a busy machine does not inflate (min of the runs) */
  latencyClock: 'wall',
};
export type FBNetOptions = typeof FBNET_DEFAULTS;

export function fbnetOptions(o: Readonly<Record<string, Json>>): FBNetOptions {
  const r = readMethodOptions(NAME, FBNET_DEFAULTS, o, { latencyClock: ['wall', 'cpu'] });
  for (const k of ['epochs', 'batchSize', 'latencyRepeats'] as const) checkIntOption(NAME, k, r[k], 1);
  for (const k of ['warmupEpochs', 'stepsPerEpoch', 'latencySize'] as const) checkIntOption(NAME, k, r[k], 0);
  for (const k of ['lr', 'thetaLr', 'weightDecay', 'thetaWeightDecay', 'alpha', 'beta', 'gradClip'] as const) checkRangeOption(NAME, k, r[k], 0);
  checkRangeOption(NAME, 'momentum', r.momentum, 0, 1, true);
  checkRangeOption(NAME, 'temperatureDecay', r.temperatureDecay, 0, 1);
  if (!(r.temperature > 0)) throw new OneShotError(`${NAME}: option 'temperature' must be positive, got ${r.temperature}`, 'invalid-option');
  return r;
}

/** FBNet's loss CE · α · (log LAT)^β with LAT in microseconds (its log must be positive). */
export function fbnetLoss(ce: Tensor, latencyUs: Tensor, alpha: number, beta: number): Tensor {
  const logLat = latencyUs.log();
  if (!(logLat.item() > 0)) {
    throw new OneShotError(
      `fbnet: the expected latency is ${latencyUs.item()} µs; log(LAT) must be positive for CE·α·log(LAT)^β (check the latency table)`,
      'invalid-option',
    );
  }
  return ce.mul(logLat.pow(beta)).mul(alpha);
}

/** The table-expected latency in µs of Σ_l Σ_k w_l,k · LAT_l,k plus the fixed parts. */
function expectedLatencyUs(weights: readonly Tensor[], vecs: readonly Tensor[], fixedMs: number): Tensor {
  let acc = tensor([fixedMs * 1000]).sum();
  weights.forEach((w, l) => {
    acc = acc.add(w.mul(vecs[l]!).sum().mul(1000));
  });
  return acc;
}

interface FBNetExtra {
  [k: string]: Json;
}

export async function runFBNet(ctx: OneShotContext): Promise<OneShotResult> {
  const o = fbnetOptions(ctx.options);
  manualSeed(ctx.seed);
  const net: LayerwiseSupernet = layerwiseSupernet(ctx.space, searchStack(ctx.stack, ctx.train));
  checkImages(ctx.train, net.inChannels, 'train');
  checkImages(ctx.val, net.inChannels, 'val');
  const size = o.latencySize || ctx.train.sampleShape[1]!;
  const table = searchLatencyTable(net, {
    path: o.latencyTable,
    saveTo: join(ctx.workdir, 'latency-table.json'),
    size,
    log: ctx.log,
    repeats: o.latencyRepeats,
    warmup: 3,
    clock: o.latencyClock as 'wall' | 'cpu',
    statistic: o.latencyClock === 'cpu' ? 'min' : 'median',
  });
  const rows = latencyVectors(table, net);
  const vecs = rows.map((r) => keep(tensor(r)));
  const fixedMs = fixedLatency(table);
  const thetas = archParameters(net);
  const weights = net.parameters();
  const wOpt = new SGD(weights, { lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay });
  const tOpt = new Adam(thetas, { lr: o.thetaLr, weightDecay: o.thetaWeightDecay });
  const trainLoader = searchLoader(ctx.train, o.batchSize, ctx.seed);
  const valLoader = searchLoader(ctx.val, o.batchSize, ctx.seed + 1);
  const wSteps = o.stepsPerEpoch || trainLoader.length;
  const tSteps = o.stepsPerEpoch || valLoader.length;
  const lossOf = (w: readonly Tensor[], x: Tensor, y: Tensor): { loss: Tensor; ce: number; correct: number } => {
    const logits = net.forward(x, weightedMixer(w));
    const ce = F.crossEntropy(logits, y);
    const loss = fbnetLoss(ce, expectedLatencyUs(w, vecs, fixedMs), o.alpha, o.beta);
    if (!Number.isFinite(loss.item()))
      throw new OneShotError(`fbnet: the loss became ${loss.item()}; lower lr (now ${o.lr}) or check the data`, 'nonfinite-loss');
    return { loss, ce: ce.item() * y.shape[0]!, correct: logits.argmax(1).eq(y).sum().item() };
  };

  try {
    const loop = runEpochs({
      method: NAME,
      ctx,
      epochs: o.epochs,
      rng: new Rng(ctx.seed, 0xfb),
      extra: {} as FBNetExtra,
      ck: { model: net, arch: archRecord('theta', thetas), optimizers: { weights: wOpt, theta: tOpt } },
      epoch: (e): Metrics | null => {
        const tau = o.temperature * o.temperatureDecay ** e;
        for (const g of wOpt.groups) g.lr = (o.lr * (1 + Math.cos((Math.PI * e) / o.epochs))) / 2;
        net.train();
        let trainCe = 0;
        let trainCorrect = 0;
        let seen = 0;
        for (let b = 0; b < wSteps; b++) {
          if (ctx.signal?.aborted) return null;
          tidy(() => {
            const { x, y } = batchFor(trainLoader, e, b, net.inChannels);
            const w = thetas.map((t) => F.gumbelSoftmax(t.detach(), tau).soft);
            const r = lossOf(w, x, y);
            r.loss.backward();
            clipGradNorm(weights, o.gradClip);
            wOpt.step();
            net.zeroGrad();
            trainCe += r.ce;
            trainCorrect += r.correct;
            seen += y.shape[0]!;
          });
        }
        let valCe = 0;
        let valCorrect = 0;
        let valSeen = 0;
        if (e >= o.warmupEpochs) {
          for (let b = 0; b < tSteps; b++) {
            if (ctx.signal?.aborted) return null;
            tidy(() => {
              const { x, y } = batchFor(valLoader, e, b, net.inChannels);
              const w = thetas.map((t) => F.gumbelSoftmax(t, tau).soft);
              const r = lossOf(w, x, y);
              // only θ's gradient: the weights are not updated on `val`
              const gs = grad(r.loss, thetas);
              thetas.forEach((t, i) => {
                t.grad = gs[i]!;
              });
              tOpt.step();
              for (const t of thetas) t.grad = null;
              valCe += r.ce;
              valCorrect += r.correct;
              valSeen += y.shape[0]!;
            });
          }
        }
        const probs = archProbabilities(thetas);
        const expectedMs = fixedMs + probs.reduce((a, p, l) => a + p.reduce((s, pk, k) => s + pk * rows[l]![k]!, 0), 0);
        const m: Record<string, number> = {
          // accuracies in percent, as the study's
          trainLoss: trainCe / Math.max(seen, 1),
          trainAccuracy: (100 * trainCorrect) / Math.max(seen, 1),
          temperature: tau,
          expectedLatencyMs: expectedMs,
          derivedLatencyMs: predictLatency(
            table,
            archArgmax(thetas).map((k, l) => net.searchable[l]!.choices[k]!),
          ),
        };
        if (valSeen > 0) Object.assign(m, { valLoss: valCe / valSeen, valAccuracy: (100 * valCorrect) / valSeen });
        return m;
      },
    });
    const path = archArgmax(thetas);
    const genotype = ctx.space.fromDecisions(path);
    const last = loop.history[loop.history.length - 1] ?? {};
    return {
      genotype,
      metrics: {
        epochs: loop.epochs,
        searchSeconds: loop.seconds,
        stoppedEarly: loop.stoppedEarly ? 1 : 0,
        latencyMs: predictLatency(
          table,
          path.map((k, l) => net.searchable[l]!.choices[k]!),
        ),
        ...(last.valAccuracy !== undefined ? { valAccuracy: last.valAccuracy } : {}),
      },
      details: {
        theta: thetas.map((t) => t.toArray()) as Json,
        probabilities: archProbabilities(thetas) as Json,
        choices: net.choices as Json,
        latencyTable: { device: table.device, input: table.input } as Json,
        history: loop.history as Json,
      },
    };
  } finally {
    disposeAll(thetas);
    disposeAll(vecs);
    wOpt.dispose();
    net.dispose();
    tOpt.dispose();
  }
}

export const fbnetMethod: OneShotMethod = {
  name: NAME,
  description:
    "FBNet (Wu et al., CVPR 2019): Gumbel-softmax over each layer's blocks, latency from a lookup table measured on this machine, loss CE·α·log(LAT)^β",
  defaults: FBNET_DEFAULTS,
  spaces: LAYERWISE_SPACES,
  run: runFBNet,
};
