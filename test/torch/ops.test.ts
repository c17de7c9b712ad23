// The Tensor API against hand-checked values: creation, math, comparisons, reductions, shapes,
// indexing, activations, losses, convolution and pooling, randomness, in-place ops, int64,
// autograd switches, callAten and threads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  EngineError,
  F,
  type Tensor,
  arange,
  callAten,
  enableGrad,
  eye,
  full,
  fullLike,
  getNumThreads,
  grad,
  isGradEnabled,
  linspace,
  undisposedTensors,
  manualSeed,
  noGrad,
  ones,
  onesLike,
  rand,
  randint,
  randn,
  randperm,
  scalar,
  schemaOf,
  setNumThreads,
  tensor,
  tidy,
  zeros,
  zerosLike,
} from '../../src/torch/index.js';
import { assertClose } from './helpers.js';

const long = (xs: number[], shape?: number[]): Tensor => tensor(BigInt64Array.from(xs, BigInt), shape);
const bool = (xs: number[]): Tensor => tensor(xs, undefined, { dtype: 'bool' });
/** Runs a test body in a scope and checks that it leaks nothing. */
const scoped = (fn: () => void) => () => {
  const live0 = undisposedTensors();
  tidy(fn);
  assert.equal(undisposedTensors(), live0, 'tensors leaked');
};

