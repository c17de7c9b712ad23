// Cell operations, drop path and the inverted residual block: shapes, parameter counts and semantics.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BatchNorm2d,
  CELL_OPS,
  DARTS_PRIMITIVES,
  DropPath,
  FactorizedReduce,
  Identity,
  InplaceReLU,
  InplaceReLU6,
  MBConv,
  ReLU,
  ReLU6,
  Sequential,
  Zero,
  cellOp,
  dropPath,
  dropPath_,
} from '../../src/nn/index.js';
import { type Tensor, undisposedTensors, manualSeed, noGrad, ones, randn, tidy } from '../../src/torch/index.js';

test('every cell op keeps C channels and applies its stride', () => {
  manualSeed(0);
  for (const name of Object.keys(CELL_OPS)) {
    for (const stride of [1, 2]) {
      const op = cellOp(name, 8, stride);
      const before = undisposedTensors();
      tidy(() => {
        const y = op.forward(randn([2, 8, 10, 10]));
        assert.deepEqual(y.shape, stride === 1 ? [2, 8, 10, 10] : [2, 8, 5, 5], `${name} stride ${stride}`);
      });
      assert.equal(undisposedTensors(), before, `${name} stride ${stride} left tensors alive`);
      op.dispose();
    }
  }
  assert.deepEqual(
    [...DARTS_PRIMITIVES].sort(),
    Object.keys(CELL_OPS)
      .filter((n) => n !== 'sep_conv_7x7' && n !== 'conv_7x1_1x7')
      .sort(),
  );
});

test('parameter counts follow the released operations (sep conv stacks two depthwise-pointwise pairs)', () => {
  const c = 16;
  const bn = 2 * c;
  const counts: Record<string, number> = {
    none: 0,
    avg_pool_3x3: 0,
    max_pool_3x3: 0,
    skip_connect: 0,
    sep_conv_3x3: 2 * (9 * c + c * c + bn),
    sep_conv_5x5: 2 * (25 * c + c * c + bn),
    dil_conv_3x3: 9 * c + c * c + bn,
    dil_conv_5x5: 25 * c + c * c + bn,
    sep_conv_7x7: 2 * (49 * c + c * c + bn),
    conv_7x1_1x7: 2 * 7 * c * c + bn,
  };
  for (const [name, n] of Object.entries(counts)) {
    const op = cellOp(name, c, 1);
    assert.equal(op.numParameters(), n, name);
    op.dispose();
  }
  // at stride 2 skip_connect becomes a factorized reduction: two 1x1 convs to C/2 and a BN
  const fr = cellOp('skip_connect', c, 2);
  assert.ok(fr instanceof FactorizedReduce);
  assert.equal(fr.numParameters(), 2 * c * (c / 2) + bn);
  fr.dispose();
  assert.ok(cellOp('skip_connect', c, 1) instanceof Identity);
});

test('Zero gives zeros of the strided shape; FactorizedReduce needs even channels', () => {
  tidy(() => {
    const y = new Zero(2).forward(randn([1, 3, 7, 7]));
    assert.deepEqual(y.shape, [1, 3, 4, 4]);
    assert.equal(y.abs().sum().item(), 0);
  });
  assert.throws(() => new FactorizedReduce(4, 5), /output channels must be even, got 5/);
  assert.throws(() => cellOp('conv_9x9', 4, 1), /unknown cell operation 'conv_9x9'; use one of none, /);
  assert.throws(() => cellOp('max_pool_3x3', 4, 3), /stride must be 1 or 2/);
});

test('drop path zeroes whole samples with probability p and scales the kept ones by 1/(1-p)', () => {
  manualSeed(7);
  tidy(() => {
    const x = ones([4000, 2, 3, 3]).requiresGrad_();
    const y = dropPath(x, 0.25, true);
    const v = y.data() as Float32Array;
    let dropped = 0;
    for (let n = 0; n < 4000; n++) {
      const s = v.subarray(n * 18, (n + 1) * 18);
      const first = s[0]!;
      assert.ok(first === 0 || Math.abs(first - 1 / 0.75) < 1e-6, `sample ${n}: ${first}`);
      assert.ok(
        s.every((e) => e === first),
        `sample ${n} was not dropped whole`,
      );
      if (first === 0) dropped++;
    }
    // 4000 draws of p = 0.25: 1000 expected, standard deviation about 27
    assert.ok(Math.abs(dropped - 1000) < 120, `dropped ${dropped} of 4000`);
    y.sum().backward();
    const g = x.grad!.data() as Float32Array;
    for (let i = 0; i < v.length; i++) assert.equal(g[i], v[i], 'the gradient is the same mask');
  });
  const x = randn([3, 2]);
  const layer = new DropPath(0.5);
  layer.eval();
  assert.equal(layer.forward(x), x, 'identity in eval mode');
  assert.equal(dropPath(x, 0, true), x, 'identity at p = 0');
  x.dispose();
  assert.throws(() => new DropPath(1), /\[0, 1\), got 1/);
});

