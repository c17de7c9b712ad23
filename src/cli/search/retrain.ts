// `nasforge retrain`: train a found genotype from scratch at a larger stack with the final
// recipe (ScheduledDropPath, auxiliary head, cutout, cosine schedule, as NASNet and DARTS train
// their final networks) on the whole training set, and report its test accuracy.
import { readFileSync } from 'node:fs';
import { type Json } from '../../spaces/core/index.js';
import { type AnySearchSpace, SpaceError, getSpace } from '../../spaces/index.js';
import { DATASET_NAMES, loadDataset } from '../datasets.js';
import { UserError } from '../errors.js';
import { intFlag, numFlag } from '../flags.js';
import { pickStudy } from './report.js';
import { ranked } from './leaderboard.js';
import { storageUrl, withStorage } from './storage.js';

export interface RetrainFlags {
  study?: string; storage?: string; genotype?: string; space?: string; trial?: string;
  epochs: string; cells?: string; channels?: string; batchSize: string; lr: string; cutout?: string; dropPath: string; auxWeight?: string;
  dataset?: string; dataRoot?: string; limit?: string; seed: string; threads?: string; checkpoint?: string; save?: string; json?: boolean;
}

/** What is retrained: the genotype, its space, the search stack and the data set it was searched on. */
interface Source {
  space: AnySearchSpace;
  genotype: Json;
  stack: Record<string, Json>;
  dataset: { name: string; root?: string };
  from: string;
}

function asObject(v: Json | undefined): Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, Json>) } : {};
}

function space(name: string): AnySearchSpace {
  try {
    return getSpace(name);
  } catch (e) {
    if (e instanceof SpaceError) throw new UserError(e.message);
    throw e;
  }
}

/** A genotype file: what `nasforge export` writes ({space, stack, genotype, ...}) or a bare genotype with --space. */
function fromFile(file: string, f: RetrainFlags): Source {
  let data: Json;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as Json;
  } catch (e) {
    throw new UserError(`cannot read the genotype file ${file}: ${(e as Error).message}`);
  }
  const o = asObject(data);
  const wrapped = 'genotype' in o;
  const name = f.space ?? (wrapped && typeof o.space === 'string' ? o.space : undefined);
  if (!name) throw new UserError(`${file} does not say its space; pass --space NAME`);
  return {
    space: space(name), genotype: wrapped ? o.genotype! : data, stack: wrapped ? asObject(o.stack) : {},
    dataset: { name: f.dataset ?? 'fashion-mnist', ...(f.dataRoot ? { root: f.dataRoot } : {}) }, from: file,
  };
}

async function fromStudy(f: RetrainFlags): Promise<Source> {
  return withStorage(storageUrl(f.storage), async (storage) => {
    const s = await pickStudy(storage, f.study);
    const trials = await storage.trials(s.name);
    const n = f.trial === undefined ? undefined : intFlag('trial', f.trial, 0);
    const t = n === undefined ? ranked(trials)[0] : trials.find((x) => x.number === n);
    if (!t) throw new UserError(n === undefined ? `study '${s.name}' has no complete trial yet` : `study '${s.name}' has no trial ${n}`);
    const c = asObject(s.config);
    const d = asObject(c.dataset);
    return {
      space: space(String(c.space)), genotype: t.genotype, stack: asObject(c.stack),
      dataset: {
        name: f.dataset ?? (typeof d.name === 'string' ? d.name : 'fashion-mnist'),
        ...(f.dataRoot ? { root: f.dataRoot } : typeof d.root === 'string' ? { root: d.root } : {}),
      },
      from: `study '${s.name}' trial ${t.number}`,
    };
  });
}

/** The search stack grown for the final training: --cells/--channels, else twice the search channels. */
function finalStack(src: Source, f: RetrainFlags, auxiliary: boolean): Record<string, Json> {
  const defaults = src.space.defaultStack as Readonly<Record<string, Json>>;
  const stack: Record<string, Json> = { ...src.stack };
  if (f.channels !== undefined) stack.channels = intFlag('channels', f.channels, 1);
  else if (typeof stack.channels === 'number') stack.channels = stack.channels * 2;
  if (f.cells !== undefined) {
    const field = 'cells' in defaults ? 'cells' : 'cellsPerStage' in defaults ? 'cellsPerStage' : null;
    if (!field) throw new UserError(`--cells: the space '${src.space.name}' has no cell count in its stack (fields: ${Object.keys(defaults).join(', ')})`);
    stack[field] = intFlag('cells', f.cells, 1);
  }
  if ('channels' in stack && !('channels' in defaults)) delete stack.channels;
  if ('auxiliary' in defaults) stack.auxiliary = auxiliary;
  return stack;
}

