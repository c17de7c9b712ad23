// Performance predictors for model-based strategies (PNAS, POPNAS): fitted on the results so
// far, they rank candidates before any is trained. Their networks are the strategies' own.
import { getNumThreads, setNumThreads } from '../../torch/index.js';
import { type AnySearchSpace } from '../../spaces/index.js';
import { fitLstm } from './lstm.js';
import { fitMlpEnsemble } from './mlp-ensemble.js';
import { type Surrogate, type SurrogateOptions } from './types.js';

export { type Surrogate, type SurrogateKind, type SurrogateOptions, SURROGATE_KINDS, standardize } from './types.js';
export { MlpEnsemble, fitMlpEnsemble } from './mlp-ensemble.js';
export { LstmRegressor, fitLstm } from './lstm.js';

/**
 * A surrogate of `o.kind` fitted from scratch to (decisions[i], targets[i]); needs at least one
 * example. The same data and seed give the same surrogate.
 */
export function fitSurrogate(space: AnySearchSpace, decisions: readonly (readonly number[])[], targets: readonly number[], o: SurrogateOptions): Surrogate {
  if (decisions.length === 0 || decisions.length !== targets.length) {
    throw new RangeError(`a surrogate needs as many targets as architectures (at least one), got ${decisions.length} and ${targets.length}`);
  }
  const fitted = oneThread(() => (o.kind === 'lstm' ? fitLstm(space, decisions, targets, o) : fitMlpEnsemble(space, decisions, targets, o)));
  return { predict: (cands) => oneThread(() => fitted.predict(cands)) };
}

/**
 * Runs `fn` on one libtorch thread and restores the count after: these networks are far too
 * small to gain from threads, and on a loaded machine the threads' synchronisation made a
 * 300-query search 8x slower (26 s instead of 3 s on NAS-Bench-201).
 */
function oneThread<T>(fn: () => T): T {
  const threads = getNumThreads();
  if (threads === 1) return fn();
  setNumThreads(1);
  try {
    return fn();
  } finally {
    setNumThreads(threads);
  }
}
