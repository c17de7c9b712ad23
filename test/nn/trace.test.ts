// MAC counting in dry runs: Conv2d and Linear modules count themselves, and direct F.conv2d /
// F.linear calls (what supernets and weight-slicing code make) are counted through the dry-run
// hook, once each, while computing normally outside a trace.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineError, F, manualSeed, randn, setNumThreads, tidy, undisposedTensors, type Tensor } from '../../src/torch/index.js';
import { Conv2d, Linear, Module, countMacs, traceMacs, type Layer } from '../../src/nn/index.js';

setNumThreads(1);

/** A layer that owns raw weights and calls F directly, as a supernet's mixed op does. */
class Functional extends Module implements Layer {
  readonly convWeight: Tensor;
  readonly depthwise: Tensor;
  readonly fcWeight: Tensor;
  readonly fcBias: Tensor;

  constructor() {
    super();
    this.convWeight = this.param('convWeight', randn([8, 3, 3, 3]));
    this.depthwise = this.param('depthwise', randn([8, 1, 5, 5]));
    this.fcWeight = this.param('fcWeight', randn([10, 8]));
    this.fcBias = this.param('fcBias', randn([10]));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const a = F.conv2d(x, this.convWeight, null, { stride: 2, padding: 1 }); // 8 × 8x8 from 16x16
      const b = F.conv2d(a, this.depthwise, null, { padding: 4, dilation: 2, groups: 8 }); // 8 × 8x8
      return F.linear(b.mean([2, 3]), this.fcWeight, this.fcBias);
    });
  }
}

// conv out.numel · (cin/groups) · kh · kw; linear in · out per row
const CONV = 8 * 8 * 8 * 3 * 3 * 3;
const DEPTHWISE = 8 * 8 * 8 * 1 * 5 * 5;
const FC = 8 * 10;

test('direct F.conv2d / F.linear calls are counted like the modules (groups, stride, dilation)', () => {
  manualSeed(0);
  const net = new Functional();
  assert.equal(countMacs(net, [1, 3, 16, 16]), CONV + DEPTHWISE + FC);
  assert.equal(countMacs(net, [2, 3, 16, 16]), 2 * (CONV + DEPTHWISE + FC), 'per image × batch');
  const { value, macs } = traceMacs(() => tidy(() => F.linear(randn([4, 5, 8]), randn([3, 8])).shape));
  assert.deepEqual(value, [4, 5, 3], 'a dry run keeps the output shape');
  assert.equal(macs, 4 * 5 * 8 * 3, 'a linear map counts in · out per row of every leading axis');
  net.dispose();
});

test('modules are counted once: they answer before reaching F', () => {
  manualSeed(1);
  const conv = new Conv2d(3, 8, 3, { stride: 2, padding: 1, bias: false });
  const fc = new Linear(8, 10);
  assert.equal(countMacs(conv, [1, 3, 16, 16]), CONV);
  const mixed = { forward: (x: Tensor) => tidy(() => fc.forward(F.conv2d(conv.forward(x), conv.weight, null, { padding: 1, groups: 1 }).mean([2, 3]))) };
  // conv (module) 3→8, then F.conv2d with the same 8x3 weight would need 3 input channels:
  // the dry run checks shapes as the engine would
  assert.throws(() => traceMacs(() => tidy(() => mixed.forward(randn([1, 3, 16, 16])))), EngineError);
  const square = new Conv2d(8, 8, 3, { padding: 1, bias: false });
  const both = { forward: (x: Tensor) => tidy(() => fc.forward(F.conv2d(square.forward(conv.forward(x)), square.weight, null, { padding: 1 }).mean([2, 3]))) };
  const { macs } = traceMacs(() =>
    tidy(() => {
      both.forward(randn([1, 3, 16, 16]));
    }),
  );
  const squareMacs = 8 * 8 * 8 * 8 * 3 * 3;
  assert.equal(macs, CONV + squareMacs + squareMacs + FC, 'module and functional call each counted once');
  for (const m of [conv, fc, square]) m.dispose();
});

test('outside a trace F computes (the hook is gone after the run, even after a throw)', () => {
  manualSeed(2);
  const conv = new Conv2d(3, 8, 3, { padding: 1 });
  const x = randn([1, 3, 6, 6]);
  const viaModule = conv.forward(x);
  assert.throws(
    () =>
      traceMacs(() => {
        throw new RangeError('inside the dry run');
      }),
    RangeError,
  );
  traceMacs(() =>
    tidy(() => {
      F.conv2d(x, conv.weight, conv.bias, { padding: 1 });
    }),
  );
  const viaF = F.conv2d(x, conv.weight, conv.bias, { padding: 1 });
  assert.ok(viaF.sub(viaModule).abs().max().item() === 0, 'same numbers as the module');
  assert.ok(viaF.abs().sum().item() > 0, "real values, not a dry run's zeros");
  for (const t of [x, viaModule, viaF]) t.dispose();
  conv.dispose();
});

test('nested traces: the inner run counts its own calls, the outer keeps counting after it', () => {
  const w = randn([4, 2, 1, 1]);
  const before = undisposedTensors();
  const outer = traceMacs(() =>
    tidy(() => {
      const x = randn([1, 2, 4, 4]);
      F.conv2d(x, w);
      const inner = traceMacs(() => {
        F.conv2d(x, w);
        F.conv2d(x, w);
      });
      F.conv2d(x, w);
      return inner.macs;
    }),
  );
  const one = 4 * 4 * 4 * 2;
  assert.equal(outer.value, 2 * one);
  assert.equal(outer.macs, 2 * one);
  assert.equal(undisposedTensors(), before, 'dry-run outputs are freed like any tensor');
  w.dispose();
});
