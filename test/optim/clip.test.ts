// clipGradNorm against torch.nn.utils.clip_grad_norm_ (fixture).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { undisposedTensors, tensor, zeros } from '../../src/torch/index.js';
import { clipGradNorm } from '../../src/optim/index.js';
import { fixture, maxAbsDiff } from './problem.js';

for (const c of fixture.clip) {
  test(`clipGradNorm(maxNorm ${c.maxNorm}, norm ${c.normType}) matches PyTorch`, () => {
    const ps = c.shapes.map((s) => zeros(s, { dtype: 'float64', requiresGrad: true }).keep());
    ps.forEach((p, i) => {
      const g = tensor(c.grads[i]!, c.shapes[i], { dtype: 'float64' });
      p.grad = g;
      g.dispose();
    });
    const spare = zeros([2], { requiresGrad: true }).keep(); // no gradient: skipped
    const before = undisposedTensors();
    const total = clipGradNorm([...ps, spare], c.maxNorm, c.normType === 'inf' ? Infinity : c.normType);
    assert.equal(undisposedTensors(), before);
    assert.ok(Math.abs(total - c.total) < 1e-12, `total ${total} vs PyTorch ${c.total}`);
    ps.forEach((p, i) => {
      const g = p.grad!;
      assert.ok(maxAbsDiff(g.toArray(), c.clipped[i]!) < 1e-12, `gradient ${i}`);
      g.dispose();
    });
    assert.equal(spare.grad, null);
    for (const p of [...ps, spare]) p.dispose();
  });
}

test('clipGradNorm returns 0 when no parameter has a gradient and refuses a negative maxNorm', () => {
  const p = zeros([3], { requiresGrad: true }).keep();
  assert.equal(clipGradNorm([p], 1), 0);
  assert.throws(() => clipGradNorm([p], -1), /maxNorm must be a finite number >= 0/);
  p.dispose();
});
