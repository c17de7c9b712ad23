// Retraining a found genotype from scratch at a larger stack with the final recipe
// (ScheduledDropPath, auxiliary head, cutout, cosine schedule, as NASNet and DARTS train their
// final networks) on the whole training set, and its test accuracy. What is retrained is a
// study's trial (its best by default) or a genotype document (genotype-doc.ts).
import { DataError, type NamedData, loadDataset } from '../data/index.js';
import { type AnySearchSpace, type Genotype, type SpaceNetwork, SpaceError, getSpace } from '../spaces/index.js';
import { type ProgressSink, type Recipe } from '../train/index.js';
import { type Json } from '../util/index.js';
import { SearchError } from './errors.js';
import { documentSpace, genotypeDocument } from './genotype-doc.js';
import { chooseTrial, pickStudy } from './read.js';
import { type StorageLike, withStorage } from './storage.js';

export interface RetrainRequest {
  /** retrain a study's trial (default: its best) ... */
  readonly study?: string;
  readonly storage?: StorageLike;
  readonly trial?: number;
  /** ... or the genotype a document names (what `inspect --json`, `best --json`, `export` print, or a bare genotype with `space`) */
  readonly document?: unknown;
  /** names the document in messages (a file name) */
  readonly documentFrom?: string;
  /** the space of a bare genotype */
  readonly space?: string;
  /** default 10 epochs, cosine schedule */
  readonly epochs?: number;
  /** cells of the final network (default: as searched, or the document's stack) */
  readonly cells?: number;
  /** initial channels (default: twice the searched; a described network's as it is) */
  readonly channels?: number;
  readonly batchSize?: number;
  /** initial learning rate (SGD, momentum 0.9; default 0.025) */
  readonly lr?: number;
  /** cutout square side (default: a quarter of the image side; 0 = off) */
  readonly cutout?: number;
  /** final drop-path probability where the network has drop path (default 0.2) */
  readonly dropPath?: number;
  /** auxiliary head loss weight where the space has one (default 0.4 on images of 32x32 and larger, else 0) */
  readonly auxWeight?: number;
  /** default: the study's data set, else fashion-mnist */
  readonly dataset?: string;
  readonly dataRoot?: string;
  /** train on the first N training examples only */
  readonly limit?: number;
  readonly seed?: number;
  readonly threads?: number;
  /** checkpoint folder: resumed if it holds one, written every epoch */
  readonly checkpoint?: string;
  /** write the trained weights (safetensors) here */
  readonly save?: string;
  readonly progress?: ProgressSink;
  /** called once the network is built, before training */
  readonly onStart?: (plan: RetrainPlan) => void;
}

export interface RetrainPlan {
  readonly from: string;
  readonly space: string;
  readonly stack: Readonly<Record<string, Json>>;
  readonly params: number;
  readonly macs: number;
  readonly dataset: string;
  readonly trainExamples: number;
  readonly recipe: Recipe;
}

export interface RetrainResult {
  readonly from: string;
  readonly space: string;
  readonly key: string;
  readonly stack: Readonly<Record<string, Json>>;
  readonly params: number;
  readonly macs: number;
  readonly epochs: number;
  readonly recipe: Recipe;
  /** percent, as a study's valAccuracy */
  readonly testAccuracy: number;
  readonly testTop5Accuracy: number;
  readonly testLoss: number;
  readonly seconds: number;
  readonly resumed: boolean;
}

/** What is retrained: the genotype, its space, the stack to start from and the data set. */
interface Source {
  readonly space: AnySearchSpace;
  readonly genotype: Json;
  readonly stack: Record<string, Json>;
  /** a search stack, doubled in channels unless `channels` says otherwise (a described network is trained as it is) */
  readonly grow: boolean;
  readonly dataset: { readonly name: string; readonly root?: string };
  readonly from: string;
}

const asObject = (v: Json | undefined): Record<string, Json> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, Json>) } : {};

