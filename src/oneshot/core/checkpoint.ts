// Epoch checkpoints of a one-shot search: the supernet's weights and buffers, the architecture
// parameters, every optimiser's state, libtorch's generator and the method's JSON counters
// (epoch, history, its own generator). The files are replaced as one set, `state.json` last
// (src/train's checkpoint-files.ts), so a checkpoint counts only once it is complete and a kill
// never mixes two; a search started on a folder with one resumes.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Module } from '../../nn/index.js';
import { type GroupOptions, type Optimizer, type OptimizerMeta } from '../../optim/index.js';
import { type Tensor, loadSafetensors, noGrad, rngState, saveSafetensors, setRngState, tensor } from '../../torch/index.js';
import { commitFileSet, fileOf, nextFileSet } from '../../train/index.js';
import { type Json } from '../../util/index.js';
import { OneShotError } from './errors.js';

export interface SearchCheckpoint {
  /** the supernet (weights and BN statistics) */
  model: Module;
  /** architecture parameters by name (θ, α), copied in place on load */
  arch: Record<string, Tensor>;
  optimizers: Record<string, Optimizer<GroupOptions>>;
}

interface StateJson {
  version: 1;
  /** which save wrote the files (src/train's checkpoint-files.ts); absent in checkpoints of older nasforge */
  generation?: number;
  method: string;
  space: string;
  optimizers: Record<string, OptimizerMeta>;
  /** libtorch's CPU generator, base64 */
  rng: string;
  state: Json;
}

const STATE = 'state.json';
const FILES = ['supernet.safetensors', 'search.safetensors'];

export function hasSearchCheckpoint(dir: string): boolean {
  return existsSync(join(dir, STATE));
}

export function saveSearchCheckpoint(dir: string, method: string, space: string, ck: SearchCheckpoint, state: Json): void {
  mkdirSync(dir, { recursive: true });
  const set = nextFileSet(dir, STATE);
  saveSafetensors(set.file('supernet.safetensors'), ck.model.stateDict());
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(ck.arch)) tensors[`arch.${k}`] = t;
  const optimizers: Record<string, OptimizerMeta> = {};
  for (const [name, opt] of Object.entries(ck.optimizers)) {
    const sd = opt.stateDict();
    optimizers[name] = sd.meta;
    for (const [k, t] of Object.entries(sd.tensors)) tensors[`opt.${name}.${k}`] = t;
  }
  saveSafetensors(set.file('search.safetensors'), tensors);
  const g = rngState();
  const json: StateJson = { version: 1, method, space, optimizers, rng: Buffer.from(g.data().buffer as ArrayBuffer).toString('base64'), state };
  g.dispose();
  commitFileSet(dir, STATE, set, FILES, json);
}

/** Restores everything in `ck` and the generator; returns the method's JSON state. */
export function loadSearchCheckpoint(dir: string, method: string, space: string, ck: SearchCheckpoint): Json {
  let json: StateJson;
  try {
    json = JSON.parse(readFileSync(join(dir, STATE), 'utf8')) as StateJson;
  } catch (e) {
    throw new OneShotError(`cannot read the ${method} checkpoint in ${dir}: ${(e as Error).message}; delete the folder to start over`, 'checkpoint');
  }
  if (json.version !== 1 || json.method !== method || json.space !== space) {
    throw new OneShotError(
      `the checkpoint in ${dir} is of method '${json.method}' on space '${json.space}' (version ${json.version}), not ${method} on ${space}; use another workdir or delete it`,
      'checkpoint',
    );
  }
  try {
    ck.model.load(fileOf(dir, json, 'supernet.safetensors'));
  } catch (e) {
    throw new OneShotError(
      `the supernet in ${dir} does not match this search (${(e as Error).message}); the stack or options changed: use another workdir`,
      'checkpoint',
    );
  }
  const { tensors } = loadSafetensors(fileOf(dir, json, 'search.safetensors'));
  try {
    noGrad(() => {
      for (const [k, t] of Object.entries(ck.arch)) {
        const src = tensors[`arch.${k}`];
        if (src === undefined || src.shape.join(',') !== t.shape.join(',')) {
          throw new OneShotError(`the checkpoint in ${dir} has no architecture parameter '${k}' of shape [${t.shape}]; use another workdir`, 'checkpoint');
        }
        t.copy_(src);
      }
    });
    for (const [name, opt] of Object.entries(ck.optimizers)) {
      const meta = json.optimizers[name];
      if (meta === undefined) throw new OneShotError(`the checkpoint in ${dir} has no state of optimiser '${name}'`, 'checkpoint');
      const prefix = `opt.${name}.`;
      const own = Object.fromEntries(
        Object.entries(tensors)
          .filter(([k]) => k.startsWith(prefix))
          .map(([k, t]) => [k.slice(prefix.length), t]),
      );
      opt.loadStateDict({ meta, tensors: own });
    }
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
  const bytes = Buffer.from(json.rng, 'base64');
  const g = tensor(new Uint8Array(bytes), [bytes.length], { dtype: 'uint8' });
  setRngState(g);
  g.dispose();
  return json.state;
}