export async function retrain(f: RetrainFlags): Promise<void> {
  const torch = await import('../../torch/index.js');
  const { DARTS_CIFAR_RECIPE, resolveRecipe, fit, evaluate, hasDropPath, progressBar, silentProgress } = await import('../../train/index.js');
  const { DataLoader, DataError } = await import('../../data/index.js');
  const { estimateCost, stemTransform } = await import('../../estimate/index.js');
  if (f.threads) torch.setNumThreads(intFlag('threads', f.threads, 1));
  const src = f.genotype ? fromFile(f.genotype, f) : await fromStudy(f);
  let data;
  try {
    data = loadDataset(src.dataset.name, { root: src.dataset.root, limit: f.limit === undefined ? undefined : intFlag('limit', f.limit, 1) });
  } catch (e) {
    if (e instanceof DataError) throw new UserError(`dataset ${src.dataset.name}: ${e.message}`);
    throw e;
  }
  const [c, h] = data.train.sampleShape as [number, number, number];
  // the CIFAR auxiliary head needs the 8x8 map that 32x32 inputs give at 2/3 of the depth
  const auxWeight = f.auxWeight === undefined ? (h >= 32 ? 0.4 : 0) : numFlag('aux-weight', f.auxWeight);
  if (auxWeight > 0 && h < 32 && 'auxiliary' in src.space.defaultStack) {
    throw new UserError(`--aux-weight: the auxiliary head of '${src.space.name}' needs images of at least 32x32 (an 8x8 map at 2/3 of the depth); these are ${h}x${h}. Pass --aux-weight 0`);
  }
  const stack = finalStack(src, f, auxWeight > 0);
  if ('classes' in src.space.defaultStack) stack.classes = data.train.numClasses;
  let genotype;
  try {
    genotype = src.space.validate(src.genotype);
  } catch (e) {
    if (e instanceof SpaceError) throw new UserError(`${src.from}: ${e.message}`);
    throw e;
  }
  const want = src.space.defaultInput.channels;
  const normalize = stemTransform(src.space, data.train.sampleShape, data.normalize);
  const seed = intFlag('seed', f.seed, 0);
  torch.manualSeed(seed);
  let model;
  try {
    model = src.space.build(genotype, stack);
  } catch (e) {
    if (e instanceof SpaceError) throw new UserError(`the final stack ${JSON.stringify(stack)}: ${e.message}`);
    throw e;
  }
  // drop path and the auxiliary head only where the network has them, so the record says what was used
  const recipe = resolveRecipe({
    epochs: intFlag('epochs', f.epochs, 1), batchSize: intFlag('batch-size', f.batchSize, 1),
    optimizer: { ...DARTS_CIFAR_RECIPE.optimizer, lr: numFlag('lr', f.lr) },
    dropPath: hasDropPath(model) ? numFlag('drop-path', f.dropPath) : 0, auxiliaryWeight: stack.auxiliary === true ? auxWeight : 0,
    cutout: f.cutout === undefined ? Math.round(h / 4) : intFlag('cutout', f.cutout, 0),
    cropPadding: h >= 32 ? 4 : 2, seed,
  }, DARTS_CIFAR_RECIPE);
  const cost = estimateCost(src.space, genotype, { stack, input: { size: h, channels: want } });
  const quiet = Boolean(f.json);
  if (!quiet) {
    process.stderr.write(`retraining ${src.from} (${src.space.name}) at stack ${JSON.stringify(stack)}: ${cost.params} parameters, ${cost.macs} MACs; `
      + `${data.train.length} ${src.dataset.name} training images, ${recipe.epochs} epochs, cutout ${recipe.cutout}, drop path ${recipe.dropPath}, auxiliary weight ${recipe.auxiliaryWeight}\n`);
  }
  const result = fit(model as never, {
    recipe, train: data.train, normalize, checkpointDir: f.checkpoint,
    progress: quiet ? silentProgress : progressBar('retrain', { unitsPerItem: recipe.batchSize, unit: 'img' }),
  });
  const test = evaluate(model as never, new DataLoader(data.test, { batchSize: 500, shuffle: false, transform: normalize }));
  if (f.save) model.save(f.save, { space: src.space.name, key: src.space.key(genotype) });
  model.dispose();
  const out = {
    from: src.from, space: src.space.name, key: src.space.key(genotype), stack, params: cost.params, macs: cost.macs,
    epochs: recipe.epochs, recipe, testAccuracy: test.top1, testTop5: test.top5, testLoss: test.loss,
    seconds: Math.round(result.seconds * 10) / 10, resumed: result.resumed,
  };
  if (f.json) console.log(JSON.stringify(out));
  else console.log(`test accuracy ${(test.top1 * 100).toFixed(2)}% (top-5 ${(test.top5 * 100).toFixed(2)}%) after ${recipe.epochs} epochs, ${out.seconds} s of training, ${cost.params} parameters`);
}