test(
  'creation from nested arrays, typed arrays, constants and ranges',
  scoped(() => {
    const m = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(m.shape, [2, 3]);
    assert.equal(m.dtype, 'float32');
    assert.deepEqual(m.toArray(), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(tensor([[[1], [2]]]).shape, [1, 2, 1]);
    assert.deepEqual(tensor([]).shape, [0]);
    assert.equal(tensor(new Float64Array([1.5])).dtype, 'float64');
    assert.equal(tensor(new Int32Array([7])).dtype, 'int32');
    assert.equal(tensor(new Uint8Array([7])).dtype, 'uint8');
    assert.equal(tensor(new BigInt64Array([7n])).dtype, 'int64');
    assert.deepEqual(tensor(new Float32Array([1, 2, 3, 4]), [2, 2]).shape, [2, 2]);
    assert.deepEqual(tensor(new Float32Array([0, 1, 2, 3, 4]).subarray(1, 4)).toArray(), [1, 2, 3], 'a typed array view starts at its offset');
    assert.deepEqual(tensor(new Int32Array([1, 2]), undefined, { dtype: 'float64' }).data(), new Float64Array([1, 2]));
    assert.deepEqual(tensor([1.7, -2.2], undefined, { dtype: 'int64' }).toArray(), [1, -2], 'int64 truncates toward zero');
    assert.deepEqual(tensor([true, false]).dtype, 'bool');
    const s = scalar(3);
    assert.deepEqual(s.shape, []);
    assert.equal(s.item(), 3);
    assert.equal(tensor(2.5).item(), 2.5);

    assert.deepEqual(zeros([2, 3]).toArray(), [0, 0, 0, 0, 0, 0]);
    assert.equal(ones([2], { dtype: 'float64' }).dtype, 'float64');
    assert.deepEqual(full([2, 2], 7).toArray(), [7, 7, 7, 7]);
    assert.equal(zeros([1], { requiresGrad: true }).requiresGrad, true);
    const r = arange(5);
    assert.equal(r.dtype, 'int64');
    assert.deepEqual(r.toArray(), [0, 1, 2, 3, 4]);
    assert.deepEqual(arange(0, 10, 3).toArray(), [0, 3, 6, 9]);
    assert.deepEqual(arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
    assert.equal(arange(1, 2, 0.25).dtype, 'float32');
    assert.deepEqual(arange(3, undefined, 1, { dtype: 'float64' }).data(), new Float64Array([0, 1, 2]));
    assert.deepEqual(eye(3).toArray(), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    assert.deepEqual(linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(zerosLike(m).shape, [2, 3]);
    assert.deepEqual(onesLike(m).sum().item(), 6);
    assert.deepEqual(fullLike(tensor([1, 2]), 4).toArray(), [4, 4]);
  }),
);

test(
  'elementwise math and broadcasting',
  scoped(() => {
    const a = tensor([1, 2, 3, 4]);
    const b = tensor([4, 3, 2, 1]);
    assert.deepEqual(a.add(b).toArray(), [5, 5, 5, 5]);
    assert.deepEqual(a.add(b, 2).toArray(), [9, 8, 7, 6]);
    assert.deepEqual(a.add(10).toArray(), [11, 12, 13, 14]);
    assert.deepEqual(a.sub(b).toArray(), [-3, -1, 1, 3]);
    assert.deepEqual(a.sub(1, 2).toArray(), [-1, 0, 1, 2]);
    assert.deepEqual(a.rsub(10).toArray(), [9, 8, 7, 6]);
    assert.deepEqual(a.mul(b).toArray(), [4, 6, 6, 4]);
    assert.deepEqual(a.mul(0.5).toArray(), [0.5, 1, 1.5, 2]);
    assertClose(a.div(b).toArray(), [0.25, 2 / 3, 1.5, 4]);
    assert.deepEqual(a.div(2).toArray(), [0.5, 1, 1.5, 2]);
    assert.deepEqual(a.pow(2).toArray(), [1, 4, 9, 16]);
    assert.deepEqual(
      tensor([2, 3])
        .pow(tensor([3, 2]))
        .toArray(),
      [8, 9],
    );
    assert.deepEqual(a.neg().toArray(), [-1, -2, -3, -4]);
    assertClose(a.exp().log().toArray(), [1, 2, 3, 4], 1e-6);
    assertClose(a.log1p().toArray(), [1, 2, 3, 4].map(Math.log1p));
    assert.deepEqual(tensor([4, 9]).sqrt().toArray(), [2, 3]);
    assert.deepEqual(tensor([4, 16]).rsqrt().toArray(), [0.5, 0.25]);
    assert.deepEqual(tensor([-2, 0, 3]).abs().toArray(), [2, 0, 3]);
    assert.deepEqual(tensor([-2, 0, 3]).sign().toArray(), [-1, 0, 1]);
    assert.deepEqual(tensor([-2, 3]).square().toArray(), [4, 9]);
    assert.deepEqual(tensor([2, 4]).reciprocal().toArray(), [0.5, 0.25]);
    const r = tensor([-1.5, 0.5, 1.5, 2.4]);
    assert.deepEqual(r.floor().toArray(), [-2, 0, 1, 2]);
    assert.deepEqual(r.round().toArray(), [-2, 0, 2, 2], 'round half to even, as PyTorch');
    assert.deepEqual(r.clamp(0, 1).toArray(), [0, 0.5, 1, 1]);
    assert.deepEqual(r.clamp(null, 0).toArray(), [-1.5, 0, 0, 0]);
    assert.deepEqual(r.relu().toArray(), [0, 0.5, 1.5, 2.4].map(Math.fround));
    assertClose(tensor([0, 100, -100]).sigmoid().toArray(), [0.5, 1, 0]);
    assertClose(tensor([0, 1]).tanh().toArray(), [0, Math.tanh(1)]);
    assert.deepEqual(a.maximum(b).toArray(), [4, 3, 3, 4]);
    assert.deepEqual(a.minimum(b).toArray(), [1, 2, 2, 1]);
    // [2, 1] + [3] -> [2, 3]
    const col = tensor([[10], [20]]);
    assert.deepEqual(col.add(tensor([1, 2, 3])).toArray(), [11, 12, 13, 21, 22, 23]);
    assert.deepEqual(col.add(tensor([1, 2, 3])).shape, [2, 3]);
  }),
);

test(
  'comparisons give bool tensors',
  scoped(() => {
    const a = tensor([1, 2, 3]);
    const b = tensor([3, 2, 1]);
    const eq = a.eq(b);
    assert.equal(eq.dtype, 'bool');
    assert.deepEqual(eq.toArray(), [0, 1, 0]);
    assert.deepEqual(a.ne(2).toArray(), [1, 0, 1]);
    assert.deepEqual(a.lt(b).toArray(), [1, 0, 0]);
    assert.deepEqual(a.le(2).toArray(), [1, 1, 0]);
    assert.deepEqual(a.gt(b).toArray(), [0, 0, 1]);
    assert.deepEqual(a.ge(2).toArray(), [0, 1, 1]);
    assert.deepEqual(a.gt(1).logicalNot().toArray(), [1, 0, 0]);
    assert.deepEqual(a.gt(1).logicalAnd(a.lt(3)).toArray(), [0, 1, 0]);
    assert.deepEqual(a.lt(2).logicalOr(a.gt(2)).toArray(), [1, 0, 1]);
    assert.equal(a.gt(0).all().item(), 1);
    assert.equal(a.gt(2).any().item(), 1);
    assert.equal(a.gt(5).any().item(), 0);
  }),
);

test(
  'reductions over all elements and over dimensions',
  scoped(() => {
    const m = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.equal(m.sum().item(), 21);
    assert.deepEqual(m.sum(0).toArray(), [5, 7, 9]);
    assert.deepEqual(m.sum(1, true).shape, [2, 1]);
    assert.deepEqual(m.sum([0, 1]).item(), 21);
    assert.equal(m.mean().item(), 3.5);
    assert.deepEqual(m.mean(1).toArray(), [2, 5]);
    assert.equal(m.var().item(), 3.5, 'unbiased variance of 1..6');
    assert.deepEqual(m.var(1).toArray(), [1, 1]);
    assertClose(m.var(1, false, 0).toArray(), [2 / 3, 2 / 3]);
    assert.deepEqual(m.var(0, true).shape, [1, 3]);
    assertClose(m.std(1, false, 0).toArray(), [Math.sqrt(2 / 3), Math.sqrt(2 / 3)]);
    assert.equal(m.max().item(), 6);
    assert.equal(m.min().item(), 1);
    const { values, indices } = m.maxDim(1);
    assert.deepEqual(values.toArray(), [3, 6]);
    assert.deepEqual(indices.toArray(), [2, 2]);
    assert.equal(indices.dtype, 'int64');
    assert.deepEqual(m.minDim(0, true).values.shape, [1, 3]);
    assert.equal(m.argmax().item(), 5);
    assert.deepEqual(m.argmax(0).toArray(), [1, 1, 1]);
    assert.deepEqual(
      tensor([
        [3, 1],
        [0, 9],
      ])
        .argmin(1)
        .toArray(),
      [1, 0],
    );
    assert.deepEqual(m.amax(0).toArray(), [4, 5, 6]);
    assert.deepEqual(m.amin(1).toArray(), [1, 4]);
    assert.equal(tensor([1, 2, 3, 4]).prod().item(), 24);
    assert.deepEqual(tensor([1, 2, 3]).cumsum(0).toArray(), [1, 3, 6]);
    assertClose([m.norm().item()], [Math.sqrt(91)]);
    assertClose(m.norm(1, 1).toArray(), [6, 15]);
    assertClose(
      tensor([[0, 0]])
        .logsumexp(1)
        .toArray(),
      [Math.LN2],
    );
    const t = tensor([3, 1, 4, 1, 5]);
    assert.deepEqual(t.topk(2).values.toArray(), [5, 4]);
    assert.deepEqual(t.topk(2).indices.toArray(), [4, 2]);
    assert.deepEqual(t.topk(1, -1, false).values.toArray(), [1]);
    assert.deepEqual(t.sort().values.toArray(), [1, 1, 3, 4, 5]);
    assert.deepEqual(t.sort(-1, true).values.toArray(), [5, 4, 3, 1, 1]);
  }),
);

test(
  'shape operations',
  scoped(() => {
    const m = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(m.reshape([3, 2]).toArray(), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(m.reshape([-1]).shape, [6]);
    assert.deepEqual(m.view([3, 2]).shape, [3, 2]);
    assert.deepEqual(arange(24).reshape([2, 3, 4]).flatten(1).shape, [2, 12]);
    const p = arange(24).reshape([2, 3, 4]).permute([2, 0, 1]);
    assert.deepEqual(p.shape, [4, 2, 3]);
    // p[i, j, k] = x[j, k, i] = 12j + 4k + i
    assert.equal(p.select(0, 3).select(0, 1).select(0, 2).item(), 12 + 8 + 3);
    assert.deepEqual(m.transpose(0, 1).toArray(), [1, 4, 2, 5, 3, 6]);
    assert.deepEqual(m.T().shape, [3, 2]);
    assert.deepEqual(m.t().toArray(), [1, 4, 2, 5, 3, 6]);
    assert.deepEqual(arange(3).t().shape, [3]);
    assert.deepEqual(zeros([1, 2, 1]).squeeze().shape, [2]);
    assert.deepEqual(zeros([1, 2, 1]).squeeze(0).shape, [2, 1]);
    assert.deepEqual(zeros([2]).unsqueeze(1).shape, [2, 1]);
    assert.deepEqual(
      tensor([[1], [2]])
        .expand([2, 3])
        .toArray(),
      [1, 1, 1, 2, 2, 2],
    );
    assert.deepEqual(tensor([1, 2]).repeat([2]).toArray(), [1, 2, 1, 2]);
    assert.deepEqual(m.slice(1, 0, 3, 2).toArray(), [1, 3, 4, 6]);
    assert.deepEqual(m.slice(0, 1, null).toArray(), [4, 5, 6]);
    assert.deepEqual(m.narrow(1, 1, 2).toArray(), [2, 3, 5, 6]);
    assert.deepEqual(m.select(1, 0).toArray(), [1, 4]);
    assert.equal(m.size(-1), 3);
    assert.equal(m.ndim, 2);
    assert.equal(m.numel, 6);
    assert.throws(() => m.size(2), EngineError);

    const a = tensor([[1, 2]]);
    const b = tensor([[3, 4]]);
    assert.deepEqual(F.cat([a, b]).toArray(), [1, 2, 3, 4]);
    assert.deepEqual(F.cat([a, b], 1).shape, [1, 4]);
    assert.deepEqual(F.stack([a, b]).shape, [2, 1, 2]);
    assert.deepEqual(F.stack([a, b], 2).toArray(), [1, 3, 2, 4]);
    assert.deepEqual(
      arange(6)
        .split(4)
        .map((t) => t.toArray()),
      [
        [0, 1, 2, 3],
        [4, 5],
      ],
    );
    assert.deepEqual(
      arange(6)
        .split([1, 5])
        .map((t) => t.toArray()),
      [[0], [1, 2, 3, 4, 5]],
    );
    assert.deepEqual(
      arange(5)
        .chunk(2)
        .map((t) => t.toArray()),
      [
        [0, 1, 2],
        [3, 4],
      ],
    );
    assert.deepEqual(
      m.chunk(3, 1).map((t) => t.shape),
      [
        [2, 1],
        [2, 1],
        [2, 1],
      ],
    );
    assert.deepEqual(F.pad(ones([1, 1, 1, 1]), [1, 0, 0, 1]).toArray(), [0, 1, 0, 0]);
  }),
);

test(
  'indexing: index, indexSelect, gather, scatter, maskedFill, indexPut, where',
  scoped(() => {
    const m = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(m.index([long([1, 0, 1])]).toArray(), [4, 5, 6, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(m.index([null, long([2, 0])]).toArray(), [3, 1, 6, 4]);
    assert.deepEqual(m.index([long([0, 1]), long([2, 0])]).toArray(), [3, 4]);
    assert.deepEqual(
      tensor([1, 2, 3])
        .index([bool([1, 0, 1])])
        .toArray(),
      [1, 3],
    );
    assert.deepEqual(m.indexSelect(1, long([2, 2])).toArray(), [3, 3, 6, 6]);
    assert.deepEqual(m.gather(1, long([2, 0, 1, 1], [2, 2])).toArray(), [3, 1, 5, 5]);
    assert.deepEqual(
      zeros([2, 3])
        .scatter(1, long([2, 0], [2, 1]), ones([2, 1]))
        .toArray(),
      [0, 0, 1, 1, 0, 0],
    );
    const mask = bool([1, 0, 1]);
    assert.deepEqual(tensor([1, 2, 3]).maskedFill(mask, -1).toArray(), [-1, 2, -1]);
    assert.deepEqual(tensor([1, 2, 3]).maskedFill(mask, tensor(9)).toArray(), [9, 2, 9]);
    assert.deepEqual(
      zeros([3])
        .indexPut([long([0, 0, 2])], tensor([1, 2, 3]), true)
        .toArray(),
      [3, 0, 3],
    );
    assert.deepEqual(
      zeros([3])
        .indexPut([long([1])], tensor([5]))
        .toArray(),
      [0, 5, 0],
    );
    assert.deepEqual(F.where(mask, tensor([1, 2, 3]), tensor([7, 8, 9])).toArray(), [1, 8, 3]);
    assert.deepEqual(F.oneHot(long([0, 2]), 3).toArray(), [1, 0, 0, 0, 0, 1]);
  }),
);

test(
  'matmul, softmax and logSoftmax',
  scoped(() => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(a.mm(eye(2)).toArray(), [1, 2, 3, 4]);
    assert.deepEqual(a.matmul(tensor([1, 1])).toArray(), [3, 7]);
    assert.deepEqual(
      F.linear(
        a,
        tensor([
          [1, 0],
          [1, 1],
        ]),
        tensor([10, 20]),
      ).toArray(),
      [11, 23, 13, 27],
    );
    const x = tensor([
      [1, 2, 3],
      [0, 0, 0],
    ]);
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    assertClose(x.softmax(1).toArray(), [Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z, 1 / 3, 1 / 3, 1 / 3]);
    assertClose(F.softmax(x, 0).sum(0).toArray(), [1, 1, 1]);
    assertClose(x.logSoftmax(1).toArray(), [1 - Math.log(z), 2 - Math.log(z), 3 - Math.log(z), -Math.log(3), -Math.log(3), -Math.log(3)]);
    assertClose(F.logSoftmax(x, 1).exp().toArray(), x.softmax(1).toArray());
  }),
);

test(
  'crossEntropy with label smoothing matches the formula',
  scoped(() => {
    const rows = [
      [1, 2, 3],
      [1, 0, -1],
      [0.5, 0.5, 2],
    ];
    const targets = [2, 0, 1];
    const logits = tensor(rows);
    const y = long(targets);
    const C = 3;
    const perSample = (eps: number): number[] =>
      rows.map((r, i) => {
        const lse = Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
        const logp = r.map((v) => v - lse);
        // (1 - eps)·(−log p_y) + eps·mean_c(−log p_c)
        return (1 - eps) * -logp[targets[i]!]! + (eps / C) * logp.reduce((s, v) => s - v, 0);
      });
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    assertClose([F.crossEntropy(logits, y).item()], [mean(perSample(0))], 1e-6);
    assertClose([F.crossEntropy(logits, y, { labelSmoothing: 0.1 }).item()], [mean(perSample(0.1))], 1e-6);
    assertClose(F.crossEntropy(logits, y, { labelSmoothing: 0.2, reduction: 'none' }).toArray(), perSample(0.2), 1e-6);
    assertClose([F.crossEntropy(logits, y, { labelSmoothing: 0.2, reduction: 'sum' }).item()], [perSample(0.2).reduce((a, b) => a + b)], 1e-5);
    assertClose([F.nllLoss(logits.logSoftmax(1), y).item()], [mean(perSample(0))], 1e-6);
    assertClose([F.mseLoss(tensor([1, 2]), tensor([2, 4])).item()], [2.5]);
    assertClose([F.l1Loss(tensor([1, 2]), tensor([2, 4]), 'sum').item()], [3]);
  }),
);

test(
  'relu6, hardswish and hardsigmoid',
  scoped(() => {
    const xs = [-4, -3, -1, 0, 1, 3, 4, 7];
    const x = tensor(xs);
    assert.deepEqual(F.relu6(x).toArray(), [0, 0, 0, 0, 1, 3, 4, 6]);
    const hsig = xs.map((v) => Math.min(Math.max(v / 6 + 0.5, 0), 1));
    assertClose(F.hardsigmoid(x).toArray(), hsig);
    assertClose(
      F.hardswish(x).toArray(),
      xs.map((v, i) => v * hsig[i]!),
    );
    assertClose(F.silu(tensor([0, 1])).toArray(), [0, 1 / (1 + Math.exp(-1))]);
    assertClose(F.leakyRelu(tensor([-2, 2]), 0.1).toArray(), [-0.2, 2]);
  }),
);

/** Reference 2-d convolution: plain loops over NCHW input and OIHW weight. */
function convRef(
  x: number[],
  [n, c, h, w]: number[],
  k: number[],
  [o, kh, kw]: number[],
  stride: number,
  pad: number,
  dil: number,
  groups: number,
): { out: number[]; shape: number[] } {
  const oh = Math.floor((h + 2 * pad - dil * (kh - 1) - 1) / stride) + 1;
  const ow = Math.floor((w + 2 * pad - dil * (kw - 1) - 1) / stride) + 1;
  const cg = c / groups;
  const og = o / groups;
  const out: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < o; oc++) {
      const g = Math.floor(oc / og);
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          let s = 0;
          for (let ic = 0; ic < cg; ic++) {
            for (let u = 0; u < kh; u++) {
              for (let v = 0; v < kw; v++) {
                const y = i * stride - pad + u * dil;
                const xx = j * stride - pad + v * dil;
                if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
                s += x[((b * c + g * cg + ic) * h + y) * w + xx]! * k[((oc * cg + ic) * kh + u) * kw + v]!;
              }
            }
          }
          out.push(s);
        }
      }
    }
  }
  return { out, shape: [n, o, oh, ow] };
}

test(
  'conv2d with dilation, groups, stride and padding equals a hand computation',
  scoped(() => {
    const xs = Array.from({ length: 1 * 4 * 6 * 6 }, (_, i) => ((i * 7) % 11) - 5);
    const x = tensor(xs, [1, 4, 6, 6], { dtype: 'float64' });
    for (const [groups, stride, pad, dil] of [
      [2, 1, 1, 2],
      [4, 2, 2, 1],
      [1, 1, 0, 1],
      [2, 2, 1, 3],
    ] as const) {
      const o = 4;
      const ks = Array.from({ length: o * (4 / groups) * 3 * 3 }, (_, i) => ((i * 5) % 7) - 3);
      const k = tensor(ks, [o, 4 / groups, 3, 3], { dtype: 'float64' });
      const got = F.conv2d(x, k, null, { stride, padding: pad, dilation: dil, groups });
      const want = convRef(xs, [1, 4, 6, 6], ks, [o, 3, 3], stride, pad, dil, groups);
      assert.deepEqual(got.shape, want.shape, `groups ${groups} stride ${stride} pad ${pad} dilation ${dil}`);
      assertClose(got.toArray(), want.out, 1e-9, 0, `groups ${groups} stride ${stride} pad ${pad} dilation ${dil}`);
    }
    // bias and a 2x1 kernel with [stride, padding] pairs
    const b = F.conv2d(ones([1, 1, 3, 3]), ones([2, 1, 2, 1]), tensor([1, -1]), { stride: [1, 2], padding: [0, 1] });
    // rows: (3 - 2) / 1 + 1 = 2; columns sample padded positions -1, 1, 3: zero, one, zero
    assert.deepEqual(b.shape, [1, 2, 2, 3]);
    assert.deepEqual(b.toArray(), [1, 3, 1, 1, 3, 1, -1, 1, -1, -1, 1, -1]);
  }),
);

test(
  'pooling: avgPool2d countIncludePad true vs false, maxPool2d, adaptive and global',
  scoped(() => {
    const x = ones([1, 1, 3, 3]);
    const incl = F.avgPool2d(x, 3, { stride: 1, padding: 1 });
    assertClose(incl.toArray(), [4 / 9, 6 / 9, 4 / 9, 6 / 9, 1, 6 / 9, 4 / 9, 6 / 9, 4 / 9]);
    const excl = F.avgPool2d(x, 3, { stride: 1, padding: 1, countIncludePad: false });
    assertClose(excl.toArray(), [1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const g = arange(16, undefined, 1, { dtype: 'float32' }).reshape([1, 1, 4, 4]);
    assert.deepEqual(F.maxPool2d(g, 2).toArray(), [5, 7, 13, 15]);
    assert.deepEqual(F.maxPool2d(g, 3, { stride: 1, padding: 1 }).shape, [1, 1, 4, 4]);
    assert.deepEqual(F.avgPool2d(g, 2).toArray(), [2.5, 4.5, 10.5, 12.5]);
    assert.deepEqual(F.adaptiveAvgPool2d(g, 1).toArray(), [7.5]);
    assert.deepEqual(F.adaptiveMaxPool2d(g, 2).toArray(), [5, 7, 13, 15]);
    assert.deepEqual(F.globalAvgPool(g).shape, [1, 1]);
  }),
);

test(
  'batchNorm: training normalises with batch statistics and updates running stats',
  scoped(() => {
    const x = tensor([1, 2, 3, 4], [4, 1, 1, 1]);
    const rm = zeros([1]);
    const rv = ones([1]);
    const y = F.batchNorm(x, { runningMean: rm, runningVar: rv, training: true, momentum: 0.1, eps: 0 });
    const sd = Math.sqrt(1.25); // biased variance of 1..4
    assertClose(
      y.toArray(),
      [-1.5, -0.5, 0.5, 1.5].map((v) => v / sd),
      1e-6,
    );
    assertClose(rm.toArray(), [0.25]); // 0.9·0 + 0.1·2.5
    assertClose(rv.toArray(), [0.9 + 0.1 * (5 / 3)]); // unbiased variance in the running estimate
    const e = F.batchNorm(x, { runningMean: rm, runningVar: rv, training: false, eps: 0 });
    assertClose(
      e.toArray(),
      [1, 2, 3, 4].map((v) => (v - 0.25) / Math.sqrt(0.9 + 0.5 / 3)),
      1e-6,
    );
  }),
);

test(
  'dropout: scaled Bernoulli mask in training, identity in evaluation',
  scoped(() => {
    manualSeed(1);
    const x = ones([4000]);
    const d = F.dropout(x, 0.5, true).toArray();
    assert.ok(
      d.every((v) => v === 0 || v === 2),
      'kept units are scaled by 1/(1-p)',
    );
    const zeroFraction = d.filter((v) => v === 0).length / d.length;
    assert.ok(Math.abs(zeroFraction - 0.5) < 0.05, `dropped fraction ${zeroFraction}`);
    assert.deepEqual(F.dropout(x, 0.5, false).toArray(), x.toArray());
    assert.deepEqual(F.dropout(x, 0, true).toArray(), x.toArray());
  }),
);

test(
  'manualSeed makes every random draw repeat',
  scoped(() => {
    const draw = (): number[][] => [
      randn([5]).toArray(),
      rand([3]).toArray(),
      randint(0, 100, [4]).toArray(),
      randperm(6).toArray(),
      F.dropout(ones([8]), 0.5, true).toArray(),
    ];
    manualSeed(123);
    const a = draw();
    manualSeed(123);
    const b = draw();
    assert.deepEqual(a, b);
    manualSeed(124);
    assert.notDeepEqual(draw()[0], a[0]);
    assert.deepEqual([...randperm(6).toArray()].sort(), [0, 1, 2, 3, 4, 5]);
    assert.ok(
      rand([100])
        .toArray()
        .every((v) => v >= 0 && v < 1),
    );
    assert.ok(
      randint(3, 5, [50])
        .toArray()
        .every((v) => v === 3 || v === 4),
    );
    assert.throws(() => manualSeed(-1), EngineError);
    assert.throws(() => manualSeed(1.5), EngineError);
  }),
);

test(
  'gumbelSoftmax hard gives one-hot samples with the soft gradient',
  scoped(() => {
    manualSeed(3);
    const logits = tensor(
      [
        [1, 2, 0.5, -1, 0],
        [0, 0, 3, 0, 1],
      ],
      undefined,
      { requiresGrad: true },
    );
    const { soft, sample, index } = F.gumbelSoftmax(logits, 0.7, true);
    const s = sample.toArray();
    assert.ok(
      s.every((v) => v === 0 || v === 1),
      'hard samples are one-hot',
    );
    assert.deepEqual(sample.sum(1).toArray(), [1, 1]);
    assert.deepEqual(sample.argmax(1).toArray(), index.flatten().toArray());
    assert.deepEqual(soft.argmax(1).toArray(), index.flatten().toArray());
    assertClose(soft.sum(1).toArray(), [1, 1], 1e-6);
    // Straight-through: the gradient through the hard sample is the soft sample's.
    const w = tensor([
      [1, 2, 3, 4, 5],
      [5, 4, 3, 2, 1],
    ]);
    const [gHard] = grad(sample.mul(w).sum(), [logits], { retainGraph: true });
    const [gSoft] = grad(soft.mul(w).sum(), [logits]);
    assertClose(gHard!.toArray(), gSoft!.toArray(), 1e-6);
    assert.ok(gHard!.abs().sum().item() > 1e-3, 'the gradient is not zero');
    const soft2 = F.gumbelSoftmax(logits.detach(), 1, false);
    assert.equal(soft2.sample, soft2.soft);
  }),
);

test(
  'in-place operations update the tensor (and views update their base) and return it',
  scoped(() => {
    const x = tensor([1, 2, 3, 4]);
    assert.equal(x.add_(1), x);
    assert.deepEqual(x.toArray(), [2, 3, 4, 5]);
    x.add_(tensor([1, 1, 1, 1]), 2);
    assert.deepEqual(x.toArray(), [4, 5, 6, 7]);
    x.sub_(tensor([1, 1, 1, 1]), 3);
    assert.deepEqual(x.toArray(), [1, 2, 3, 4]);
    x.sub_(1).add_(1);
    assert.deepEqual(x.toArray(), [1, 2, 3, 4]);
    x.mul_(2).div_(4);
    assert.deepEqual(x.toArray(), [0.5, 1, 1.5, 2]);
    x.mul_(tensor([2, 2, 2, 2])).div_(tensor([1, 2, 1, 2]));
    assert.deepEqual(x.toArray(), [1, 1, 3, 2]);
    x.addcmul_(tensor([1, 2, 3, 4]), tensor([2, 2, 2, 2]), 0.5);
    assert.deepEqual(x.toArray(), [2, 3, 6, 6]);
    x.addcdiv_(tensor([4, 4, 4, 4]), tensor([2, 4, 8, 1]), 2);
    assert.deepEqual(x.toArray(), [6, 5, 7, 14]);
    x.clamp_(5, 10);
    assert.deepEqual(x.toArray(), [6, 5, 7, 10]);
    x.lerp_(zeros([4]), 0.5);
    assert.deepEqual(x.toArray(), [3, 2.5, 3.5, 5]);
    x.copy_(tensor([4, 9, 16, 25]));
    x.sqrt_();
    assert.deepEqual(x.toArray(), [2, 3, 4, 5]);
    x.maskedFill_(bool([1, 0, 0, 1]), 0);
    assert.deepEqual(x.toArray(), [0, 3, 4, 0]);
    x.fill_(7);
    assert.deepEqual(x.toArray(), [7, 7, 7, 7]);
    x.narrow(0, 1, 2).zero_();
    assert.deepEqual(x.toArray(), [7, 0, 0, 7], "a view shares its base's memory");
    manualSeed(9);
    const u = zeros([1000]).uniform_(2, 3).toArray();
    assert.ok(u.every((v) => v >= 2 && v < 3));
    const n = zeros([4000]).normal_(5, 2);
    assert.ok(Math.abs(n.mean().item() - 5) < 0.15 && Math.abs(n.std().item() - 2) < 0.15);
  }),
);

test(
  'int64 tensors keep exact integers and follow PyTorch promotion',
  scoped(() => {
    const big = tensor(new BigInt64Array([2n ** 40n, -(2n ** 50n)]));
    assert.deepEqual(big.add(1).data(), new BigInt64Array([2n ** 40n + 1n, -(2n ** 50n) + 1n]));
    assert.equal(big.dtype, 'int64');
    assert.equal(big.select(0, 0).item(), 2 ** 40);
    const r = arange(5);
    assert.equal(r.sum().dtype, 'int64');
    assert.equal(r.sum().item(), 10);
    assert.equal(r.mul(2).dtype, 'int64');
    assert.deepEqual(r.div(2).toArray(), [0, 0.5, 1, 1.5, 2], 'true division gives floats');
    assert.equal(r.div(2).dtype, 'float32');
    assert.equal(r.add(tensor([0.5])).dtype, 'float32');
    assert.deepEqual(r.float().mean().item(), 2);
    assert.equal(tensor([1.5, 2.5]).long().dtype, 'int64');
    assert.deepEqual(tensor([1.9, -1.9]).long().toArray(), [1, -1]);
    assert.equal(r.double().dtype, 'float64');
    assert.equal(r.to('int32').dtype, 'int32');
    const c = r.to('int64');
    assert.notEqual(c, r, 'to(the same dtype) is a copy');
  }),
);

test(
  'noGrad and enableGrad switch autograd, and restore it on throw',
  scoped(() => {
    const w = ones([2], { requiresGrad: true });
    assert.equal(isGradEnabled(), true);
    const y = noGrad(() => {
      assert.equal(isGradEnabled(), false);
      const inner = enableGrad(() => w.mul(2));
      assert.equal(inner.requiresGrad, true);
      return w.mul(2);
    });
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
    assert.equal(isGradEnabled(), true);
    assert.throws(
      () =>
        noGrad(() => {
          throw new Error('inside');
        }),
      /inside/,
    );
    assert.equal(isGradEnabled(), true, 'restored after a throw');
    const z = w.mul(3).sum();
    assert.equal(z.gradFn, 'SumBackward0');
    z.backward();
    assert.deepEqual(w.grad!.toArray(), [3, 3]);
    assert.equal(w.isLeaf, true);
    assert.equal(w.detach().requiresGrad, false);
    w.grad = null;
    assert.equal(w.grad, null);
  }),
);

test(
  'callAten calls any operator, with keyword arguments, and wraps tensor results',
  scoped(() => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const s = callAten('sum', x, { dtype: 'float64' }) as Tensor;
    assert.equal(s.dtype, 'float64');
    assert.equal(s.item(), 21);
    const mm = callAten(
      'addmm',
      ones([2, 2]),
      eye(2),
      tensor([
        [1, 2],
        [3, 4],
      ]),
      { beta: 0.5, alpha: 2 },
    ) as Tensor;
    assert.deepEqual(mm.toArray(), [2.5, 4.5, 6.5, 8.5]);
    const sd = callAten('std.correction', x, [1], { correction: 0, keepdim: true }) as Tensor;
    assert.deepEqual(sd.shape, [2, 1]);
    assertClose(sd.toArray(), [Math.sqrt(2 / 3), Math.sqrt(2 / 3)]);
    const [values, indices] = callAten('max_pool2d_with_indices', arange(16, undefined, 1, { dtype: 'float32' }).reshape([1, 1, 4, 4]), [2, 2]) as Tensor[];
    assert.deepEqual(values!.toArray(), [5, 7, 13, 15]);
    assert.deepEqual(indices!.toArray(), [5, 7, 13, 15]);
    // Scalar[] arguments (one scalar per tensor)
    const [p, q] = callAten('_foreach_add.ScalarList', [tensor([1, 2]), tensor([3, 4])], [1, 0.5]) as Tensor[];
    assert.deepEqual(p!.toArray(), [2, 3]);
    assert.deepEqual(q!.toArray(), [3.5, 4.5]);
    // int[2] accepts one number
    assert.deepEqual((callAten('avg_pool2d', ones([1, 1, 4, 4]), 2) as Tensor).shape, [1, 1, 2, 2]);
    assert.equal(callAten('size.int', x, 1), 3);
    assert.match(schemaOf('conv2d'), /^aten::conv2d\(Tensor input, Tensor weight, Tensor\? bias=None/);
  }),
);

test('setNumThreads / getNumThreads', () => {
  const before = getNumThreads();
  assert.ok(Number.isInteger(before) && before >= 1);
  setNumThreads(1);
  assert.equal(getNumThreads(), 1);
  tidy(() =>
    assert.equal(
      ones([64, 64])
        .mm(ones([64, 64]))
        .sum()
        .item(),
      64 ** 3,
    ),
  );
  setNumThreads(2);
  assert.equal(getNumThreads(), 2);
  assert.throws(() => setNumThreads(0), EngineError);
  assert.throws(() => setNumThreads(1.5), EngineError);
  setNumThreads(before);
  assert.equal(getNumThreads(), before);
});

test(
  'tensors describe themselves and copy their data out',
  scoped(() => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      undefined,
      { dtype: 'float64' },
    );
    assert.equal(String(x), 'Tensor(shape=[2, 2], dtype=float64, device=cpu)');
    assert.equal(x.device, 'cpu');
    const d = x.data();
    assert.ok(d instanceof Float64Array);
    d[0] = 100;
    assert.equal(x.toArray()[0], 1, 'data() is a copy');
    assert.deepEqual(x.T().contiguous().toArray(), [1, 3, 2, 4]);
    assert.deepEqual(x.clone().toArray(), [1, 2, 3, 4]);
    assert.throws(() => tensor([1, 2]).item(), /2 elements, expected 1/);
  }),
);
