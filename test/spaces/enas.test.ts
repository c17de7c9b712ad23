// ENAS' two spaces (enas-micro, enas-macro): the released architectures, their parameter
// counts, the arc strings of the released scripts, and the macro child network at a tiny stack.
// The SearchSpace contract itself is checked by test/spaces/core.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { F, randint, randn, setNumThreads, tidy, undisposedTensors, manualSeed } from '../../src/torch/index.js';
import { type Module, withoutInit } from '../../src/nn/index.js';
import { SpaceError } from '../../src/spaces/core/index.js';
import { Rng } from '../../src/util/index.js';
import { ENAS_MICRO, nasnetSpace } from '../../src/spaces/nasnet/index.js';
import {
  ENAS_MACRO_OPS,
  type EnasMacroNetwork,
  createEnasMacroSpace,
  enasMacroSpace,
  enasMicroSpace,
  enasPoolLayers,
  type EnasMacroGenotype,
} from '../../src/spaces/enas/index.js';

setNumThreads(1);

/** Parameters without the auxiliary head, as the paper counts them. */
function paramsWithoutAux(build: () => Module): number {
  const net = withoutInit(build);
  try {
    return [...net.namedParameters()].filter(([n]) => !n.startsWith('aux_head.')).reduce((s, [, p]) => s + p.numel, 0);
  } finally {
    net.dispose();
  }
}

// scripts/cifar10_micro_final.sh's fixed_arc (per node: input1 op1 input2 op2)
const MICRO_ARC = '0 2 0 0 0 4 0 1 0 4 1 1 1 0 0 1 0 2 1 1 1 0 1 0 0 3 0 2 1 1 3 1 1 0 0 4 0 3 1 1';

describe('enas-micro', () => {
  test("the preset is the nasnet space's ENAS cell and its released arc string; 4,587,372 params at N=6, F=36 as the nasnet preset", () => {
    const p = enasMicroSpace.presets.enas!;
    assert.deepEqual(enasMicroSpace.parse!(MICRO_ARC), p.genotype);
    assert.deepEqual(p.genotype.normal, ENAS_MICRO.normal);
    assert.deepEqual(p.genotype.reduce_concat, ENAS_MICRO.reduce_concat);
    const ours = paramsWithoutAux(() => enasMicroSpace.build(p.genotype, p.stack) as unknown as Module);
    assert.equal(ours, 4587372);
    const q = nasnetSpace.presets['enas-micro']!;
    assert.equal(
      ours,
      paramsWithoutAux(() => nasnetSpace.build(q.genotype, q.stack) as unknown as Module),
    );
    assert.equal(enasMicroSpace.cost(p.genotype, p.stack).params, nasnetSpace.cost(q.genotype, q.stack).params);
  });

  test("decisions follow the controller's arc: input1, op1, input2, op2 per node; ops in the code's numbering", () => {
    const d = enasMicroSpace.decisions();
    assert.equal(d.length, 40);
    assert.deepEqual(
      d.slice(0, 4).map((x) => x.name),
      ['normal.node0.input1', 'normal.node0.op1', 'normal.node0.input2', 'normal.node0.op2'],
    );
    assert.deepEqual(d[1]!.choices, ['sep_conv_3x3', 'sep_conv_5x5', 'avg_pool_3x3', 'max_pool_3x3', 'skip_connect']);
    assert.deepEqual(d[36]!.choices, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(enasMicroSpace.toDecisions(enasMicroSpace.parse!(MICRO_ARC)), MICRO_ARC.split(' ').map(Number));
  });

  test('the output concatenates every unread state, cell inputs included, and nothing else', () => {
    // every node reads only input 1: input 0 and all five nodes are concatenated
    const g = enasMicroSpace.fromDecisions(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 1 : 4)));
    assert.deepEqual(g.normal_concat, [0, 2, 3, 4, 5, 6]);
    assert.throws(
      () => enasMicroSpace.validate({ ...g, normal_concat: [2, 3, 4, 5, 6] }),
      (e: unknown) => e instanceof SpaceError && /normal_concat/.test(e.message) && /\[0,2,3,4,5,6\]/.test(e.message),
    );
    // and it builds: the unread input is concatenated at the cells' size
    const before = undisposedTensors();
    const net = enasMicroSpace.build(g, enasMicroSpace.tiny.stack);
    tidy(() => assert.deepEqual(net.forward(randn([2, 3, 16, 16])).shape, [2, 10]));
    net.dispose();
    assert.equal(undisposedTensors(), before);
  });

  test('a bad arc string is a SpaceError naming the expected form', () => {
    assert.throws(
      () => enasMicroSpace.parse!('0 2 0'),
      (e: unknown) => e instanceof SpaceError && /40 integers/.test(e.message),
    );
    assert.throws(() => enasMicroSpace.parse!(MICRO_ARC.replace(/^0 2/, '0 7')), SpaceError);
  });
});

// scripts/cifar10_macro_final.sh's first layers
const MACRO_24 = createEnasMacroSpace({ layers: 24 });

