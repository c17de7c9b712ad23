// Successive halving / Hyperband around a strategy, with a synthetic learning curve:
// score = f(arch) − c/epochs + noise.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/util/index.js';
import { SPACES, type Genotype } from '../../src/spaces/index.js';
import {
  StrategyError,
  bracketBudget,
  createHalving,
  createStrategy,
  hyperbandBrackets,
  restoreHalving,
  type HalvingJob,
  type HyperbandScheduler,
  type Strategy,
  type TrialResult,
} from '../../src/strategies/index.js';

const space = SPACES.find((x) => x.name === 'nas-bench-macro')!;

/** A stable pseudo-accuracy in [60, 95) from the key. */
function f(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619) >>> 0;
  return 60 + (h % 35000) / 1000;
}

/** The synthetic learning curve: the architecture's final accuracy minus c/epochs, plus noise. */
function curve(noise: Rng | undefined) {
  return (job: HalvingJob): number => f(job.key) - 20 / job.fidelity + (noise ? (noise.int(2001) - 1000) / 1000 : 0);
}

/** A strategy that records what it is told. */
function spy(inner: Strategy): Strategy & { told: TrialResult[] } {
  const told: TrialResult[] = [];
  return {
    kind: inner.kind,
    told,
    ask: (n) => inner.ask(n),
    tell: (r) => {
      told.push(...r);
      inner.tell(r);
    },
    state: () => inner.state(),
  };
}

interface Done {
  job: HalvingJob;
  score: number;
}

/** `workers` parallel workers: keep them busy via next(), then report the oldest running job. */
function drive(hb: HyperbandScheduler, evaluate: (j: HalvingJob) => number, workers: number, steps: number, log: Done[] = []): Done[] {
  const running: HalvingJob[] = [];
  for (let t = 0; t < steps; t++) {
    while (running.length < workers) {
      const j = hb.next();
      if (!j) break;
      running.push(j);
    }
    const j = running.shift();
    if (!j) break;
    const score = evaluate(j);
    hb.report(j.key, j.fidelity, score, { valAccuracy: score });
    log.push({ job: j, score });
  }
  return log;
}

test("Hyperband's brackets for R = 81, η = 3 are the paper's table", () => {
  const b = hyperbandBrackets(1, 81, 3);
  assert.deepEqual(
    b.map((r) => r.map((x) => x.configs)),
    [[81, 27, 9, 3, 1], [34, 11, 3, 1], [15, 5, 1], [8, 2], [5]],
  );
  assert.deepEqual(
    b.map((r) => r.map((x) => x.budget)),
    [[1, 3, 9, 27, 81], [3, 9, 27, 81], [9, 27, 81], [27, 81], [81]],
  );
  // each bracket spends about B = (s_max + 1)·R = 405
  assert.deepEqual(b.map(bracketBudget), [405, 363, 351, 378, 405]);
  assert.deepEqual(
    hyperbandBrackets(2, 18, 3).map((r) => r.map((x) => [x.configs, x.budget])),
    [
      [
        [9, 2],
        [3, 6],
        [1, 18],
      ],
      [
        [5, 6],
        [1, 18],
      ],
      [[3, 18]],
    ],
  );
});

test('one Hyperband iteration: every bracket spends the formula, promotions are the top 1/η of each rung', () => {
  const inner = spy(createStrategy('random', space, { seed: 1 }));
  const hb = createHalving(space, inner, { minBudget: 1, maxBudget: 81, eta: 3, brackets: 5 });
  const log = drive(hb, curve(new Rng(5)), 1, 10_000);
  assert.ok(hb.finished);
  assert.equal(hb.next(), undefined, 'nothing after the last bracket');
  const plans = hyperbandBrackets(1, 81, 3);
  for (let b = 0; b < 5; b++) {
    const mine = log.filter((d) => d.job.bracket === b);
    assert.equal(
      mine.reduce((a, d) => a + d.job.fidelity, 0),
      bracketBudget(plans[b]!),
      `bracket ${b} budget`,
    );
    for (let i = 0; i < plans[b]!.length; i++) {
      const rung = mine.filter((d) => d.job.rung === i);
      assert.equal(rung.length, plans[b]![i]!.configs);
      assert.ok(rung.every((d) => d.job.fidelity === plans[b]![i]!.budget));
      const next = mine.filter((d) => d.job.rung === i + 1);
      if (next.length === 0) continue;
      const top = [...rung]
        .sort((x, y) => y.score - x.score)
        .slice(0, Math.floor(rung.length / 3))
        .map((d) => d.job.key);
      assert.deepEqual(next.map((d) => d.job.key).sort(), top.sort(), `bracket ${b} rung ${i + 1} holds the top third of rung ${i}`);
      assert.ok(next.every((d) => d.job.promotedFrom === plans[b]![i]!.budget));
    }
  }
  // the inner strategy hears of each configuration once, at the highest fidelity it reached
  const proposed = log.filter((d) => d.job.rung === 0);
  assert.equal(inner.told.length, proposed.length);
  for (const t of inner.told) {
    const last = log.filter((d) => d.job.key === t.key).sort((x, y) => y.job.fidelity - x.job.fidelity)[0]!;
    assert.equal(t.score, last.score);
  }
});

