// Checkpoints that resume training exactly: model weights and buffers, optimiser state, the
// loader's position, the global generator and the trainer's counters. The files are replaced as
// one set (checkpoint-files.ts), so a kill at any moment leaves a whole checkpoint to resume.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LoaderState } from '../data/index.js';
import { type Module } from '../nn/index.js';
import { type GroupOptions, type Optimizer, type OptimizerMeta } from '../optim/index.js';
import { loadSafetensors, rngState, saveSafetensors, setRngState, tensor } from '../torch/index.js';
import { commitFileSet, fileOf, nextFileSet } from './checkpoint-files.js';
import { TrainError } from './errors.js';

export interface TrainerCounters {
  /** optimiser steps taken */
  step: number;
  /** seconds spent training before this checkpoint */
  elapsedSec: number;
  history: EpochRecord[];
  /** the loss divergence is judged against (see divergence.ts), kept so a resumed run judges alike */
  lossReference?: number;
}

/** One epoch of training. `*Top1` are fractions in [0, 1]; what users see (CLI, studies) is percent, named `*Accuracy`. */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainTop1: number;
  lr: number;
  seconds: number;
  valTop1?: number;
  valLoss?: number;
}

interface CheckpointJson {
  version: 1;
  /** which save wrote the files (checkpoint-files.ts); absent in checkpoints of older nasforge */
  generation?: number;
  counters: TrainerCounters;
  loader: LoaderState;
  optimizer: OptimizerMeta;
  /** the CPU generator state, base64 */
  rng: string;
}

const MANIFEST = 'trainer.json';
const FILES = ['model.safetensors', 'optimizer.safetensors'];

export function saveCheckpoint(dir: string, model: Module, opt: Optimizer<GroupOptions>, loader: LoaderState, counters: TrainerCounters): void {
  mkdirSync(dir, { recursive: true });
  const { meta, tensors } = opt.stateDict();
  const set = nextFileSet(dir, MANIFEST);
  saveSafetensors(set.file('model.safetensors'), model.stateDict());
  saveSafetensors(set.file('optimizer.safetensors'), tensors);
  const rng = rngState();
  const json: CheckpointJson = {
    version: 1,
    counters,
    loader,
    optimizer: meta,
    rng: Buffer.from(rng.data().buffer as ArrayBuffer).toString('base64'),
  };
  rng.dispose();
  // trainer.json last: a checkpoint counts only once it names its files
  commitFileSet(dir, MANIFEST, set, FILES, json);
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, MANIFEST));
}

/** Restore model, optimiser and generator; returns the loader position and counters. */
export function loadCheckpoint(dir: string, model: Module, opt: Optimizer<GroupOptions>): { loader: LoaderState; counters: TrainerCounters } {
  let json: CheckpointJson;
  try {
    json = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as CheckpointJson;
  } catch (e) {
    throw new TrainError(`cannot read the checkpoint in ${dir}: ${(e as Error).message}; delete the folder to start over`, 'checkpoint');
  }
  if (json.version !== 1) throw new TrainError(`checkpoint ${dir} has version ${json.version}; this nasforge reads version 1`, 'checkpoint');
  model.load(fileOf(dir, json, 'model.safetensors'));
  const { tensors } = loadSafetensors(fileOf(dir, json, 'optimizer.safetensors'));
  try {
    opt.loadStateDict({ meta: json.optimizer, tensors });
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
  const bytes = Buffer.from(json.rng, 'base64');
  const state = tensor(new Uint8Array(bytes), [bytes.length], { dtype: 'uint8' });
  setRngState(state);
  state.dispose();
  return { loader: json.loader, counters: json.counters };
}
