// libtorch errors and wrong JavaScript arguments surface as catchable Errors with a clear
// message, and the process keeps working after each of them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { EngineError, F, type Tensor, arange, callAten, cudaAvailable, grad, undisposedTensors, ones, tensor, tidy, zeros } from '../../src/torch/index.js';

/** Runs fn, asserts it throws an EngineError (an Error) matching `pattern`, then checks a normal op still works. */
function expectEngineError(fn: () => unknown, pattern: RegExp): EngineError {
  let caught: unknown;
  tidy(() => {
    try {
      fn();
    } catch (e) {
      caught = e;
    }
  });
  assert.ok(caught instanceof Error, `expected an Error, got ${String(caught)}`);
  assert.ok(caught instanceof EngineError, `expected an EngineError, got ${(caught as Error).name}: ${(caught as Error).message}`);
  assert.equal(caught.name, 'EngineError');
  assert.equal(caught.code, 'engine');
  assert.match(caught.message, pattern);
  assert.doesNotMatch(caught.message, /Exception raised from|frame #\d/, 'no C++ backtrace in the message');
  // The engine is still usable.
  tidy(() => assert.deepEqual(arange(3).add(1).toArray(), [1, 2, 3]));
  return caught;
}

const long = (xs: number[]): Tensor => tensor(BigInt64Array.from(xs, BigInt));

test('shape mismatch: mm of 2x3 and 2x3 gives libtorch message', () => {
  const e = expectEngineError(() => ones([2, 3]).mm(ones([2, 3])), /mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)/);
  assert.equal(e.op, 'mm');
  expectEngineError(() => ones([2, 3]).add(ones([4])), /size of tensor a \(3\) must match the size of tensor b \(4\)/);
  expectEngineError(() => ones([6]).view([4, 2]), /shape '\[4, 2\]' is invalid for input of size 6/);
  expectEngineError(() => F.conv2d(ones([1, 3, 8, 8]), ones([4, 2, 3, 3])), /expected input\[1, 3, 8, 8\] to have 2 channels/);
});

test('dtype errors: a float-only op on int64, indexing with a float tensor, negating bool', () => {
  expectEngineError(() => arange(4).logSoftmax(0), /not implemented for 'Long'/);
  expectEngineError(() => arange(3).index([tensor([1])]), /tensors used as indices must be long, (byte|int) or bool tensors/);
  expectEngineError(() => tensor([1, 0], undefined, { dtype: 'bool' }).neg(), /Negation.*bool tensor is not supported/);
  expectEngineError(() => F.crossEntropy(ones([2, 3]), tensor([0, 1])), /expected scalar type Long but found Float|not implemented for 'Float'/);
});

test('index out of range: index_select, select and gather', () => {
  expectEngineError(() => arange(3).indexSelect(0, long([5])), /index out of range in self/);
  expectEngineError(() => arange(3).select(0, 7), /index 7 out of range for tensor of size \[3\] at dimension 0/);
  expectEngineError(() => zeros([2, 2]).gather(1, long([0, 3]).reshape([1, 2])), /index 3 is out of bounds for dimension 1 with size 2/);
  expectEngineError(() => zeros([2, 2]).sum(5), /Dimension out of range/);
});

test('device errors: cuda on a machine without it, and a malformed device string', { skip: cudaAvailable() ? 'this machine has CUDA' : false }, () => {
  expectEngineError(() => ones([2]).to('cuda'), /not linked with support for cuda devices|CUDA/i);
  expectEngineError(() => tensor([1, 2], undefined, { device: 'cuda' }), /cuda/i);
  expectEngineError(() => zeros([2], { device: 'cuda:0' }), /cuda/i);
});

test('malformed device strings are rejected with libtorch message', () => {
  expectEngineError(() => ones([2]).to('gpu:x'), /Invalid device string: 'gpu:x'/);
  expectEngineError(() => zeros([2], { device: 'banana' }), /device type at start of device string: banana/);
});

