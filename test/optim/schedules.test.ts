// Learning-rate schedules against PyTorch's schedulers (fixture) and against their formulas.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zeros } from '../../src/torch/index.js';
import { OptimizerError, SGD, Scheduler, constant, cosine, exponentialDecay, stepDecay, warmup, type Schedule } from '../../src/optim/index.js';
import { fixture } from './problem.js';

const close = (a: number, b: number, tol = 1e-12): boolean => Math.abs(a - b) <= tol;

/** Applies `s` through a Scheduler on an optimiser with one group per base lr, for t = 0..n. */
function viaScheduler(s: Schedule, bases: readonly number[], n: number): number[][] {
  const params = bases.map(() => zeros([1], { requiresGrad: true }).keep());
  const opt = new SGD(
    bases.map((lr, i) => ({ params: [params[i]!], lr })),
    { lr: bases[0]! },
  );
  const sched = new Scheduler(opt, s);
  const out: number[][] = [];
  for (let t = 0; t <= n; t++) out.push(sched.at(t));
  assert.deepEqual(
    opt.groups.map((g) => g.lr),
    out[n],
  );
  for (const p of params) p.dispose();
  return out;
}

function assertLrs(got: number[][], want: number[][], what: string): void {
  assert.equal(got.length, want.length);
  got.forEach((row, t) => row.forEach((lr, g) => assert.ok(close(lr, want[t]![g]!), `${what} t=${t} group ${g}: ${lr} vs PyTorch ${want[t]![g]}`)));
}

test('cosine matches CosineAnnealingLR for groups with different base lrs', () => {
  const f = fixture.schedules.cosine;
  assertLrs(viaScheduler(cosine({ total: f.total, etaMin: f.etaMin }), f.bases, f.total), f.lrs, 'cosine');
});

test('stepDecay matches StepLR and exponentialDecay matches ExponentialLR', () => {
  const s = fixture.schedules.step;
  assertLrs(viaScheduler(stepDecay({ stepSize: s.stepSize, gamma: s.gamma }), s.bases, 10), s.lrs, 'step');
  const e = fixture.schedules.exponential;
  assertLrs(viaScheduler(exponentialDecay({ gamma: e.gamma }), e.bases, 10), e.lrs, 'exponential');
});

test('MnasNet decay: 0.97 every 2.4 epochs, staircase, at fractional epochs', () => {
  const s = exponentialDecay({ gamma: 0.97, every: 2.4 });
  assert.equal(s(0, 0.256), 0.256);
  assert.equal(s(2.39, 0.256), 0.256);
  assert.ok(close(s(2.4, 0.256), 0.256 * 0.97));
  assert.ok(close(s(7.3, 0.256), 0.256 * 0.97 ** 3));
  const smooth = exponentialDecay({ gamma: 0.97, every: 2.4, staircase: false });
  assert.ok(close(smooth(1.2, 1), Math.sqrt(0.97)));
});

test('warm-up rises linearly to base, then hands over to the inner schedule on the same clock', () => {
  const s = warmup(exponentialDecay({ gamma: 0.97, every: 2.4 }), { length: 5 });
  assert.equal(s(0, 0.2), 0);
  assert.ok(close(s(2.5, 0.2), 0.1));
  assert.ok(close(s(5, 0.2), 0.2 * 0.97 ** 2));
  const from = warmup(constant(), { length: 4, startFactor: 0.25 });
  assert.ok(close(from(0, 1), 0.25) && close(from(2, 1), 0.625) && from(4, 1) === 1);
  // Cosine that starts annealing when the warm-up ends.
  const wc = warmup(cosine({ total: 10, start: 2, etaMin: 0.01 }), { length: 2 });
  assert.ok(close(wc(1, 0.1), 0.05));
  assert.ok(close(wc(2, 0.1), 0.1));
  assert.ok(close(wc(6, 0.1), 0.01 + 0.09 / 2));
  assert.ok(close(wc(10, 0.1), 0.01) && close(wc(12, 0.1), 0.01));
});

test('a Scheduler round-trips its base lrs; bad schedules and times are refused', () => {
  const p = zeros([1], { requiresGrad: true }).keep();
  const opt = new SGD([p], { lr: 0.1 });
  const a = new Scheduler(opt, stepDecay({ stepSize: 1, gamma: 0.5 }));
  a.at(3);
  const b = new Scheduler(opt, stepDecay({ stepSize: 1, gamma: 0.5 })); // would take 0.0125 as its base
  b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())) as { baseLrs: number[] });
  assert.deepEqual(b.at(1), [0.05]);
  assert.throws(() => b.at(-1), OptimizerError);
  assert.throws(() => cosine({ total: 0 }), /total \(0\) must be greater than start/);
  assert.throws(() => stepDecay({ stepSize: 0 }), /stepSize/);
  p.dispose();
});
