// Objectives: MnasNet's reward against hand-computed values, the hard constraint's order,
// the Pareto objective's scalar score, and objectiveFromSpec's forms and errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StrategyError, constrained, maximize, mnasnetReward, objectiveFromSpec, MNASNET_HARD, MNASNET_SOFT } from '../../src/strategies/index.js';
import { type Json } from '../../src/util/index.js';

const close = (a: number, b: number, tol = 1e-4): void => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test("MnasNet's soft reward: ACC·(LAT/T)^-0.07 on both sides of the target", () => {
  const r = mnasnetReward({ metric: 'latencyMs', target: 80, ...MNASNET_SOFT });
  // 1.25^-0.07 = exp(-0.07·ln 1.25) = exp(-0.0156200) = 0.9845013 → 75 · 0.9845013 = 73.83760
  close(r.score({ valAccuracy: 75, latencyMs: 100 }), 73.8376);
  // 0.5^-0.07 = 2^0.07 = exp(0.0485203) = 1.0497167 → 75 · 1.0497167 = 78.72875
  close(r.score({ valAccuracy: 75, latencyMs: 40 }), 78.72875);
  assert.equal(r.score({ valAccuracy: 75, latencyMs: 80 }), 75, 'at the target the reward is the accuracy');
});

test("MnasNet's hard reward: no effect up to the target, ACC·T/LAT above it", () => {
  const r = mnasnetReward({ metric: 'params', target: 5e6, ...MNASNET_HARD });
  assert.equal(r.score({ valAccuracy: 75, params: 3e6 }), 75);
  assert.equal(r.score({ valAccuracy: 75, params: 5e6 }), 75);
  close(r.score({ valAccuracy: 75, params: 6.25e6 }), 60); // 75 · (1.25)^-1
  close(r.score({ valAccuracy: 90, params: 1e7 }), 45); // 90 · 0.5
  assert.throws(
    () => r.score({ valAccuracy: 75, params: 0 }),
    (e: unknown) => e instanceof StrategyError && /needs it positive/.test(e.message),
  );
  assert.throws(
    () => r.score({ valAccuracy: 75 }),
    (e: unknown) => e instanceof StrategyError && e.code === 'missing-metric' && /'params'/.test(e.message),
  );
});

test('a hard constraint: infeasible scores are finite, below every feasible one, nearer is better', () => {
  const c = constrained({ metric: 'params', max: 5e6, objective: maximize() });
  assert.equal(c.score({ valAccuracy: 90, params: 4e6 }), 90);
  assert.equal(c.score({ valAccuracy: 0, params: 5e6 }), 0, 'the limit itself is feasible');
  const near = c.score({ valAccuracy: 95, params: 6e6 });
  const far = c.score({ valAccuracy: 99, params: 1e7 });
  close(near, -1e6 - 0.2);
  close(far, -1e6 - 1);
  assert.ok(Number.isFinite(far) && far < near && near < 0);
  const low = constrained({ metric: 'latencyMs', min: 10, objective: maximize() });
  close(low.score({ valAccuracy: 90, latencyMs: 5 }), -1e6 - 0.5);
  const tight = constrained({ metric: 'params', max: 5e6, objective: maximize(), floor: 95 });
  assert.throws(
    () => tight.score({ valAccuracy: 90, params: 1 }),
    (e: unknown) => e instanceof StrategyError && /not above the floor 95/.test(e.message),
  );
});

