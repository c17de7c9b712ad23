// The epoch loop every weight-sharing method shares: resume from the workdir's checkpoint, run the
// method's epochs, checkpoint and report after each, stop cleanly when the signal fires.
import { Rng, type Json } from '../../util/index.js';
import { type Metrics } from '../../strategies/index.js';
import { type OneShotContext } from './method.js';
import { type SearchCheckpoint, hasSearchCheckpoint, loadSearchCheckpoint, saveSearchCheckpoint } from './checkpoint.js';

export interface LoopState {
  /** the next epoch to run */
  epoch: number;
  history: Metrics[];
  /** seconds spent before this process */
  seconds: number;
  /** the method's own generator (path sampling) */
  rng: Rng;
  /** the method's own counters (temperature, steps...) */
  extra: Json;
}

export interface LoopResult {
  history: Metrics[];
  /** epochs completed in all */
  epochs: number;
  resumed: boolean;
  /** the signal fired before the last epoch */
  stoppedEarly: boolean;
  seconds: number;
}

export interface LoopSpec {
  method: string;
  ctx: OneShotContext;
  epochs: number;
  ck: SearchCheckpoint;
  /** the generator a fresh search starts with */
  rng: Rng;
  extra: Json;
  /** one epoch; returns its metrics, or null when the signal fired mid-epoch */
  epoch(e: number, state: LoopState): Metrics | null;
}

export function runEpochs(s: LoopSpec): LoopResult & { state: LoopState } {
  const { ctx } = s;
  let state: LoopState = { epoch: 0, history: [], seconds: 0, rng: s.rng, extra: s.extra };
  let resumed = false;
  if (hasSearchCheckpoint(ctx.workdir)) {
    const j = loadSearchCheckpoint(ctx.workdir, s.method, ctx.space.name, s.ck) as {
      epoch: number;
      history: Metrics[];
      seconds: number;
      rng: number[];
      extra: Json;
    };
    state = { epoch: j.epoch, history: j.history, seconds: j.seconds, rng: Rng.fromState(j.rng), extra: j.extra };
    resumed = true;
    ctx.log?.(`${s.method}: resumed from ${ctx.workdir} at epoch ${state.epoch}`);
  }
  const started = Date.now() - state.seconds * 1000;
  let stoppedEarly = false;
  while (state.epoch < s.epochs) {
    if (ctx.signal?.aborted) {
      stoppedEarly = true;
      break;
    }
    const e = state.epoch;
    const m = s.epoch(e, state);
    if (m === null) {
      stoppedEarly = true;
      break;
    }
    state.history.push(m);
    state.epoch = e + 1;
    state.seconds = (Date.now() - started) / 1000;
    saveSearchCheckpoint(ctx.workdir, s.method, ctx.space.name, s.ck, {
      epoch: state.epoch,
      history: state.history as Json,
      seconds: state.seconds,
      rng: state.rng.state(),
      extra: state.extra,
    });
    ctx.log?.(
      `${s.method}: epoch ${e + 1}/${s.epochs} ${Object.entries(m)
        .map(([k, v]) => `${k} ${Number(v.toPrecision(4))}`)
        .join(' ')}`,
    );
    ctx.report?.(e, m);
  }
  if (state.epoch < s.epochs) stoppedEarly = true;
  return { history: state.history, epochs: state.epoch, resumed, stoppedEarly, seconds: (Date.now() - started) / 1000, state };
}
