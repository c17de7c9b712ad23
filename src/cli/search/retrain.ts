// `nasforge retrain`: flags → the search facade's retrain → the test accuracy printed.
import { type RetrainPlan, retrain as retrainGenotype } from '../../search/index.js';
import { intFlag, numFlag } from '../flags.js';
import { readGenotypeArg } from '../genotype-doc.js';
import { storageFlag } from './storage-flag.js';

export interface RetrainFlags {
  study?: string;
  storage?: string;
  genotype?: string;
  space?: string;
  trial?: string;
  epochs: string;
  cells?: string;
  channels?: string;
  batchSize: string;
  lr: string;
  cutout?: string;
  dropPath: string;
  auxWeight?: string;
  dataset?: string;
  dataRoot?: string;
  limit?: string;
  seed: string;
  threads?: string;
  checkpoint?: string;
  save?: string;
  json?: boolean;
}

const opt = <T>(v: string | undefined, read: (s: string) => T): T | undefined => (v === undefined ? undefined : read(v));

export async function retrain(f: RetrainFlags): Promise<void> {
  const doc = f.genotype === undefined ? undefined : readGenotypeArg(f.genotype);
  const quiet = Boolean(f.json);
  const { progressBar } = await import('../../train/index.js');
  const request = {
    ...(doc ? { document: doc.data, documentFrom: doc.from } : { storage: storageFlag(f.storage) }),
    study: f.study,
    trial: opt(f.trial, (v) => intFlag('trial', v, 0)),
    space: f.space,
    epochs: intFlag('epochs', f.epochs, 1),
    cells: opt(f.cells, (v) => intFlag('cells', v, 1)),
    channels: opt(f.channels, (v) => intFlag('channels', v, 1)),
    batchSize: intFlag('batch-size', f.batchSize, 1),
    lr: numFlag('lr', f.lr),
    cutout: opt(f.cutout, (v) => intFlag('cutout', v, 0)),
    dropPath: numFlag('drop-path', f.dropPath),
    auxWeight: opt(f.auxWeight, (v) => numFlag('aux-weight', v)),
    dataset: f.dataset,
    dataRoot: f.dataRoot,
    limit: opt(f.limit, (v) => intFlag('limit', v, 1)),
    seed: intFlag('seed', f.seed, 0),
    threads: opt(f.threads, (v) => intFlag('threads', v, 1)),
    checkpoint: f.checkpoint,
    save: f.save,
    ...(quiet ? {} : { progress: progressBar('retrain', { unitsPerItem: intFlag('batch-size', f.batchSize, 1), unit: 'img' }) }),
    onStart: quiet
      ? undefined
      : (p: RetrainPlan) => {
          process.stderr.write(
            `retraining ${p.from} (${p.space}) at stack ${JSON.stringify(p.stack)}: ${p.params} parameters, ${p.macs} MACs; ` +
              `${p.trainExamples} ${p.dataset} training images, ${p.recipe.epochs} epochs, cutout ${p.recipe.cutout}, drop path ${p.recipe.dropPath}, auxiliary weight ${p.recipe.auxiliaryWeight}\n`,
          );
        },
  };
  const out = await retrainGenotype(request);
  if (f.json) console.log(JSON.stringify(out));
  else
    console.log(
      `test accuracy ${out.testAccuracy.toFixed(2)}% (top-5 ${out.testTop5Accuracy.toFixed(2)}%) after ${out.epochs} epochs, ${out.seconds} s of training, ${out.params} parameters`,
    );
}