test('objectiveFromSpec reads the short and the object forms, and specs round-trip', () => {
  const m = { valAccuracy: 91, flops: 120, latencyMs_raspi4: 20, params: 4e6 };
  assert.equal(objectiveFromSpec('accuracy').score(m), 91);
  assert.equal(objectiveFromSpec('-latencyMs_raspi4').score(m), -20);
  assert.equal(objectiveFromSpec({ name: 'minimize', metric: 'flops' }).score(m), -120);
  const soft = objectiveFromSpec({ name: 'mnasnet', metric: 'latencyMs_raspi4', target: 16, w: -0.07 });
  close(soft.score(m), 91 * 1.25 ** -0.07);
  const hard = objectiveFromSpec('{"name": "mnasnet", "metric": "latencyMs_raspi4", "target": 16, "mode": "hard"}');
  close(hard.score(m), (91 * 16) / 20);
  const c = objectiveFromSpec({ name: 'constraint', metric: 'params', max: 5e6, objective: { name: 'mnasnet', metric: 'flops', target: 100 } });
  close(c.score(m), 91 * 1.2 ** -0.07);
  const p = objectiveFromSpec({ name: 'pareto', metrics: ['valAccuracy', '-flops'] });
  assert.deepEqual(p.pareto, [
    { name: 'valAccuracy', direction: 'maximize' },
    { name: 'flops', direction: 'minimize' },
  ]);
  assert.equal(p.score(m), 91, "the scalar score is the first metric's");
  assert.equal(objectiveFromSpec('-flops,valAccuracy').score(m), -120);
  for (const o of [soft, hard, c, p]) {
    assert.equal(objectiveFromSpec(JSON.parse(JSON.stringify(o.spec)) as Json).score(m), o.score(m), JSON.stringify(o.spec));
  }
  assert.deepEqual(c.reads, ['valAccuracy', 'flops', 'params']);
});

test('objectiveFromSpec errors name the field, what was wrong and what is allowed', () => {
  const cases: [Json, RegExp][] = [
    [{ name: 'mnasnet', metric: 'latencyMs_raspi4' }, /needs 'target'/],
    [{ name: 'mnasnet', metric: 'latencyMs_raspi4', target: -5 }, /'target' must be a positive number.*got -5/],
    [{ name: 'mnasnet', metric: 'latencyMs_raspi4', target: 5, mode: 'medium' }, /'mode' must be 'soft' .* or 'hard'.*got "medium"/],
    [{ name: 'mnasnet', metric: 'latencyMs_raspi4', target: 5, mode: 'hard', w: -0.07 }, /give 'alpha' and 'beta'/],
    [{ name: 'mnasnet', metric: 'lat ency', target: 5 }, /'metric' must be a metric name/],
    [{ name: 'mnasnet', metric: 'flops', target: 5, targt: 2 }, /'mnasnet' has no field 'targt'. Did you mean 'target'\? Its fields:/],
    [{ name: 'constrain', metric: 'params', max: 1 }, /unknown objective name 'constrain'. Did you mean 'constraint'\? Known: accuracy, maximize/],
    [{ name: 'constraint', metric: 'params' }, /'constraint' needs 'max'/],
    [{ name: 'constraint', metric: 'params', max: 1, min: 2 }, /min \(2\) is above max \(1\)/],
    [{ name: 'constraint', metric: 'params', max: 'big' }, /'max' must be a finite number, got "big"/],
    [{ name: 'constraint', metric: 'params', max: 1, objective: { name: 'nope' } }, /^objective\.objective: unknown objective name 'nope'/],
    [{ name: 'pareto', metrics: ['valAccuracy'] }, /at least 2 metrics/],
    [{ name: 'pareto', metrics: 3 }, /'metrics' must be a list of metric names/],
    [{ name: 'pareto', metrics: ['flops', '-flops'] }, /'flops' twice/],
    [{ metric: 'flops' }, /'name' must be one of accuracy, maximize, minimize, mnasnet, constraint, pareto/],
    ['mnasnet', /'mnasnet' needs its fields; write it as an object/],
    ['{"name": mnasnet}', /starts like JSON but does not parse/],
    ['acc uracy', /neither 'accuracy', a metric name/],
    [42, /expected a name like 'accuracy'/],
  ];
  for (const [spec, msg] of cases) {
    assert.throws(
      () => objectiveFromSpec(spec),
      (e: unknown) => e instanceof StrategyError && e.code === 'invalid-objective' && msg.test(e.message),
      `${JSON.stringify(spec)} should fail with ${msg}`,
    );
  }
});
