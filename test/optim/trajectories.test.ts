// Every optimiser configuration replays PyTorch's 5-step trajectory on the fixture problem.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { undisposedTensors } from '../../src/torch/index.js';
import { Problem, fixture, maxAbsDiff } from './problem.js';

for (const c of fixture.optimizers) {
  test(`${c.name} follows PyTorch's trajectory (float64)`, () => {
    const pb = new Problem('float64');
    const opt = pb.optimizer(c);
    c.trajectory.forEach((want, i) => {
      pb.step(opt, i, c.skipB);
      const got = pb.snapshot();
      for (const k of ['W', 'b', 'u'] as const) {
        const d = maxAbsDiff(got[k], want[k]);
        assert.ok(d < 1e-9, `${c.name} step ${i + 1} ${k}: off by ${d} (got ${got[k]}, PyTorch ${want[k]})`);
      }
    });
    // The parameter without a gradient got no state.
    assert.equal(opt.stateOf(pb.u), undefined);
    opt.dispose();
    pb.dispose();
  });
}

test('float32 parameters follow the same trajectories within 1e-4', () => {
  for (const c of fixture.optimizers) {
    const pb = new Problem('float32');
    const opt = pb.optimizer(c);
    c.trajectory.forEach((_, i) => pb.step(opt, i, c.skipB));
    const want = c.trajectory[c.trajectory.length - 1]!;
    const got = pb.snapshot();
    for (const k of ['W', 'b'] as const) {
      const d = maxAbsDiff(got[k], want[k]);
      assert.ok(d < 1e-4, `${c.name} ${k} in float32: off by ${d}`);
    }
    opt.dispose();
    pb.dispose();
  }
});

test('steps leak no tensors: the live count is flat once state exists', () => {
  for (const c of fixture.optimizers) {
    const pb = new Problem('float64');
    const opt = pb.optimizer(c);
    pb.step(opt, 0, []);
    const after1 = undisposedTensors();
    for (let i = 1; i < 4; i++) pb.step(opt, i, []);
    assert.equal(undisposedTensors(), after1, `${c.name}: live tensors grew over steps`);
    opt.dispose();
    pb.W.grad = null;
    pb.b.grad = null;
    const before = undisposedTensors();
    pb.dispose();
    assert.equal(undisposedTensors(), before - 5, `${c.name}: dispose left state tensors alive`);
  }
});
