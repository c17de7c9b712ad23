// DARTS' cell operations (cnn/operations.py OPS, plus NASNet's sep_conv_7x7 and conv_7x1_1x7)
// and the MBConv block against the same modules written in PyTorch (make_nn_fixtures.py):
// forward, input and weight gradients, batch-norm statistics, and state-dict names.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildModule, casesOf, checkCase, nfName } from './fixture.js';

const KINDS = ['cellop', 'mbconv'];

describe('cell operations and MBConv match their PyTorch definitions', () => {
  for (const c of casesOf(KINDS)) test(c.name, () => checkCase(c));

  test('every DARTS/NASNet op name is covered at stride 1 and 2', () => {
    const covered = new Set(casesOf(['cellop']).map((c) => `${c.module.args[0]}/${c.module.args[2]}`));
    assert.equal(covered.size, 20);
  });

  test("state-dict names equal the PyTorch modules' (op.N..., conv_1, bn, expand.N, ...)", () => {
    for (const c of casesOf(KINDS)) {
      const { module } = buildModule(c.module.kind, c.module.args);
      assert.deepEqual(Object.keys(module.stateDict()).sort(), Object.keys(c.state).map(nfName).sort(), c.name);
      module.dispose();
    }
  });
});