test('without noise, the configuration that reaches the top rung is the best of the first rung', () => {
  const hb = createHalving(space, createStrategy('random', space, { seed: 2 }), { minBudget: 1, maxBudget: 27, mode: 'halving', brackets: 3 });
  const log = drive(hb, curve(undefined), 1, 10_000);
  for (let b = 0; b < 3; b++) {
    const first = log.filter((d) => d.job.bracket === b && d.job.rung === 0);
    assert.equal(first.length, 27);
    const top = log.filter((d) => d.job.bracket === b && d.job.fidelity === 27);
    assert.equal(top.length, 1);
    assert.equal(f(top[0]!.job.key), Math.max(...first.map((d) => f(d.job.key))));
  }
});

test('parallel workers: next() waits at a full rung with maxActive 1, starts a new bracket with more', () => {
  const hb = createHalving(space, createStrategy('random', space, { seed: 3 }), { minBudget: 1, maxBudget: 9, mode: 'halving' });
  const handed = Array.from({ length: 9 }, () => hb.next()!);
  assert.ok(handed.every((j) => j.rung === 0 && j.fidelity === 1));
  assert.equal(hb.next(), undefined, 'the first rung is handed out and no result is in');
  assert.equal(hb.pending, 9);
  const two = createHalving(space, createStrategy('random', space, { seed: 3 }), { minBudget: 1, maxBudget: 9, mode: 'halving', maxActive: 2 });
  for (let i = 0; i < 9; i++) two.next();
  assert.equal(two.next()!.bracket, 1);
});

test('failed trainings are never promoted; unknown reports are refused', () => {
  const inner = spy(createStrategy('random', space, { seed: 4 }));
  const hb = createHalving(space, inner, { minBudget: 1, maxBudget: 3, mode: 'halving', configs: 3 });
  const jobs = [hb.next()!, hb.next()!, hb.next()!];
  assert.throws(
    () => hb.report('nope', 1, 50),
    (e: unknown) => e instanceof StrategyError && /no job for 'nope' at fidelity 1/.test(e.message),
  );
  assert.throws(
    () => hb.report(jobs[0]!.key, 1, Number.NaN),
    (e: unknown) => e instanceof StrategyError && /null for a failed training/.test(e.message),
  );
  hb.report(jobs[0]!.key, 1, null);
  hb.report(jobs[1]!.key, 1, 10);
  hb.report(jobs[2]!.key, 1, 20);
  const promoted = hb.next()!;
  assert.equal(promoted.key, jobs[2]!.key);
  assert.equal(promoted.fidelity, 3);
  assert.deepEqual(
    inner.told.map((t) => t.key),
    [jobs[1]!.key],
    'told the stopped one, not the failed one',
  );
  assert.throws(() => createHalving(space, inner, { minBudget: 1, maxBudget: 9, eta: 1 }), /'eta' must be a number above 1/);
  assert.throws(() => createHalving(space, inner, { minBudget: 10, maxBudget: 9 }), /'maxBudget' must be a number of at least minBudget/);
});

test('the state is JSON and resumes exactly, with jobs still running', () => {
  const make = (): HyperbandScheduler =>
    createHalving(space, createStrategy('evolution', space, { seed: 6, populationSize: 10, sampleSize: 3 }), { minBudget: 1, maxBudget: 27, maxActive: 2 });
  const a = make();
  const noiseA = new Rng(8);
  drive(a, curve(noiseA), 4, 150);
  // hand out two more and stop mid-rung
  const open = [a.next()!, a.next()!];
  const saved = JSON.parse(JSON.stringify(a.state())) as ReturnType<HyperbandScheduler['state']>;
  const b = restoreHalving(space, saved);
  assert.deepEqual(b.state(), a.state());
  const noiseB = Rng.fromState(noiseA.state());
  const ev = (noise: Rng) => curve(noise);
  for (const j of open) {
    const s = f(j.key);
    a.report(j.key, j.fidelity, s);
    b.report(j.key, j.fidelity, s);
  }
  const la = drive(a, ev(noiseA), 4, 200).map((d) => [d.job.key, d.job.fidelity, d.job.bracket]);
  const lb = drive(b, ev(noiseB), 4, 200).map((d) => [d.job.key, d.job.fidelity, d.job.bracket]);
  assert.deepEqual(lb, la);
  assert.throws(() => restoreHalving(SPACES.find((x) => x.name !== space.name)!, saved), /saved on space/);
});

test('the genotypes handed out are valid genotypes of the space', () => {
  const hb = createHalving(space, createStrategy('random', space, { seed: 7 }), { minBudget: 3, maxBudget: 27 });
  const j: Genotype = hb.next()!.genotype;
  assert.doesNotThrow(() => space.validate(JSON.parse(JSON.stringify(j))));
});
