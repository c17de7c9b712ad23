// `nasforge train`: train a named model on a data set with a recipe; print and record the result.
import { type Command } from 'commander';
import { UserError } from './errors.js';
import { intFlag, numFlag } from './flags.js';
import { datasetNames, loadDataset } from '../data/index.js';
import { didYouMean } from '../util/index.js';

interface TrainFlags {
  dataset: string;
  dataRoot?: string;
  limit?: string;
  model: string;
  epochs: string;
  batchSize: string;
  optimizer: string;
  lr: string;
  momentum: string;
  weightDecay: string;
  labelSmoothing: string;
  cutout: string;
  cropPadding: string;
  flip?: boolean;
  dropPath: string;
  auxWeight: string;
  gradClip: string;
  timeBudget: string;
  seed: string;
  threads?: string;
  checkpoint?: string;
  save?: string;
  json?: boolean;
  schedule: string;
  warmup: string;
}

const num = (flag: string, v: string, int = false): number => (int ? intFlag(flag, v) : numFlag(flag, v));

const OPTIMIZERS = ['sgd', 'rmsprop', 'adam', 'adamw'];
const SCHEDULES = ['cosine', 'step', 'exponential', 'constant'];

function oneOf(flag: string, v: string, allowed: readonly string[]): void {
  if (!allowed.includes(v)) throw new UserError(`--${flag} '${v}' is not one of ${allowed.join(', ')}.${didYouMean(v, allowed)}`);
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a named model on a data set and report test accuracy')
    .option('--dataset <name>', `data set: ${datasetNames().join(', ')}`, 'fashion-mnist')
    .option('--data-root <dir>', 'folder with the data set files (default: the Debian package location)')
    .option('--limit <n>', 'use only the first N training examples')
    .option('--model <name>', 'model: resnet-small, resnet-20', 'resnet-small')
    .option('--epochs <n>', 'training epochs', '5')
    .option('--batch-size <n>', 'batch size', '128')
    .option('--optimizer <name>', 'sgd, rmsprop, adam, adamw', 'sgd')
    .option('--lr <x>', 'initial learning rate', '0.1')
    .option('--momentum <x>', 'momentum (sgd, rmsprop)', '0.9')
    .option('--weight-decay <x>', 'weight decay', '5e-4')
    .option('--schedule <name>', 'cosine, step, exponential, constant', 'cosine')
    .option('--warmup <epochs>', 'linear warm-up epochs', '0')
    .option('--label-smoothing <x>', 'label smoothing', '0')
    .option('--cutout <px>', 'cutout square side (0 = off)', '0')
    .option('--crop-padding <px>', 'random crop padding (0 = off)', '0')
    .option('--flip', 'random horizontal flips')
    .option('--drop-path <p>', 'final drop-path probability (models that have it)', '0')
    .option('--aux-weight <w>', 'auxiliary head loss weight (models that have it)', '0')
    .option('--grad-clip <x>', 'clip the gradient norm (0 = off)', '0')
    .option('--time-budget <sec>', 'stop training after this many seconds (0 = no limit)', '0')
    .option('--seed <n>', 'random seed', '0')
    .option('--threads <n>', 'libtorch threads (default: all cores)')
    .option('--checkpoint <dir>', 'checkpoint folder: resumed if it holds one, written every epoch')
    .option('--save <file>', 'write the trained weights (safetensors)')
    .option('--json', 'print one JSON object with the result')
    .action(async (f: TrainFlags) => {
      const torch = await import('../torch/index.js');
      const { resolveRecipe, fit, evaluate, progressBar, silentProgress, TrainError } = await import('../train/index.js');
      const { DataLoader } = await import('../data/index.js');
      const { BASELINES } = await import('../spaces/baselines/index.js');
      if (f.threads) torch.setNumThreads(num('threads', f.threads, true));
      const make = BASELINES[f.model];
      if (!make)
        throw new UserError(`unknown model '${f.model}'.${didYouMean(f.model, Object.keys(BASELINES))} Use one of ${Object.keys(BASELINES).join(', ')}`);
      // named by the flag, not by the recipe field resolveRecipe would name
      oneOf('optimizer', f.optimizer, OPTIMIZERS);
      oneOf('schedule', f.schedule, SCHEDULES);
      const recipe = resolveRecipe({
        epochs: num('epochs', f.epochs, true),
        batchSize: num('batch-size', f.batchSize, true),
        optimizer: {
          name: f.optimizer as 'sgd',
          lr: num('lr', f.lr),
          momentum: num('momentum', f.momentum),
          nesterov: f.optimizer === 'sgd',
          weightDecay: num('weight-decay', f.weightDecay),
        },
        schedule: { name: f.schedule as 'cosine', warmupEpochs: num('warmup', f.warmup) },
        labelSmoothing: num('label-smoothing', f.labelSmoothing),
        cutout: num('cutout', f.cutout, true),
        cropPadding: num('crop-padding', f.cropPadding, true),
        horizontalFlip: Boolean(f.flip),
        dropPath: num('drop-path', f.dropPath),
        auxiliaryWeight: num('aux-weight', f.auxWeight),
        gradClip: num('grad-clip', f.gradClip),
        timeBudgetSec: num('time-budget', f.timeBudget),
        seed: num('seed', f.seed, true),
      });
      const data = loadDataset(f.dataset, { root: f.dataRoot, limit: f.limit ? num('limit', f.limit, true) : undefined });
      torch.manualSeed(recipe.seed);
      const model = make(data.train.sampleShape[0]!, data.train.numClasses);
      const quiet = Boolean(f.json);
      if (!quiet)
        console.error(
          `training ${f.model} (${model.numParameters()} parameters) on ${f.dataset}: ${data.train.length} examples, ${recipe.epochs} epochs, ${torch.getNumThreads()} threads`,
        );
      let result: ReturnType<typeof fit>;
      try {
        result = fit(model, {
          recipe,
          train: data.train,
          normalize: data.normalize,
          checkpointDir: f.checkpoint,
          progress: quiet ? silentProgress : progressBar('train', { unitsPerItem: recipe.batchSize, unit: 'img' }),
        });
      } catch (e) {
        model.dispose();
        // the trainer names recipe fields; say which flags set them here
        if (e instanceof TrainError && e.code === 'diverged') throw new TrainError(`${e.message}. Here: --lr and --grad-clip.`, 'diverged');
        throw e;
      }
      const test = evaluate(model, new DataLoader(data.test, { batchSize: 500, shuffle: false, transform: data.normalize }));
      if (f.save) model.save(f.save, { model: f.model, dataset: f.dataset });
      const trainTop1 = result.history[result.history.length - 1]?.trainTop1;
      const out = {
        model: f.model,
        dataset: f.dataset,
        params: model.numParameters(),
        epochs: recipe.epochs,
        steps: result.steps,
        stoppedEarly: result.stoppedEarly,
        resumed: result.resumed,
        // accuracies in percent, as the study's valAccuracy and the benchmark tables
        testAccuracy: 100 * test.top1,
        testTop5Accuracy: 100 * test.top5,
        testLoss: test.loss,
        trainAccuracy: trainTop1 === undefined ? null : 100 * trainTop1,
        seconds: Math.round(result.seconds * 10) / 10,
        imagesPerSec: Math.round((result.steps * recipe.batchSize) / Math.max(result.seconds, 1e-9)),
        threads: torch.getNumThreads(),
      };
      if (f.json) console.log(JSON.stringify(out));
      else
        console.log(
          `test accuracy ${out.testAccuracy.toFixed(2)}% (top-5 ${out.testTop5Accuracy.toFixed(2)}%), ${out.seconds}s of training, ${out.imagesPerSec} img/s`,
        );
      model.dispose();
    });
}
