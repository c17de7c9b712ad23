// LSTM cell, stacked LSTM and embedding against PyTorch's nn.LSTMCell, nn.LSTM and nn.Embedding.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { undisposedTensors, manualSeed, randn, tensor, tidy } from '../../src/torch/index.js';
import { Embedding, LSTMCell, StackedLSTM } from '../../src/nn/index.js';
import { casesOf, checkCase } from './fixture.js';

const KINDS = ['lstmcell', 'stackedlstm', 'embedding'];

describe('recurrent layers match PyTorch (outputs, states, gradients of inputs, states and weights)', () => {
  for (const c of casesOf(KINDS)) test(c.name, () => checkCase(c));
});

describe('LSTMCell', () => {
  test("parameters carry PyTorch's names and shapes (gates i, f, g, o stacked in rows)", () => {
    const cell = new LSTMCell(3, 5);
    const shapes = Object.fromEntries(Object.entries(cell.stateDict()).map(([k, t]) => [k, t.shape]));
    assert.deepEqual(shapes, { weight_ih: [20, 3], weight_hh: [20, 5], bias_ih: [20], bias_hh: [20] });
    cell.dispose();
  });

  test('initialisation is U(±1/sqrt(hidden)) for every weight and bias', () => {
    manualSeed(7);
    const cell = new LSTMCell(16, 25);
    const bound = 1 / Math.sqrt(25);
    for (const [k, t] of Object.entries(cell.stateDict())) {
      const v = t.toArray();
      assert.ok(
        v.every((x) => Math.abs(x) <= bound),
        `${k} within ±${bound}`,
      );
      assert.ok(Math.max(...v.map(Math.abs)) > 0.9 * bound, `${k} spreads to the bound`);
    }
    cell.dispose();
  });

  test('without a state it starts from zeros', () => {
    manualSeed(8);
    const cell = new LSTMCell(3, 4);
    tidy(() => {
      const x = randn([2, 3]);
      const a = cell.forward(x);
      const b = cell.forward(x, cell.zeroState(2));
      assert.deepEqual(a.h.toArray(), b.h.toArray());
      assert.deepEqual(a.c.toArray(), b.c.toArray());
    });
    cell.dispose();
  });

  test('shape mistakes are RangeErrors naming the expected shape', () => {
    const cell = new LSTMCell(3, 4);
    tidy(() => {
      assert.throws(
        () => cell.forward(randn([3])),
        (e: unknown) => e instanceof RangeError && /\(batch, 3\)/.test(e.message),
      );
      const bad = { h: randn([2, 4]), c: randn([2, 5]) };
      assert.throws(
        () => cell.forward(randn([2, 3]), bad),
        (e: unknown) => e instanceof RangeError && /state c must be \(2, 4\)/.test(e.message),
      );
    });
    cell.dispose();
  });
});

describe('StackedLSTM', () => {
  test('one layer is the cell itself; deeper layers read the layer below', () => {
    manualSeed(9);
    const stack = new StackedLSTM(3, 4, 2);
    assert.deepEqual(Object.keys(stack.stateDict()), [
      '0.weight_ih',
      '0.weight_hh',
      '0.bias_ih',
      '0.bias_hh',
      '1.weight_ih',
      '1.weight_hh',
      '1.bias_ih',
      '1.bias_hh',
    ]);
    assert.equal(stack.cells[1]!.inputSize, 4);
    tidy(() => {
      const x = randn([2, 3]);
      const { output, states } = stack.forward(x);
      const first = stack.cells[0]!.forward(x);
      const second = stack.cells[1]!.forward(first.h);
      assert.deepEqual(states[0]!.h.toArray(), first.h.toArray());
      assert.deepEqual(output.toArray(), second.h.toArray());
      assert.equal(output, states[1]!.h);
    });
    stack.dispose();
  });

  test('stepping frees everything but the returned states', () => {
    manualSeed(10);
    const stack = new StackedLSTM(3, 4, 3);
    const x = randn([1, 3]);
    const warm = stack.forward(x);
    for (const s of warm.states) {
      s.h.dispose();
      s.c.dispose();
    }
    const live = undisposedTensors();
    let states = stack.zeroState(1);
    for (let t = 0; t < 5; t++) {
      const r = stack.forward(x, states);
      for (const s of states) {
        s.h.dispose();
        s.c.dispose();
      }
      states = r.states;
    }
    assert.equal(undisposedTensors(), live + 6, 'h and c for each of 3 layers');
    for (const s of states) {
      s.h.dispose();
      s.c.dispose();
    }
    x.dispose();
    stack.dispose();
  });

  test('a state list of the wrong depth is a RangeError', () => {
    const stack = new StackedLSTM(3, 4, 2);
    tidy(() => {
      assert.throws(
        () => stack.forward(randn([1, 3]), stack.zeroState(1).slice(0, 1)),
        (e: unknown) => e instanceof RangeError && /1 layer states for 2 layers/.test(e.message),
      );
    });
    stack.dispose();
  });
});

describe('Embedding', () => {
  test('looks up rows for any index shape; float indices are a RangeError', () => {
    manualSeed(11);
    const emb = new Embedding(6, 3);
    tidy(() => {
      const idx = tensor(
        [
          [5, 0],
          [2, 2],
        ],
        undefined,
        { dtype: 'int64' },
      );
      const y = emb.forward(idx);
      assert.deepEqual(y.shape, [2, 2, 3]);
      assert.deepEqual(y.select(0, 1).select(0, 0).toArray(), emb.weight.select(0, 2).toArray());
      assert.throws(
        () => emb.forward(tensor([1, 2])),
        (e: unknown) => e instanceof RangeError && /\.long\(\)/.test(e.message),
      );
    });
    emb.dispose();
  });
});