function fromDocument(r: RetrainRequest): Source {
  if (r.study !== undefined || r.trial !== undefined) {
    throw new SearchError(
      `a genotype document and ${r.study !== undefined ? 'a study' : 'a trial'} both name what to retrain; give one of them`,
      'invalid-request',
    );
  }
  const from = r.documentFrom ?? 'the genotype document';
  const doc = genotypeDocument(r.document, from);
  // the space by its own name, so another spelling of the document's space is no conflict
  const s = getSpace(documentSpace(doc, r.space === undefined ? undefined : getSpace(r.space).name));
  const defaults = s.defaultStack as Readonly<Record<string, Json>>;
  const stack: Record<string, Json> = {};
  for (const [k, v] of Object.entries(doc.stack ?? {})) {
    if (k === 'classes') continue; // set from the data set
    if (!(k in defaults)) {
      throw new SearchError(
        `${from}: stack field '${k}' is not a stack field of the space '${s.name}' (its fields: ${Object.keys(defaults).join(', ')}); remove it`,
        'invalid-document',
      );
    }
    stack[k] = v;
  }
  const name = r.dataset ?? doc.dataset?.name ?? 'fashion-mnist';
  // the document's data folder belongs to its data set only
  const root = r.dataRoot ?? (doc.dataset?.name === name ? doc.dataset.root : undefined);
  return { space: s, genotype: doc.genotype, stack, grow: doc.kind === 'study', dataset: { name, ...(root !== undefined ? { root } : {}) }, from };
}

function fromStudy(r: RetrainRequest): Promise<Source> {
  return withStorage(
    r.storage,
    async (storage) => {
      const s = await pickStudy(storage, r.study);
      const t = chooseTrial(s, await storage.trials(s.name), r.trial);
      const c = asObject(s.config);
      const d = asObject(c.dataset);
      if (r.space !== undefined && getSpace(r.space).name !== c.space) {
        throw new SearchError(
          `space ${r.space} conflicts with study '${s.name}', which searched the space '${String(c.space)}'; drop it (it names the space of a bare genotype)`,
          'invalid-request',
        );
      }
      return {
        space: getSpace(String(c.space)),
        genotype: t.genotype,
        stack: asObject(c.stack),
        grow: true,
        dataset: {
          name: r.dataset ?? (typeof d.name === 'string' ? d.name : 'fashion-mnist'),
          ...(r.dataRoot ? { root: r.dataRoot } : typeof d.root === 'string' ? { root: d.root } : {}),
        },
        from: `study '${s.name}' trial ${t.number}`,
      };
    },
    { mustExist: true },
  );
}

/** The final training's stack: `cells`/`channels`, else a search stack's channels doubled. */
function finalStack(src: Source, r: RetrainRequest, auxiliary: boolean): Record<string, Json> {
  const defaults = src.space.defaultStack as Readonly<Record<string, Json>>;
  const stack: Record<string, Json> = { ...src.stack };
  if (r.channels !== undefined) stack.channels = r.channels;
  else if (src.grow && typeof stack.channels === 'number') stack.channels = stack.channels * 2;
  if (r.cells !== undefined) {
    const field = 'cells' in defaults ? 'cells' : 'cellsPerStage' in defaults ? 'cellsPerStage' : null;
    if (!field)
      throw new SearchError(
        `cells: the space '${src.space.name}' has no cell count in its stack (fields: ${Object.keys(defaults).join(', ')})`,
        'invalid-request',
      );
    stack[field] = r.cells;
  }
  if ('channels' in stack && !('channels' in defaults)) delete stack.channels;
  if ('auxiliary' in defaults) stack.auxiliary = auxiliary;
  return stack;
}

