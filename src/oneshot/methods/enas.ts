// ENAS (Pham et al., ICML 2018): an LSTM controller (src/strategies' REINFORCE controller) and
// the shared weights of every child of an ENAS space, trained in alternation. Each epoch:
// 1. shared weights: one pass over `train`, each step on a child the controller samples
//    (SGD with Nesterov momentum, cosine learning rate, gradient clipping, as the released code);
// 2. controller: `controllerSteps` REINFORCE updates, each on `controllerBatch` sampled children
//    rewarded by their accuracy on one `val` batch with the shared weights (batch statistics in
//    BN, as the released code's reward pass), with the moving-average baseline and the entropy
//    bonus of the `reinforce` strategy.
// Derivation: `derivedSamples` children sampled from the trained controller, each scored on
// `evalBatches` val batches; the best is the result. Every epoch checkpoints to ctx.workdir
// (supernet, SGD state, libtorch's and the method's generators, the controller's JSON state);
// a run started on a folder with a checkpoint resumes from it.
import { SGD, clipGradNorm } from '../../optim/index.js';
import { F, noGrad, tidy } from '../../torch/index.js';
import { type Genotype } from '../../spaces/index.js';
import { Rng, type Json } from '../../util/index.js';
import { type ControllerStrategy, type Metrics, type StrategyState, reinforceStrategy } from '../../strategies/index.js';
import { type DataLoader } from '../../data/index.js';
import {
  type OneShotContext,
  type OneShotMethod,
  type OneShotResult,
  OneShotError,
  batchFor,
  checkIntOption,
  checkRangeOption,
  readMethodOptions,
  runEpochs,
  searchLoader,
} from '../core/index.js';
import { ENAS_SPACES, type EnasSupernet, enasSearchSupernet } from '../supernets/index.js';

const NAME = 'enas';

/**
 * Defaults from the released micro search (scripts/cifar10_micro_search.sh): child lr 0.05 →
 * 0.0005 cosine, l2 1e-4, grad bound 5; controller lr 0.0035, 30 steps × 10 children per
 * epoch, entropy weight 1e-4. The controller's temperature 5 and tanh constant 2.5 are the
 * `reinforce` strategy's (ENAS' PyTorch port); the baseline decays by 0.95 per child.
 */
export const ENAS_DEFAULTS = {
  epochs: 150,
  batchSize: 64,
  lr: 0.05,
  lrMin: 0.0005,
  momentum: 0.9,
  weightDecay: 1e-4,
  gradClip: 5,
  /** weight steps per epoch; 0 runs the whole `train` split */
  stepsPerEpoch: 0,
  /** normal cells per stage of the micro supernet (ENAS' search child: 2) */
  cellsPerStage: 2,
  controllerSteps: 30,
  controllerBatch: 10,
  controllerLr: 0.0035,
  entropyWeight: 1e-4,
  baselineDecay: 0.95,
  hidden: 64,
  temperature: 5,
  tanhC: 2.5,
  /** children sampled from the final controller and scored to pick the result */
  derivedSamples: 10,
  /** val batches that score each of them */
  evalBatches: 1,
};
export type EnasOptions = typeof ENAS_DEFAULTS;

export function enasOptions(o: Readonly<Record<string, Json>>): EnasOptions {
  const r = readMethodOptions(NAME, ENAS_DEFAULTS, o);
  for (const k of ['epochs', 'batchSize', 'cellsPerStage', 'controllerSteps', 'controllerBatch', 'hidden', 'derivedSamples', 'evalBatches'] as const) {
    checkIntOption(NAME, k, r[k], 1);
  }
  checkIntOption(NAME, 'stepsPerEpoch', r.stepsPerEpoch, 0);
  for (const k of ['lr', 'lrMin', 'weightDecay', 'gradClip', 'controllerLr', 'entropyWeight', 'tanhC'] as const) checkRangeOption(NAME, k, r[k], 0);
  checkRangeOption(NAME, 'momentum', r.momentum, 0, 1, true);
  checkRangeOption(NAME, 'baselineDecay', r.baselineDecay, 0, 1);
  if (!(r.temperature > 0)) throw new OneShotError(`${NAME}: option 'temperature' must be positive, got ${r.temperature}`, 'invalid-option');
  return r;
}

function newController(ctx: OneShotContext, o: EnasOptions): ControllerStrategy {
  return reinforceStrategy.create(ctx.space, {
    seed: ctx.seed,
    lr: o.controllerLr,
    batchSize: o.controllerBatch,
    entropyWeight: o.entropyWeight,
    baselineDecay: o.baselineDecay,
    hidden: o.hidden,
    temperature: o.temperature,
    tanhC: o.tanhC,
    unique: false,
  }) as ControllerStrategy;
}

/** Top-1 (a fraction) of the child `decisions` on val batches `from..from+count` (batch statistics, no gradients). */
function childAccuracy(net: EnasSupernet, decisions: readonly number[], loader: DataLoader, epoch: number, from: number, count: number): number {
  let [correct, seen] = [0, 0];
  for (let b = from; b < from + count; b++) {
    tidy(() =>
      noGrad(() => {
        const { x, y } = batchFor(loader, epoch, b, net.inChannels);
        correct += net.forward(x, decisions).argmax(1).eq(y).sum().item();
        seen += y.shape[0]!;
      }),
    );
  }
  return correct / Math.max(seen, 1);
}

