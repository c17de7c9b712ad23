// One-shot architecture search (Bender et al., ICML 2018): train a supernet's shared weights
// alone, then rank architectures by their accuracy with inherited weights and pick the best.
// Supernets (supernets/adapter.ts): the layer-wise spaces (fbnet, proxylessnas), DARTS' cell
// space (darts; Bender et al. searched cells) and the ENAS spaces (enas-micro, enas-macro).
// Training is either uniform single-path sampling (each step trains one child drawn uniformly
// from the space, computing only its ops, as Guo et al.'s single-path one-shot; memory of one
// network) or Bender's path dropout (every candidate path runs, each dropped with probability
// r_t^(1/K) for the K paths into a layer or cell node, r_t ramped linearly from 0 to `dropRate`
// over training; at least one is kept and the kept ones rescaled to a child's scale). Before an
// architecture is scored, its batch-norm statistics are re-estimated on a few training batches
// (a shared BN's running statistics are those of the trained mixture, not of this child). The
// architectures to score come from uniform sampling or from aging evolution (src/strategies)
// with the inherited accuracy as the score.
import { SGD, clipGradNorm } from '../../optim/index.js';
import { F, manualSeed, tidy } from '../../torch/index.js';
import { type Genotype } from '../../spaces/index.js';
import { Rng, type Json } from '../../util/index.js';
import { type Metrics, evolutionStrategy } from '../../strategies/index.js';
import { type DataLoader } from '../../data/index.js';
import {
  type OneShotContext,
  type OneShotMethod,
  type OneShotResult,
  OneShotError,
  batchFor,
  checkIntOption,
  checkRangeOption,
  childAccuracy,
  readMethodOptions,
  recalibrateChildBatchNorm,
  runEpochs,
  searchLoader,
} from '../core/index.js';
import { ONESHOT_SPACES, type OneShotSupernet, oneshotSupernet } from '../supernets/index.js';

const NAME = 'oneshot';

export const ONESHOT_DEFAULTS = {
  epochs: 50,
  batchSize: 64,
  lr: 0.05,
  momentum: 0.9,
  weightDecay: 4e-5,
  gradClip: 5,
  /** 'single-path': one uniform path per step; 'path-dropout': Bender's dropped paths */
  training: 'single-path',
  /** the path-dropout rate r reached at the end of training */
  dropRate: 0.5,
  /** weight steps per epoch; 0 runs the whole `train` split */
  stepsPerEpoch: 0,
  /** 'random': uniform samples; 'evolution': aging evolution scored by inherited accuracy */
  sampler: 'random',
  /** architectures scored */
  samples: 100,
  populationSize: 20,
  sampleSize: 5,
  /** training batches that re-estimate BN statistics per scored architecture */
  bnBatches: 5,
  /** `val` batches that score it; 0 scores on the whole split */
  evalBatches: 0,
};
export type OneShotOptions = typeof ONESHOT_DEFAULTS;

export function oneshotOptions(o: Readonly<Record<string, Json>>): OneShotOptions {
  const r = readMethodOptions(NAME, ONESHOT_DEFAULTS, o, { training: ['single-path', 'path-dropout'], sampler: ['random', 'evolution'] });
  for (const k of ['epochs', 'batchSize', 'samples', 'populationSize', 'sampleSize', 'bnBatches'] as const) checkIntOption(NAME, k, r[k], 1);
  for (const k of ['stepsPerEpoch', 'evalBatches'] as const) checkIntOption(NAME, k, r[k], 0);
  for (const k of ['lr', 'weightDecay', 'gradClip'] as const) checkRangeOption(NAME, k, r[k], 0);
  checkRangeOption(NAME, 'momentum', r.momentum, 0, 1, true);
  checkRangeOption(NAME, 'dropRate', r.dropRate, 0, 1, true);
  if (r.sampleSize > r.populationSize)
    throw new OneShotError(`${NAME}: sampleSize (${r.sampleSize}) must not exceed populationSize (${r.populationSize})`, 'invalid-option');
  return r;
}

export interface RankedArchitecture {
  key: string;
  genotype: Genotype;
  /** top-1 on `val` with inherited weights and recalibrated BN, a fraction */
  accuracy: number;
}