test('MBConv: expand-depthwise-project, residual only when the shape is kept', () => {
  // 32 -> 64, k3, e3, stride 2: 1x1 32->96, dw 3x3 on 96, 1x1 96->64, three BNs
  const a = new MBConv(32, 64, { kernel: 3, expansion: 3, stride: 2 });
  assert.equal(a.numParameters(), 32 * 96 + 192 + 96 * 9 + 192 + 96 * 64 + 128);
  assert.equal(a.residual, false);
  const b = new MBConv(16, 16, { kernel: 5, expansion: 1 });
  assert.equal(b.expand, null, 'no expand conv at expansion 1');
  assert.equal(b.numParameters(), 16 * 25 + 32 + 16 * 16 + 32);
  assert.equal(b.residual, true);
  tidy(() => {
    assert.deepEqual(a.forward(randn([2, 32, 9, 9])).shape, [2, 64, 5, 5]);
    const x = randn([2, 16, 6, 6]);
    // with the projection's BN scale at zero the block is exactly its shortcut
    noGrad(() => b.project.layers[1]!.stateDict().weight!.zero_());
    const y = b.forward(x);
    assert.ok(y.sub(x).abs().max().item() < 1e-6);
  });
  assert.throws(() => new MBConv(8, 8, { kernel: 4 }), /kernel must be odd/);
  a.dispose();
  b.dispose();
});

test('dropPath_ overwrites a fresh op output with the same per-sample mask, and gradients flow through it', () => {
  manualSeed(3);
  tidy(() => {
    const x = randn([500, 2, 3, 3]).requiresGrad_();
    const h = x.mul(2); // a fresh op output whose backward does not read it
    const y = dropPath_(h, 0.5, true);
    assert.equal(y, h, 'the same tensor comes back');
    const v = y.data() as Float32Array;
    const xv = x.data() as Float32Array;
    let dropped = 0;
    for (let n = 0; n < 500; n++) {
      const kept = v[n * 18] !== 0 || xv[n * 18] === 0;
      if (!kept) dropped++;
      for (let j = n * 18; j < (n + 1) * 18; j++) {
        assert.ok(Math.abs(v[j]! - (kept ? 4 * xv[j]! : 0)) < 1e-5, `sample ${n} element ${j}`);
      }
    }
    assert.ok(dropped > 200 && dropped < 300, `dropped ${dropped} of 500`);
    y.sum().backward();
    const g = x.grad!.data() as Float32Array;
    for (let j = 0; j < v.length; j++) {
      const kept = v[j - (j % 18)] !== 0 || xv[j - (j % 18)] === 0;
      assert.equal(g[j], kept ? 4 : 0);
    }
    assert.equal(dropPath_(h, 0.5, false), h, 'identity outside training');
  });
});

test('in-place ReLU and ReLU6 after batch norm give the same outputs and gradients as the copying ones', () => {
  for (const [Copying, InPlace] of [
    [ReLU, InplaceReLU],
    [ReLU6, InplaceReLU6],
  ] as const) {
    manualSeed(5);
    const run = (act: ReLU | InplaceReLU | ReLU6 | InplaceReLU6): { y: number[]; g: number[] } => {
      const bn = new BatchNorm2d(4);
      const net = new Sequential(bn, act);
      noGrad(() => bn.weight!.fill_(3)); // push values past 6 so ReLU6's clamp matters
      const out = tidy(() => {
        const x = randn([2, 4, 5, 5]);
        const y: Tensor = net.forward(x);
        y.mul(randn([2, 4, 5, 5]))
          .sum()
          .backward();
        return { y: y.toArray(), g: bn.weight!.grad!.toArray() };
      });
      net.dispose();
      return out;
    };
    manualSeed(9);
    const a = run(new Copying());
    manualSeed(9);
    const b = run(new InPlace());
    assert.deepEqual(b.y, a.y, `${InPlace.name} output`);
    assert.deepEqual(b.g, a.g, `${InPlace.name} gradient`);
  }
});
