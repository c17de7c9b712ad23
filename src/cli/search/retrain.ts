// `nasforge retrain`: train a found genotype from scratch at a larger stack with the final
// recipe (ScheduledDropPath, auxiliary head, cutout, cosine schedule, as NASNet and DARTS train
// their final networks) on the whole training set, and report its test accuracy.
import { type Json } from '../../util/index.js';
import { type AnySearchSpace, SpaceError, getSpace } from '../../spaces/index.js';
import { loadDataset } from '../../data/index.js';
import { UserError } from '../errors.js';
import { intFlag, numFlag } from '../flags.js';
import { documentSpace, genotypeDocument, readGenotypeArg } from '../genotype-doc.js';
import { pickStudy } from './report.js';
import { ranked } from './leaderboard.js';
import { storageUrl, withStorage } from './storage.js';

export interface RetrainFlags {
  study?: string; storage?: string; genotype?: string; space?: string; trial?: string;
  epochs: string; cells?: string; channels?: string; batchSize: string; lr: string; cutout?: string; dropPath: string; auxWeight?: string;
  dataset?: string; dataRoot?: string; limit?: string; seed: string; threads?: string; checkpoint?: string; save?: string; json?: boolean;
}

/** What is retrained: the genotype, its space, the stack to start from and the data set. */
interface Source {
  space: AnySearchSpace;
  genotype: Json;
  stack: Record<string, Json>;
  /** the stack is a search stack, doubled in channels unless --channels says otherwise (a described network is trained as it is) */
  grow: boolean;
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

/**
 * A genotype document (`--genotype`): any document nasforge prints that names one architecture,
 * or a bare genotype with --space. A study's document (best, search, status, export) carries the
 * search stack, which grows as `retrain --study` grows it; `inspect --json`'s stack is the network
 * as inspected and is trained as it is. --cells and --channels win over either.
 */
function fromDocument(arg: string, f: RetrainFlags): Source {
  if (f.study !== undefined || f.trial !== undefined) {
    throw new UserError(`--genotype and ${f.study !== undefined ? '--study' : '--trial'} both name what to retrain; give one of them`);
  }
  const { data, from } = readGenotypeArg(arg);
  const doc = genotypeDocument(data, from);
  // --space by the space's own name, so another spelling of the document's space is no conflict
  const s = space(documentSpace(doc, f.space === undefined ? undefined : space(f.space).name));
  const defaults = s.defaultStack as Readonly<Record<string, Json>>;
  const stack: Record<string, Json> = {};
  for (const [k, v] of Object.entries(doc.stack ?? {})) {
    if (k === 'classes') continue; // set from the data set
    if (!(k in defaults)) {
      throw new UserError(`${from}: stack field '${k}' is not a stack field of the space '${s.name}' (its fields: ${Object.keys(defaults).join(', ')}); remove it`);
    }
    stack[k] = v;
  }
  const name = f.dataset ?? doc.dataset?.name ?? 'fashion-mnist';
  // the document's data folder belongs to its data set only
  const root = f.dataRoot ?? (doc.dataset?.name === name ? doc.dataset.root : undefined);
  return {
    space: s, genotype: doc.genotype, stack, grow: doc.kind === 'study',
    dataset: { name, ...(root !== undefined ? { root } : {}) }, from,
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
    if (f.space !== undefined && space(f.space).name !== c.space) {
      throw new UserError(`--space ${f.space} conflicts with study '${s.name}', which searched the space '${String(c.space)}'; drop --space (it names the space of a bare --genotype)`);
    }
    return {
      space: space(String(c.space)), genotype: t.genotype, stack: asObject(c.stack), grow: true,
      dataset: {
        name: f.dataset ?? (typeof d.name === 'string' ? d.name : 'fashion-mnist'),
        ...(f.dataRoot ? { root: f.dataRoot } : typeof d.root === 'string' ? { root: d.root } : {}),
      },
      from: `study '${s.name}' trial ${t.number}`,
    };
  });
}

/** The final training's stack: --cells/--channels, else a search stack's channels doubled. */
function finalStack(src: Source, f: RetrainFlags, auxiliary: boolean): Record<string, Json> {
  const defaults = src.space.defaultStack as Readonly<Record<string, Json>>;
  const stack: Record<string, Json> = { ...src.stack };
  if (f.channels !== undefined) stack.channels = intFlag('channels', f.channels, 1);
  else if (src.grow && typeof stack.channels === 'number') stack.channels = stack.channels * 2;
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
  const src = f.genotype !== undefined ? fromDocument(f.genotype, f) : await fromStudy(f);
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
    // accuracies in percent, as the study's valAccuracy and the benchmark tables
    epochs: recipe.epochs, recipe, testAccuracy: 100 * test.top1, testTop5Accuracy: 100 * test.top5, testLoss: test.loss,
    seconds: Math.round(result.seconds * 10) / 10, resumed: result.resumed,
  };
  if (f.json) console.log(JSON.stringify(out));
  else console.log(`test accuracy ${out.testAccuracy.toFixed(2)}% (top-5 ${out.testTop5Accuracy.toFixed(2)}%) after ${recipe.epochs} epochs, ${out.seconds} s of training, ${cost.params} parameters`);
}