test('wrong JavaScript arguments: strings, plain objects and disposed tensors', () => {
  const x = ones([2]);
  expectEngineError(() => x.add('1' as unknown as Tensor), /expected a Tensor, got the string '1'/);
  expectEngineError(() => x.mul({} as unknown as Tensor), /expected a Tensor, got an object/);
  expectEngineError(() => F.relu6('x' as unknown as Tensor), /relu6: expected a Tensor, got the string 'x'/);
  expectEngineError(() => F.cat([x, 3 as unknown as Tensor]), /cat: expected a Tensor, got number 3/);
  expectEngineError(() => callAten('add.Tensor', x, 'y'), /argument 'other'.*expected a tensor/);
  expectEngineError(() => callAten('sum', x, { dtype: 'float65' }), /unknown enum value 'float65'/);
  expectEngineError(() => callAten('no_such_op', x), /unknown operator aten::no_such_op/);
  expectEngineError(() => callAten('narrow', x, 0, 0.5, 1), /expected an integer, got 0.5/);
  expectEngineError(() => tensor([[1, 2], [3]]), /ragged/);
  expectEngineError(() => tensor(['a' as unknown as number]), /numbers or booleans/);
  expectEngineError(() => zeros([2, -1]), /non-negative integers/);
  const d = ones([2]);
  d.dispose();
  const e = expectEngineError(() => d.add(1), /disposed/);
  assert.match(e.message, /keep\(\)|tidy/, 'the message says how to avoid it');
  expectEngineError(() => x.add(d), /argument 'other': the tensor was disposed/);
  expectEngineError(() => F.conv2d(d, ones([1, 1, 1, 1])), /disposed/);
  expectEngineError(() => d.shape, /disposed/);
  x.dispose();
});

test('autograd misuse is an EngineError, not a crash', () => {
  expectEngineError(() => ones([2, 2], { requiresGrad: true }).mul(2).backward(), /grad can be implicitly created only for scalar outputs/);
  expectEngineError(() => ones([2]).sum().backward(), /does not require grad/);
  expectEngineError(() => {
    const a = ones([2], { requiresGrad: true });
    const y = a.mul(a).sum();
    y.backward();
    y.backward();
  }, /backward through the graph a second time/);
  expectEngineError(() => grad(ones([1]), [ones([1])]), /does not require grad/);
  expectEngineError(() => {
    const a = ones([2], { requiresGrad: true });
    a.mul_(2); // in-place on a leaf that requires grad
  }, /a leaf Variable that requires grad is being used in an in-place operation/);
});

test('the process survives a burst of errors without leaking tensors', () => {
  const live0 = undisposedTensors();
  for (let i = 0; i < 200; i++) {
    assert.throws(() => tidy(() => ones([2, 3]).mm(ones([2, 3]))), EngineError);
    assert.throws(() => tidy(() => arange(3).indexSelect(0, long([9]))), EngineError);
  }
  assert.equal(undisposedTensors(), live0);
  assert.equal(
    tidy(() =>
      ones([3, 4])
        .mm(ones([4, 5]))
        .sum()
        .item(),
    ),
    60,
  );
});

test('the engine runs in worker threads next to the main thread', async () => {
  const index = new URL('../../src/torch/index.js', import.meta.url).href;
  // Each worker resolves operators and runs ops while the main thread does the same.
  const code = `
    const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(index)}).then((T) => {
      let s = 0;
      for (let i = 0; i < 500; i++) s += T.tidy(() => T.ones([4, 4]).mm(T.ones([4, 4])).sum().item());
      parentPort.postMessage(s);
    });`;
  const workers = [0, 1].map(() => new Worker(code, { eval: true }));
  const results = workers.map(
    (w) =>
      new Promise((resolve, reject) => {
        w.on('message', resolve);
        w.on('error', reject);
      }),
  );
  let mine = 0;
  for (let i = 0; i < 500; i++)
    mine += tidy(() =>
      ones([4, 4])
        .mm(ones([4, 4]))
        .sum()
        .item(),
    );
  assert.deepEqual(await Promise.all(results), [32000, 32000]);
  assert.equal(mine, 32000);
  await Promise.all(workers.map((w) => w.terminate()));
});
