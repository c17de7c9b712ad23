// Strategy.forget, as the study calls it for failed trials and dropped proposals: aging
// evolution stops counting a forgotten random proposal as outstanding (by key), reads the
// count of older states, and the halving scheduler forgets its failed trainings in its inner
// strategy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getSpace } from '../../src/spaces/index.js';
import { type Strategy, createHalving, createStrategy, evolutionStrategy } from '../../src/strategies/index.js';

const space = getSpace('nas-bench-macro');
const neighbours = (x: string, y: string): boolean => [...x].filter((ch, i) => ch !== y[i]).length === 1;

test('evolution: forgotten random proposals free their place, so the random phase lasts until P results are in', () => {
  const evo = createStrategy('evolution', space, { seed: 3, populationSize: 4, sampleSize: 2 });
  const first = evo.ask(4).map((g) => ({ genotype: g, key: space.key(g) }));
  evo.forget!([first[1]!, first[3]!]); // two failed
  evo.tell([first[0]!, first[2]!].map((p, i) => ({ ...p, metrics: {}, score: 50 + i })));
  assert.deepEqual(evo.state().outstanding, []);
  const next = evo.ask(2).map((g) => space.key(g));
  // two members and nothing outstanding: the next two are random samples, not mutations
  for (const k of next) assert.ok(![first[0]!.key, first[2]!.key].some((m) => neighbours(m, k)), `${k} is a mutation`);
  assert.deepEqual(evo.state().outstanding, next);
  evo.forget!([{ genotype: {}, key: 'never-asked' }]);
  assert.deepEqual(evo.state().outstanding, next, 'forgetting an unknown key changes nothing');
});

test('evolution: an older state with an outstanding count still restores; each tell or forget clears one', () => {
  const evo = createStrategy('evolution', space, { seed: 1, populationSize: 3, sampleSize: 1 });
  evo.ask(2);
  const old = { ...evo.state(), outstanding: 2 };
  const back = evolutionStrategy.restore(space, old);
  back.forget!([{ genotype: {}, key: 'x' }]);
  assert.deepEqual(back.state().outstanding, ['']);
});

test('halving: a failed training is forgotten by the inner strategy; a finished one is told', () => {
  const forgotten: string[] = [];
  const told: string[] = [];
  const inner = createStrategy('random', space, { seed: 0 });
  const spy: Strategy = {
    kind: inner.kind,
    ask: (n) => inner.ask(n),
    tell: (r) => {
      told.push(...r.map((x) => x.key));
      inner.tell(r);
    },
    forget: (p) => {
      forgotten.push(...p.map((x) => x.key));
    },
    state: () => inner.state(),
  };
  const hb = createHalving(space, spy, { minBudget: 1, maxBudget: 3, eta: 3, mode: 'halving', configs: 3 });
  const jobs = [hb.next()!, hb.next()!, hb.next()!];
  hb.report(jobs[0]!.key, 1, null);
  hb.report(jobs[1]!.key, 1, 60);
  hb.report(jobs[2]!.key, 1, 70);
  assert.deepEqual(forgotten, [jobs[0]!.key]);
  assert.deepEqual(told, [jobs[1]!.key], 'the rung completes: the stopped one is told, the best goes on');
  assert.equal(hb.next()!.key, jobs[2]!.key);
});
