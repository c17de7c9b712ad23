// A multi-fidelity scheduler (successive halving or Hyperband, src/strategies/halving.ts) as the
// study's searcher: each of its jobs is a trial with `fidelity` (the budget, e.g. epochs),
// `bracket`, `rung` and, for a promotion, `parent` (the trial of the rung below, whose
// checkpoint the evaluator may start from). Finished trials are reported to it (failed and
// pruned ones as null: never promoted); trials it did not schedule (added by a user) go to its
// inner strategy. The same genotype at another fidelity is another trial, not a duplicate.
import { type HyperbandScheduler, type StrategyState, StrategyError } from '../strategies/index.js';
import { type Sql, num } from './db.js';
import { type FinishedTrial, type SearchOptions, type Searcher, FINISHED_COLUMNS, finishedOf, insertRunning } from './searcher.js';
import { hearInOrder } from './strategy-searcher.js';
import { type StudyDefinition } from './types.js';

export class SchedulerSearcher implements Searcher {
  constructor(readonly scheduler: HyperbandScheduler) {}

  hear(trials: readonly FinishedTrial[], o: SearchOptions): void {
    for (const t of trials) {
      if (t.bracket === null || t.fidelity === null) {
        hearInOrder(this.scheduler.inner, [t]);
        continue;
      }
      const score = t.state === 'complete' ? t.score : null;
      try {
        this.scheduler.report(t.key, t.fidelity, score, t.metrics ?? {});
      } catch (e) {
        // a result the scheduler does not wait for must not stop the study: say so and go on
        if (!(e instanceof StrategyError)) throw e;
        o.log(`trial ${t.number}: the scheduler was not waiting for it (${e.message}); its result is kept but not used`);
      }
    }
  }

  /**
   * The scheduler's next job as a new trial; null while it waits for a rung to complete. A job
   * whose genotype already completed at the same fidelity is not trained again: the stored
   * result is reported and the next job drawn (up to `maxReask` times).
   */
  async propose(tx: Sql, def: StudyDefinition, now: number, o: SearchOptions): Promise<number | null> {
    let reused = 0;
    for (let i = 0; ; i++) {
      const job = this.scheduler.next();
      if (!job) {
        if (reused) o.log(`${reused} scheduled trainings reused complete trials' results`);
        return null;
      }
      if (i < o.maxReask) {
        const dup = await tx.all(
          `SELECT ${FINISHED_COLUMNS} FROM trials WHERE study = $1 AND key = $2 AND fidelity = $3 AND state = 'complete' ORDER BY number LIMIT 1`,
          [def.name, job.key, job.fidelity],
        );
        if (dup.length > 0) {
          const t = finishedOf(dup[0]!, def.name);
          this.scheduler.report(job.key, job.fidelity, t.score, t.metrics ?? {});
          reused++;
          continue;
        }
      }
      let parent: number | null = null;
      if (job.promotedFrom !== undefined) {
        const rows = await tx.all(
          "SELECT number FROM trials WHERE study = $1 AND key = $2 AND fidelity = $3 AND state = 'complete' ORDER BY CASE WHEN bracket = $4 THEN 0 ELSE 1 END, number DESC LIMIT 1",
          [def.name, job.key, job.promotedFrom, job.bracket],
        );
        parent = rows.length ? num(rows[0]!.number) : null;
      }
      const number = await insertRunning(
        tx,
        def,
        {
          genotype: job.genotype,
          key: job.key,
          fidelity: job.fidelity,
          bracket: job.bracket,
          rung: job.rung,
          parent,
        },
        now,
        o,
      );
      if (reused) o.log(`trial ${number}: ${reused} scheduled trainings reused complete trials' results`);
      return number;
    }
  }

  state(): StrategyState {
    return this.scheduler.state();
  }
}