export async function retrain(r: RetrainRequest): Promise<RetrainResult> {
  const torch = await import('../torch/index.js');
  const { DARTS_CIFAR_RECIPE, resolveRecipe, fit, evaluate, hasDropPath, silentProgress } = await import('../train/index.js');
  const { DataLoader } = await import('../data/index.js');
  const { estimateCost, stemTransform } = await import('../estimate/index.js');
  if (r.threads !== undefined) torch.setNumThreads(r.threads);
  const src = r.document !== undefined ? fromDocument(r) : await fromStudy(r);
  let data: NamedData;
  try {
    data = loadDataset(src.dataset.name, { root: src.dataset.root, limit: r.limit });
  } catch (e) {
    if (e instanceof DataError) throw new DataError(`dataset ${src.dataset.name}: ${e.message}`, e.code);
    throw e;
  }
  const [, h] = data.train.sampleShape as [number, number, number];
  // the CIFAR auxiliary head needs the 8x8 map that 32x32 inputs give at 2/3 of the depth
  const auxWeight = r.auxWeight ?? (h >= 32 ? 0.4 : 0);
  if (auxWeight > 0 && h < 32 && 'auxiliary' in src.space.defaultStack) {
    throw new SearchError(
      `auxWeight: the auxiliary head of '${src.space.name}' needs images of at least 32x32 (an 8x8 map at 2/3 of the depth); these are ${h}x${h}. Set it to 0`,
      'invalid-request',
    );
  }
  const stack = finalStack(src, r, auxWeight > 0);
  if ('classes' in src.space.defaultStack) stack.classes = data.train.numClasses;
  let genotype: Genotype;
  try {
    genotype = src.space.validate(src.genotype);
  } catch (e) {
    if (e instanceof SpaceError) throw new SpaceError(`${src.from}: ${e.message}`, e.code, e.path, e.allowed);
    throw e;
  }
  const normalize = stemTransform(src.space, data.train.sampleShape, data.normalize);
  const seed = r.seed ?? 0;
  torch.manualSeed(seed);
  let model: SpaceNetwork;
  try {
    model = src.space.build(genotype, stack);
  } catch (e) {
    if (e instanceof SpaceError) throw new SpaceError(`the final stack ${JSON.stringify(stack)}: ${e.message}`, e.code, e.path, e.allowed);
    throw e;
  }
  // drop path and the auxiliary head only where the network has them, so the record says what was used
  const recipe = resolveRecipe(
    {
      epochs: r.epochs ?? 10,
      batchSize: r.batchSize ?? 96,
      optimizer: { ...DARTS_CIFAR_RECIPE.optimizer, lr: r.lr ?? 0.025 },
      dropPath: hasDropPath(model) ? (r.dropPath ?? 0.2) : 0,
      auxiliaryWeight: stack.auxiliary === true ? auxWeight : 0,
      cutout: r.cutout ?? Math.round(h / 4),
      cropPadding: h >= 32 ? 4 : 2,
      seed,
    },
    DARTS_CIFAR_RECIPE,
  );
  const cost = estimateCost(src.space, genotype, { stack, input: { size: h, channels: src.space.defaultInput.channels } });
  r.onStart?.({
    from: src.from,
    space: src.space.name,
    stack,
    params: cost.params,
    macs: cost.macs,
    dataset: src.dataset.name,
    trainExamples: data.train.length,
    recipe,
  });
  try {
    const result = fit(model as never, { recipe, train: data.train, normalize, checkpointDir: r.checkpoint, progress: r.progress ?? silentProgress });
    const test = evaluate(model as never, new DataLoader(data.test, { batchSize: 500, shuffle: false, transform: normalize }));
    if (r.save) model.save(r.save, { space: src.space.name, key: src.space.key(genotype) });
    return {
      from: src.from,
      space: src.space.name,
      key: src.space.key(genotype),
      stack,
      params: cost.params,
      macs: cost.macs,
      epochs: recipe.epochs,
      recipe,
      testAccuracy: 100 * test.top1,
      testTop5Accuracy: 100 * test.top5,
      testLoss: test.loss,
      seconds: Math.round(result.seconds * 10) / 10,
      resumed: result.resumed,
    };
  } finally {
    model.dispose();
  }
}
