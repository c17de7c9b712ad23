// Morphological layers against a PyTorch reference written straight from the definition
// (strided slices and a max/min per tap, in make_nn_fixtures.py), and the algebraic facts of
// grey-level morphology.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { F, type Tensor, undisposedTensors, manualSeed, randn, tidy } from '../../src/torch/index.js';
import { Closing2d, Dilation2d, Erosion2d, Opening2d, dilation2d, erosion2d } from '../../src/nn/index.js';
import { casesOf, checkCase } from './fixture.js';

const KINDS = ['dilation2d', 'erosion2d', 'opening2d', 'closing2d'];

describe('morphological layers match the PyTorch reference (forward, input and element gradients)', () => {
  for (const c of casesOf(KINDS)) test(c.name, () => checkCase(c));
});

const maxAbs = (a: Tensor, b: Tensor): number => tidy(() => a.sub(b).abs().max().item());

describe('grey-level morphology facts', () => {
  test('a flat (zero) element makes dilation a max filter and erosion a min filter', () => {
    manualSeed(3);
    tidy(() => {
      const x = randn([2, 3, 7, 6]);
      const dil = new Dilation2d(3, 3, 3, { groups: 3, padding: 1, stride: 2, init: 'flat' });
      const ero = new Erosion2d(3, 3, 3, { groups: 3, padding: 1, stride: 2, init: 'flat' });
      assert.equal(maxAbs(dil.forward(x), F.maxPool2d(x, 3, { stride: 2, padding: 1 })), 0);
      assert.equal(maxAbs(ero.forward(x), F.maxPool2d(x.neg(), 3, { stride: 2, padding: 1 }).neg()), 0);
      dil.dispose();
      ero.dispose();
    });
  });

  test('duality: erosion by w equals −dilation of −x by w', () => {
    manualSeed(4);
    tidy(() => {
      const x = randn([1, 4, 6, 6]);
      const w = randn([6, 2, 3, 2]);
      const o = { groups: 2, padding: [1, 0] as [number, number], dilation: [1, 2] as [number, number] };
      assert.ok(maxAbs(erosion2d(x, w, o), dilation2d(x.neg(), w, o).neg()) < 1e-6);
    });
  });

  test('tied opening is anti-extensive and idempotent; tied closing is extensive and idempotent', () => {
    manualSeed(5);
    tidy(() => {
      const x = randn([2, 3, 8, 8]);
      const open = new Opening2d(3, 3, 3, { groups: 3, padding: 'same', tied: true });
      const close = new Closing2d(3, 3, 5, { groups: 3, padding: 'same', tied: true, dilation: 2 });
      const o1 = open.forward(x);
      const c1 = close.forward(x);
      // (x − w) + w may round one ulp above x
      assert.ok(o1.sub(x).max().item() <= 1e-6, 'opening(x) ≤ x');
      assert.ok(c1.sub(x).min().item() >= -1e-6, 'closing(x) ≥ x');
      assert.ok(maxAbs(open.forward(o1), o1) < 1e-6, 'opening(opening(x)) = opening(x)');
      assert.ok(maxAbs(close.forward(c1), c1) < 1e-6, 'closing(closing(x)) = closing(x)');
      assert.ok(maxAbs(o1, x) > 0.1, 'the opening did change x');
      open.dispose();
      close.dispose();
    });
  });

  test('the soft maximum tends to the hard one as beta grows, and passes gradient to every tap', () => {
    manualSeed(6);
    tidy(() => {
      const x = randn([1, 2, 5, 5]);
      const w = randn([3, 2, 3, 3]).mul(0.5);
      w.requiresGrad = true;
      const hard = dilation2d(x, w, { padding: 1 });
      const soft = dilation2d(x, w, { padding: 1, beta: 200 });
      assert.ok(maxAbs(soft, hard) < 0.05);
      dilation2d(x, w, { padding: 1, beta: 1 }).sum().backward();
      assert.equal(w.grad!.eq(0).sum().item(), 0, 'every element entry gets gradient under the soft max');
    });
  });

  test("a stride with 'same' padding gives ⌈size/stride⌉, even kernels included", () => {
    tidy(() => {
      const x = randn([1, 2, 7, 8]);
      const w = randn([2, 1, 2, 4]);
      assert.deepEqual(dilation2d(x, w, { groups: 2, padding: 'same', stride: 2 }).shape, [1, 2, 4, 4]);
      assert.deepEqual(erosion2d(x, w, { groups: 2, padding: 'same' }).shape, [1, 2, 7, 8]);
    });
  });

  test('layers free their intermediates', () => {
    const cases = casesOf(KINDS);
    checkCase(cases[0]!);
    const live = undisposedTensors();
    for (const c of cases) checkCase(c);
    assert.equal(undisposedTensors(), live);
  });
});

describe('morphological layers reject bad configurations with what to change', () => {
  test('channels not divisible by groups', () => {
    assert.throws(
      () => new Dilation2d(3, 4, 3, { groups: 3 }),
      (e: unknown) => e instanceof RangeError && /divisible by groups=3/.test(e.message),
    );
  });

  test('padding so large that a window could miss the image', () => {
    tidy(() => {
      const x = randn([1, 1, 5, 5]);
      const w = randn([1, 1, 3, 3]);
      assert.throws(
        () => dilation2d(x, w, { padding: 3 }),
        (e: unknown) => e instanceof RangeError && /output row 0's window lies wholly in the padding/.test(e.message),
      );
      // dilation 5 on a 2-pixel-high image: output row 1's taps (rows −3 and 2) both miss it
      const thin = randn([1, 1, 2, 9]);
      const w2 = randn([1, 1, 2, 1]);
      assert.throws(
        () => erosion2d(thin, w2, { padding: [4, 0], dilation: [5, 1] }),
        (e: unknown) => e instanceof RangeError && /\+∞/.test(e.message),
      );
      assert.deepEqual(erosion2d(thin, w2, { padding: [1, 0], dilation: [2, 1] }).shape, [1, 1, 2, 9]);
    });
  });

  test('input channels that do not match the element', () => {
    const ero = new Erosion2d(4, 4, 3, { groups: 4 });
    tidy(() => {
      const x = randn([1, 3, 5, 5]);
      assert.throws(
        () => ero.forward(x),
        (e: unknown) => e instanceof RangeError && /input has 3 channels/.test(e.message),
      );
    });
    ero.dispose();
  });

  test('a tied opening needs a depthwise, stride-1, same-padded odd element', () => {
    assert.throws(
      () => new Opening2d(3, 6, 3, { padding: 'same', tied: true }),
      (e: unknown) => e instanceof RangeError && /groups = in = out/.test(e.message),
    );
    assert.throws(
      () => new Closing2d(2, 2, 2, { groups: 2, padding: 'same', tied: true }),
      (e: unknown) => e instanceof RangeError && /odd kernel/.test(e.message),
    );
  });
});