/** Score architectures with inherited weights; stops early (with at least one scored) when the signal fires. */
export function rankArchitectures(
  net: OneShotSupernet,
  ctx: OneShotContext,
  o: OneShotOptions,
  trainLoader: DataLoader,
  valLoader: DataLoader,
): RankedArchitecture[] {
  const space = ctx.space;
  const scored = new Map<string, RankedArchitecture>();
  const score = (g: Genotype): number => {
    const key = space.key(g);
    const hit = scored.get(key);
    if (hit) return hit.accuracy;
    const child = net.child(g);
    recalibrateChildBatchNorm(net.module, net.inChannels, child, trainLoader, o.bnBatches);
    const accuracy = childAccuracy(net.module, net.inChannels, child, valLoader, o.evalBatches || valLoader.length);
    scored.set(key, { key, genotype: g, accuracy });
    return accuracy;
  };
  if (o.sampler === 'random') {
    const rng = new Rng(ctx.seed, 0x0a5e);
    for (let i = 0; i < o.samples && !(i > 0 && ctx.signal?.aborted); i++) score(space.sample(rng));
  } else {
    const evo = evolutionStrategy.create(space, { seed: ctx.seed, populationSize: o.populationSize, sampleSize: o.sampleSize });
    for (let i = 0; i < o.samples && !(i > 0 && ctx.signal?.aborted); i++) {
      const [g] = evo.ask(1);
      const accuracy = score(g!);
      evo.tell([{ genotype: g!, key: space.key(g!), metrics: { accuracy }, score: accuracy }]);
    }
  }
  // best first; equal accuracies keep the order they were scored in
  return [...scored.values()].sort((a, b) => b.accuracy - a.accuracy);
}

export async function runOneShot(ctx: OneShotContext): Promise<OneShotResult> {
  const o = oneshotOptions(ctx.options);
  manualSeed(ctx.seed);
  const supernet = oneshotSupernet(ctx, o.training as 'single-path' | 'path-dropout');
  const net = supernet.module;
  const params = net.parameters();
  const opt = new SGD(params, { lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay });
  const trainLoader = searchLoader(ctx.train, o.batchSize, ctx.seed);
  const valLoader = searchLoader(ctx.val, o.batchSize, ctx.seed + 1, false);
  const steps = o.stepsPerEpoch || trainLoader.length;
  const total = steps * o.epochs;
  try {
    const loop = runEpochs({
      method: NAME,
      ctx,
      epochs: o.epochs,
      rng: new Rng(ctx.seed, 0x1de),
      extra: {},
      ck: { model: net, arch: {}, optimizers: { weights: opt } },
      epoch: (e, st): Metrics | null => {
        for (const g of opt.groups) g.lr = (o.lr * (1 + Math.cos((Math.PI * e) / o.epochs))) / 2;
        net.train();
        let [ce, correct, seen] = [0, 0, 0];
        for (let b = 0; b < steps; b++) {
          if (ctx.signal?.aborted) return null;
          const rate = (o.dropRate * (e * steps + b)) / total;
          tidy(() => {
            const { x, y } = batchFor(trainLoader, e, b, supernet.inChannels);
            const logits = supernet.trainForward(x, o.training as 'single-path' | 'path-dropout', rate, st.rng);
            const loss = F.crossEntropy(logits, y);
            const v = loss.item();
            if (!Number.isFinite(v)) throw new OneShotError(`oneshot: the loss became ${v}; lower lr (now ${o.lr}) or check the data`, 'nonfinite-loss');
            loss.backward();
            clipGradNorm(params, o.gradClip);
            opt.step();
            net.zeroGrad();
            ce += v * y.shape[0]!;
            correct += logits.argmax(1).eq(y).sum().item();
            seen += y.shape[0]!;
          });
        }
        return { trainLoss: ce / Math.max(seen, 1), trainAccuracy: (100 * correct) / Math.max(seen, 1) }; // percent, as the study's
      },
    });
    const ranked = rankArchitectures(supernet, ctx, o, trainLoader, valLoader);
    const best = ranked[0]!;
    return {
      genotype: ctx.space.validate(best.genotype),
      metrics: {
        epochs: loop.epochs,
        searchSeconds: loop.seconds,
        stoppedEarly: loop.stoppedEarly ? 1 : 0,
        valAccuracy: 100 * best.accuracy,
        ranked: ranked.length,
      },
      details: {
        ranking: ranked.slice(0, 20).map((r) => ({ key: r.key, accuracy: 100 * r.accuracy })) as Json,
        sampler: o.sampler,
        training: o.training,
        history: loop.history as Json,
      },
    };
  } finally {
    opt.dispose();
    net.dispose();
  }
}

export const oneshotMethod: OneShotMethod = {
  name: NAME,
  description:
    'one-shot search (Bender et al., ICML 2018): train the supernet (layer-wise, DARTS cells or ENAS) by uniform single-path sampling or path dropout, then rank architectures by inherited-weight accuracy after BN recalibration (random or aging-evolution sampler)',
  defaults: ONESHOT_DEFAULTS,
  spaces: ONESHOT_SPACES,
  run: runOneShot,
};
