// Resuming: 3 steps, save (safetensors bytes + JSON), restore into a fresh optimiser and
// fresh parameters, 2 more steps == 5 uninterrupted steps, bit for bit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeSafetensors, encodeSafetensors, undisposedTensors, noGrad, tensor, tidy } from '../../src/torch/index.js';
import { OptimizerError, type OptimizerMeta, SGD } from '../../src/optim/index.js';
import { Problem, fixture } from './problem.js';

for (const c of fixture.optimizers) {
  test(`${c.name}: save after 3 steps, restore, 2 more steps equals 5 steps exactly`, () => {
    const straight = new Problem();
    const o1 = straight.optimizer(c);
    for (let i = 0; i < 5; i++) straight.step(o1, i, c.skipB);

    const first = new Problem();
    const o2 = first.optimizer(c);
    for (let i = 0; i < 3; i++) first.step(o2, i, c.skipB);
    const sd = o2.stateDict();
    const bytes = encodeSafetensors(sd.tensors);
    const json = JSON.stringify(sd.meta);
    const params = first.snapshot();
    o2.dispose();
    first.dispose();

    const resumed = new Problem();
    const o3 = resumed.optimizer(c);
    const loaded = decodeSafetensors(bytes);
    o3.loadStateDict({ meta: JSON.parse(json) as OptimizerMeta, tensors: loaded.tensors });
    for (const t of Object.values(loaded.tensors)) t.dispose(); // the optimiser copied them
    setValues(resumed, params);
    for (let i = 3; i < 5; i++) resumed.step(o3, i, c.skipB);

    assert.deepEqual(resumed.snapshot(), straight.snapshot());
    o1.dispose();
    o3.dispose();
    straight.dispose();
    resumed.dispose();
  });
}

/** Overwrite the parameters' values in place (the optimiser holds these very tensors). */
function setValues(pb: Problem, s: { W: number[]; b: number[] }): void {
  noGrad(() =>
    tidy(() => {
      pb.W.copy_(tensor(s.W, pb.W.shape, { dtype: 'float64' }));
      pb.b.copy_(tensor(s.b, pb.b.shape, { dtype: 'float64' }));
    }),
  );
}

test('the state dict names PyTorch buffers by parameter index and keeps hyperparameters as JSON', () => {
  const c = fixture.optimizers.find((x) => x.name === 'sgd_groups')!;
  const pb = new Problem();
  const opt = pb.optimizer(c);
  pb.step(opt, 0, []);
  const { meta, tensors } = opt.stateDict();
  assert.equal(meta.kind, 'sgd');
  // Groups: [W, u] then [b]; u never had a gradient, so it has no state.
  assert.deepEqual(
    meta.groups.map((g) => g.params),
    [[0, 1], [2]],
  );
  assert.deepEqual(
    meta.groups.map((g) => g.lr),
    [0.1, 0.01],
  );
  assert.deepEqual(meta.steps, { 0: 1, 2: 1 });
  assert.deepEqual(Object.keys(tensors).sort(), ['state.0.momentum_buffer', 'state.2.momentum_buffer']);
  assert.deepEqual(JSON.parse(JSON.stringify(meta)), meta);
  opt.dispose();
  pb.dispose();
});

test('a state dict that does not fit is refused and leaves the optimiser as it was', () => {
  const adam = fixture.optimizers.find((x) => x.name === 'adam')!;
  const pb = new Problem();
  const opt = pb.optimizer(adam);
  pb.step(opt, 0, []);
  const sgd = new SGD([pb.W, pb.b], { lr: 0.1, momentum: 0.9 });
  pb.step(sgd, 0, []);
  const good = opt.stateDict();
  assert.throws(
    () => opt.loadStateDict(sgd.stateDict()),
    (e: Error) => e instanceof OptimizerError && /'sgd' optimiser but this one is 'adam'/.test(e.message),
  );
  const wrongShape = { meta: good.meta, tensors: { ...good.tensors, 'state.0.exp_avg': good.tensors['state.1.exp_avg']! } };
  assert.throws(() => opt.loadStateDict(wrongShape), /has shape \[3\] but parameter 0 has shape \[3,2\]/);
  const badLr = { meta: { ...good.meta, groups: [{ ...good.meta.groups[0]!, lr: -1 }] }, tensors: good.tensors };
  assert.throws(() => opt.loadStateDict(badLr), /lr must be a finite number >= 0/);
  assert.equal(opt.stateOf(pb.W)!.step, 1);
  assert.ok(!opt.stateOf(pb.W)!.buffers.exp_avg!.isDisposed);
  const before = undisposedTensors();
  opt.loadStateDict(good); // loading its own live tensors works: they are copied first
  assert.equal(undisposedTensors(), before);
  opt.dispose();
  sgd.dispose();
  pb.dispose();
});