describe('enas-macro', () => {
  test('12 layers: one op and l skip bits (stem, layers 0..l-2) each (78 decisions), reductions after layers 3 and 7', () => {
    const d = enasMacroSpace.decisions();
    assert.equal(d.length, 12 + 66);
    assert.deepEqual(
      d.slice(0, 4).map((x) => x.name),
      ['layer0.op', 'layer1.op', 'layer1.skip0', 'layer2.op'],
    );
    assert.deepEqual(d[0]!.choices, [...ENAS_MACRO_OPS]);
    assert.deepEqual(enasPoolLayers(12), [3, 7]);
    assert.deepEqual(enasPoolLayers(24), [7, 15]);
    assert.deepEqual(Object.keys(enasMacroSpace.presets), [], 'no 12-layer architecture was published');
  });

  test('the released 24-layer arc parses as the preset; its network has 30,947,424 params at F=96', () => {
    const p = MACRO_24.presets.enas!;
    assert.equal(p.genotype.layers.length, 24);
    assert.deepEqual(p.genotype.layers.slice(0, 4), [
      { op: 'conv_3x3', skips: [] },
      { op: 'sep_conv_5x5', skips: [0] },
      { op: 'conv_3x3', skips: [1, 0] },
      { op: 'conv_5x5', skips: [0, 0, 1] },
    ]);
    assert.equal(
      paramsWithoutAux(() => MACRO_24.build(p.genotype, p.stack) as unknown as Module),
      30947424,
    );
  });

  test('as the released fixed-arc code builds it (separable ops as full convs, _fixed_layer): 42,559,392 params', () => {
    // general_child.py's fixed path builds ops 0-3 alike, a full k×k conv; the arc has no pools
    const p = MACRO_24.presets.enas!;
    const released = { layers: p.genotype.layers.map((x) => ({ ...x, op: x.op.replace('sep_', '') as typeof x.op })) };
    assert.ok(p.genotype.layers.every((x) => !x.op.includes('pool')));
    assert.equal(
      paramsWithoutAux(() => MACRO_24.build(released, p.stack) as unknown as Module),
      42559392,
    );
    // neither reading gives the paper's 21.3M at the script's width (F=96)
  });

  test('every op with every skip builds at a tiny stack, runs forward and backward, and frees its tensors', () => {
    manualSeed(0);
    const layers = Array.from({ length: 12 }, (_, l) => ({
      op: ENAS_MACRO_OPS[l % 6]!,
      skips: Array.from({ length: l }, (_, i) => (l === 11 || (i + l) % 2 === 1 ? 1 : 0)),
    }));
    const g = enasMacroSpace.validate({ layers }) as EnasMacroGenotype;
    const before = undisposedTensors();
    const net = enasMacroSpace.build(g, { channels: 4 }) as EnasMacroNetwork;
    net.train();
    tidy(() => {
      const logits = net.forward(randn([2, 3, 16, 16]));
      assert.deepEqual(logits.shape, [2, 10]);
      F.crossEntropy(logits, randint(0, 10, [2])).backward();
    });
    const missing = [...net.namedParameters()]
      .filter(([, p]) => {
        const gr = p.grad;
        gr?.dispose();
        return gr === null;
      })
      .map(([n]) => n);
    assert.deepEqual(missing, []);
    assert.equal(net.pools.items.length, 2);
    assert.equal(net.pools.items[0]!.items.length, 5, 'the stem and layers 0-3 are reduced after layer 3');
    net.dispose();
    assert.equal(undisposedTensors(), before);
  });

  test('validate and parse refuse bad genotypes with the path to the bad value', () => {
    const g = enasMacroSpace.sample(new Rng(1));
    assert.throws(
      () => enasMacroSpace.validate({ layers: g.layers.slice(1) }),
      (e: unknown) => e instanceof SpaceError && /12 layers/.test(e.message),
    );
    const bad = g.layers.map((x, l) => (l === 3 ? { ...x, skips: [0, 2, 0] } : x));
    assert.throws(
      () => enasMacroSpace.validate({ layers: bad }),
      (e: unknown) => e instanceof SpaceError && /layers\[3\]\.skips/.test(e.message),
    );
    assert.throws(
      () => enasMacroSpace.parse!('0 1 0'),
      (e: unknown) => e instanceof SpaceError && /78 integers/.test(e.message),
    );
    assert.throws(
      () => enasMacroSpace.build(g, { channels: 5 }),
      (e: unknown) => e instanceof SpaceError && /even/.test(e.message),
    );
  });

  test('mutate changes one op or one skip bit', () => {
    const rng = new Rng(7);
    let g = enasMacroSpace.sample(rng);
    for (let i = 0; i < 20; i++) {
      const m = enasMacroSpace.mutate(g, rng);
      const a = enasMacroSpace.toDecisions(g);
      const b = enasMacroSpace.toDecisions(m);
      assert.equal(a.filter((v, k) => v !== b[k]).length, 1);
      g = m;
    }
  });
});
