// User mistakes in optimiser configuration are OptimizerErrors that name the value and the fix.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zeros } from '../../src/torch/index.js';
import { Adam, OptimizerError, RMSProp, SGD } from '../../src/optim/index.js';

const isOptErr =
  (re: RegExp) =>
  (e: unknown): boolean =>
    e instanceof OptimizerError && re.test(e.message);

test('bad options, groups and hyperparameters are refused with a reason', () => {
  const a = zeros([2], { requiresGrad: true }).keep();
  const b = zeros([2], { requiresGrad: true }).keep();
  assert.throws(() => new SGD([a], { lr: 0.1, weight_decay: 1e-4 } as never), isOptErr(/unknown option 'weight_decay'; known options are lr, weightDecay/));
  assert.throws(() => new SGD([a], { lr: 0.1, nesterov: true }), isOptErr(/Nesterov momentum needs momentum > 0/));
  assert.throws(() => new SGD([], { lr: 0.1 }), isOptErr(/group 0 has no parameters/));
  assert.throws(() => new SGD([a], { lr: 0.1, nesterov: 'yes' } as never), isOptErr(/option 'nesterov' must be a boolean, got "yes"/));
  assert.throws(() => new SGD([{ params: [a] }, { params: [a, b] }], { lr: 0.1 }), isOptErr(/group 1: a parameter appears twice/));
  assert.throws(() => new Adam([a], { betas: [0.9, 1] }), isOptErr(/beta2 must be a finite number in \[0, 1\)/));
  assert.throws(() => new RMSProp([{ params: [a], alpha: 2 }]), isOptErr(/RMSProp group 0: alpha must be a finite number in \[0, 1\]/));
  const opt = new Adam([{ params: [a] }, { params: [b], lr: 0.5 }]);
  assert.deepEqual(
    opt.groups.map((g) => g.lr),
    [1e-3, 0.5],
  );
  opt.groups[1]!.lr = Number.NaN; // a schedule gone wrong
  assert.throws(() => opt.step(), isOptErr(/group 1: lr must be a finite number >= 0, got NaN/));
  opt.dispose();
  a.dispose();
  b.dispose();
});