export async function runEnas(ctx: OneShotContext): Promise<OneShotResult> {
  const o = enasOptions(ctx.options);
  if (!ENAS_SPACES.some((s) => ctx.space.name.startsWith(s))) {
    throw new OneShotError(`enas has a supernet for ${ENAS_SPACES.join(' and ')}, not '${ctx.space.name}'; pick one of those spaces`, 'unsupported-space');
  }
  const { net } = enasSearchSupernet(ctx, o.cellsPerStage);
  const params = net.parameters();
  const opt = new SGD(params, { lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay, nesterov: true });
  const trainLoader = searchLoader(ctx.train, o.batchSize, ctx.seed);
  const valLoader = searchLoader(ctx.val, o.batchSize, ctx.seed + 1);
  const steps = o.stepsPerEpoch || trainLoader.length;
  let controller: ControllerStrategy | null = null;
  /** the controller as the loop state holds it: restored once after a resume, fresh otherwise */
  const controllerOf = (extra: Json): ControllerStrategy => {
    if (controller) return controller;
    const saved = (extra as { controller?: StrategyState } | null)?.controller;
    controller = saved ? (reinforceStrategy.restore(ctx.space, saved) as ControllerStrategy) : newController(ctx, o);
    return controller;
  };
  try {
    const loop = runEpochs({
      method: NAME,
      ctx,
      epochs: o.epochs,
      rng: new Rng(ctx.seed, 0xe4a5),
      extra: {},
      ck: { model: net, arch: {}, optimizers: { weights: opt } },
      epoch: (e, st): Metrics | null => {
        const ctrl = controllerOf(st.extra);
        for (const g of opt.groups) g.lr = o.lrMin + ((o.lr - o.lrMin) * (1 + Math.cos((Math.PI * e) / o.epochs))) / 2;
        net.train();
        let [ce, correct, seen] = [0, 0, 0];
        for (let b = 0; b < steps; b++) {
          if (ctx.signal?.aborted) return null;
          const [child] = ctrl.controller.sample(1, st.rng).decisions;
          tidy(() => {
            const { x, y } = batchFor(trainLoader, e, b, net.inChannels);
            const logits = net.forward(x, child!);
            const loss = F.crossEntropy(logits, y);
            const v = loss.item();
            if (!Number.isFinite(v)) throw new OneShotError(`enas: the loss became ${v}; lower lr (now ${o.lr}) or check the data`, 'nonfinite-loss');
            loss.backward();
            clipGradNorm(params, o.gradClip);
            opt.step();
            net.zeroGrad();
            ce += v * y.shape[0]!;
            correct += logits.argmax(1).eq(y).sum().item();
            seen += y.shape[0]!;
          });
        }
        let reward = 0;
        for (let s = 0; s < o.controllerSteps; s++) {
          if (ctx.signal?.aborted) return null;
          const children = ctrl.ask(o.controllerBatch);
          ctrl.tell(
            children.map((g, i) => {
              const accuracy = childAccuracy(net, ctx.space.toDecisions(g), valLoader, e, s * o.controllerBatch + i, 1);
              reward += accuracy;
              return { genotype: g, key: ctx.space.key(g), metrics: { valAccuracy: accuracy }, score: accuracy };
            }),
          );
        }
        st.extra = { controller: ctrl.state() };
        return {
          // accuracy in percent, as the study's (the controller's reward stays the fraction REINFORCE is tuned for)
          trainLoss: ce / Math.max(seen, 1),
          trainAccuracy: (100 * correct) / Math.max(seen, 1),
          controllerReward: reward / (o.controllerSteps * o.controllerBatch),
          baseline: ctrl.baseline ?? 0,
        };
      },
    });
    const ctrl = controllerOf(loop.state.extra);
    const derived = derive(net, ctrl, ctx, o, valLoader, loop.state.rng);
    const best = derived[0]!;
    return {
      genotype: best.genotype,
      metrics: {
        epochs: loop.epochs,
        searchSeconds: loop.seconds,
        stoppedEarly: loop.stoppedEarly ? 1 : 0,
        valAccuracy: 100 * best.accuracy,
      },
      details: {
        derived: derived.map((d) => ({ key: d.key, accuracy: 100 * d.accuracy })) as Json,
        history: loop.history as Json,
      },
    };
  } finally {
    opt.dispose();
    (controller as ControllerStrategy | null)?.dispose();
    net.dispose();
  }
}

interface Derived {
  key: string;
  genotype: Genotype;
  accuracy: number;
}

/** ENAS' derivation: sample children from the controller, keep the best on val (the first among equals). */
function derive(net: EnasSupernet, ctrl: ControllerStrategy, ctx: OneShotContext, o: EnasOptions, valLoader: DataLoader, rng: Rng): Derived[] {
  net.train();
  const { decisions } = ctrl.controller.sample(o.derivedSamples, rng);
  const scored = new Map<string, Derived>();
  for (const d of decisions) {
    const genotype = ctx.space.fromDecisions(d);
    const key = ctx.space.key(genotype);
    if (scored.has(key)) continue;
    scored.set(key, { key, genotype, accuracy: childAccuracy(net, d, valLoader, 0, 0, Math.min(o.evalBatches, valLoader.length)) });
  }
  return [...scored.values()].sort((a, b) => b.accuracy - a.accuracy);
}

export const enasMethod: OneShotMethod = {
  name: NAME,
  description:
    'ENAS (Pham et al., ICML 2018): shared weights of every child, trained on children an LSTM controller samples, alternating with REINFORCE on their val accuracy; derives the best of sampled children',
  defaults: ENAS_DEFAULTS,
  spaces: ENAS_SPACES,
  run: runEnas,
};
