// The study's strategy as its searcher: told every complete result, asked to forget failed and
// pruned trials and the proposals the study drops, asked for one genotype per new trial.
import { type Strategy, type TrialResult } from '../strategies/index.js';
import { type Sql, num } from './db.js';
import { StudyError } from './errors.js';
import { type FinishedTrial, type SearchOptions, type Searcher, FINISHED_COLUMNS, finishedOf, insertRunning, resultOf } from './searcher.js';
import { type StudyDefinition } from './types.js';

export class StrategySearcher implements Searcher {
  constructor(readonly strategy: Strategy) {}

  hear(trials: readonly FinishedTrial[]): void {
    hearInOrder(this.strategy, trials);
  }

  /**
   * Asks for a proposal whose key is neither pending nor complete. A complete duplicate is not
   * evaluated again: its stored result is told as the result of the new proposal (what a
   * re-evaluation by a deterministic evaluator would give) and another proposal is drawn; a
   * pending one is forgotten. After `maxReask` duplicates the space is taken as exhausted and
   * the last one is evaluated again.
   */
  async propose(tx: Sql, def: StudyDefinition, now: number, o: SearchOptions): Promise<number> {
    let genotype: object | null = null;
    let key = '';
    let pending = 0;
    let complete = 0;
    for (let i = 0; i <= o.maxReask; i++) {
      const [g] = this.strategy.ask(1);
      if (!g) throw new StudyError(`strategy '${def.strategy.name}' proposed nothing`, 'invalid-trial');
      genotype = g;
      key = def.space.key(g);
      const dup = await tx.all(
        `SELECT ${FINISHED_COLUMNS} FROM trials WHERE study = $1 AND key = $2 AND state IN ('queued', 'running', 'complete') ORDER BY number LIMIT 1`,
        [def.name, key],
      );
      if (dup.length === 0) break;
      if (i === o.maxReask) o.log(`no new architecture after ${o.maxReask + 1} proposals: the space looks exhausted, evaluating ${key} again`);
      else if (dup[0]!.state === 'complete') {
        this.strategy.tell([{ ...resultOf(finishedOf(dup[0]!, def.name)), genotype: g }]);
        complete++;
      } else {
        this.strategy.forget?.([{ genotype: g, key }]);
        pending++;
      }
    }
    const number = await insertRunning(tx, def, { genotype: genotype!, key }, now, o);
    if (pending + complete > 0)
      o.log(`trial ${number}: skipped ${pending + complete} duplicate proposals (${complete} complete, told their results; ${pending} pending)`);
    return number;
  }

  state() {
    return this.strategy.state();
  }
}

/** Complete trials are told, failed and pruned ones forgotten, keeping their finish order. */
export function hearInOrder(strategy: Strategy, trials: readonly FinishedTrial[]): void {
  let batch: TrialResult[] = [];
  const flush = (): void => {
    if (batch.length) strategy.tell(batch);
    batch = [];
  };
  for (const t of trials) {
    if (t.state === 'complete' && t.score !== null) batch.push(resultOf(t));
    else {
      flush();
      strategy.forget?.([{ genotype: t.genotype, key: t.key }]);
    }
  }
  flush();
}

/** The numbers of `trials` as an SQL list (they are integers read from the database). */
export function numberList(trials: readonly { number: number }[]): string {
  return trials.map((t) => num(t.number)).join(', ');
}
