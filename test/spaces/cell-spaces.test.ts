// The cell spaces (darts, nasnet): published parameter counts at the papers' CIFAR stacks,
// logits equal to our PyTorch ports of the released networks (test/fixtures/cells.json, written
// by make_cell_fixtures.py), every preset training a step at a tiny stack, and the cell-specific
// parts of the SearchSpace contract (test/spaces/core.test.ts checks the general ones).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { F, undisposedTensors, manualSeed, randint, randn, setNumThreads, tidy } from '../../src/torch/index.js';
import { type Module, withoutInit } from '../../src/nn/index.js';
import { SpaceError } from '../../src/spaces/core/index.js';
import { Rng, canonicalJson, jsonRoundTrip } from '../../src/util/index.js';
import { MorphCellOp } from '../../src/spaces/cells/index.js';
import { DARTS_OPS, DARTS_V2, type DartsGenotype, type DartsNetwork, createDartsSpace, dartsSpace } from '../../src/spaces/darts/index.js';
import {
  ENAS_MICRO,
  NASNET_A,
  type NasnetGenotype,
  type NasnetNetwork,
  PNASNET_5,
  createNasnetSpace,
  nasnetSpace,
  unusedBlocks,
} from '../../src/spaces/nasnet/index.js';
import { fillParams, maxAbsDiff, sinInput } from './fill.js';

setNumThreads(1);

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/cells.json', import.meta.url), 'utf8')) as { counts: Record<string, number> } & Record<
  string,
  { logits: number[]; aux: number[]; params: number }
>;

/** Parameters without the auxiliary head, as the papers (and DARTS' and ENAS' logs) count them. */
function paramsWithoutAux(net: Module): number {
  return [...net.namedParameters()].filter(([n]) => !n.startsWith('aux_head.') && !n.startsWith('auxiliary_head.')).reduce((s, [, p]) => s + p.numel, 0);
}

/** Names of the parameters that got no gradient (each gradient handle is freed after looking). */
function withoutGradient(net: Module): string[] {
  return [...net.namedParameters()].flatMap(([n, p]) => {
    const g = p.grad;
    g?.dispose();
    return g === null ? [n] : [];
  });
}

function countOf(build: () => Module): number {
  const net = withoutInit(build);
  try {
    return paramsWithoutAux(net);
  } finally {
    net.dispose();
  }
}

// preset → [our PyTorch port's exact count, the paper's figure in millions] (docs/spaces.md)
const PAPER_COUNTS: Record<string, [number, number]> = {
  'nasnet/nasnet-a': [fixture.counts.nasnet_a_6x32!, 3.3],
  'nasnet/amoebanet-a': [fixture.counts.amoebanet_a_6x36!, 3.2],
  'nasnet/pnasnet-5': [fixture.counts.pnasnet_5_3x48!, 3.2],
  'nasnet/enas-micro': [fixture.counts.enas_6x36!, 4.6],
  // DARTS' train.py logs "param size = 3.349342MB" (it skips the auxiliary head)
  'darts/darts-v2': [fixture.counts.darts_v2_20x36!, 3.3],
  // the paper's first-order row says 3.3M, but DARTS_V1 is the first released cell, not that
  // row's (the first-order cell was never released): 3.17M without the head, 3.65M with it,
  // neither 3.3M (docs/spaces.md)
  'darts/darts-v1': [fixture.counts.darts_v1_20x36!, 3.2],
  'darts/gdas': [fixture.counts.gdas_20x36!, 3.4],
  'darts/darts-v2-imagenet': [fixture.counts.darts_v2_imagenet_14x48!, 4.7],
};

describe("published parameter counts at the papers' stacks", () => {
  for (const space of [nasnetSpace, dartsSpace]) {
    for (const [name, preset] of Object.entries(space.presets)) {
      test(`${space.name}/${name}`, () => {
        const want = PAPER_COUNTS[`${space.name}/${name}`];
        assert.ok(want, `no published count listed for ${space.name}/${name}`);
        const n = countOf(() => (space.build as (g: object, s?: object) => Module)(preset.genotype, preset.stack));
        assert.equal(n, want[0]);
        assert.equal(Math.round(n / 1e5) / 10, want[1], `${n} does not round to the paper's ${want[1]}M`);
      });
    }
  }

  test("ENAS' released script trains N=5 (15 layers): 3.9M, below the paper's 4.6M at N=6", () => {
    const p = nasnetSpace.presets['enas-micro']!;
    assert.equal(
      countOf(() => nasnetSpace.build(p.genotype, { ...p.stack, cellsPerStage: 5 })),
      fixture.counts.enas_5x36,
    );
  });
});

describe('the NASNet-family networks equal our PyTorch ports of the released code number for number', () => {
  const ALL_OPS: NasnetGenotype = {
    normal: [
      ['skip_connect', 1],
      ['conv_3x1_1x3', 0],
      ['conv_7x1_1x7', 0],
      ['dil_conv_3x3', 1],
      ['avg_pool_3x3', 2],
      ['max_pool_3x3', 3],
      ['max_pool_5x5', 0],
      ['max_pool_7x7', 4],
      ['conv_1x1', 5],
      ['conv_3x3', 1],
    ],
    normal_combine: ['add', 'add', 'add', 'add', 'add'],
    normal_concat: [2, 3, 4, 5, 6],
    reduce: [
      ['sep_conv_3x3', 1],
      ['sep_conv_5x5', 0],
      ['sep_conv_7x7', 2],
      ['skip_connect', 0],
      ['conv_7x1_1x7', 3],
      ['conv_3x3', 1],
      ['dil_conv_3x3', 4],
      ['avg_pool_3x3', 2],
      ['max_pool_5x5', 5],
      ['conv_1x1', 0],
    ],
    reduce_combine: ['add', 'add', 'add', 'add', 'add'],
    reduce_concat: [2, 3, 4, 5, 6],
  };
  const cases: Array<[string, NasnetGenotype, object]> = [
    ['nasnet_a_2x8', NASNET_A, { cellsPerStage: 2, channels: 8 }],
    ['pnasnet_5_2x8', PNASNET_5, { cellsPerStage: [2, 1, 1], channels: 8 }],
    ['all_ops_1x8', ALL_OPS, { cellsPerStage: 1, channels: 8 }],
    ['enas_script_4x8', ENAS_MICRO, { cellsPerStage: [1, 1, 2], channels: 8, skeleton: 'enas' }],
  ];
  for (const [name, g, stack] of cases) {
    test(name, () => {
      const want = fixture[name]!;
      const net = nasnetSpace.build(g, { ...stack, auxiliary: true }) as NasnetNetwork;
      assert.equal(net.numParameters(), want.params);
      fillParams(net);
      tidy(() => {
        const { logits, aux } = net.forwardWithAux(sinInput(2));
        const scale = (v: number[]): number => Math.max(...v.map(Math.abs));
        // batch norm (training mode) over 2 samples of tiny maps amplifies float32 rounding, by how
        // much depends on the CPU's kernels: 6.6e-5 of the scale on an AMD EPYC, below 1e-5 elsewhere
        const d = maxAbsDiff(logits.toArray(), want.logits) / scale(want.logits);
        assert.ok(d < 1e-4, `logits differ from PyTorch's by ${d} of their scale`);
        const da = maxAbsDiff(aux!.toArray(), want.aux) / scale(want.aux);
        assert.ok(da < 1e-4, `auxiliary logits differ from PyTorch's by ${da} of their scale`);
      });
      net.dispose();
    });
  }
});

test('every preset builds at a tiny stack and trains a step (auxiliary head and drop path on)', () => {
  manualSeed(3);
  const tiny: Record<string, object> = {
    nasnet: { cellsPerStage: 1, channels: 4, auxiliary: true, dropPath: 0.3 },
    darts: { cells: 3, channels: 4, auxiliary: true, dropPath: 0.3 },
  };
  for (const space of [nasnetSpace, dartsSpace]) {
    for (const [name, preset] of Object.entries(space.presets)) {
      const stack = { ...preset.stack, ...tiny[space.name], classes: 5 };
      const net = (space.build as (g: object, s?: object) => NasnetNetwork | DartsNetwork)(preset.genotype, stack);
      const size = (stack as { input?: number }).input === 224 ? 224 : 32;
      const live = undisposedTensors();
      tidy(() => {
        const x = randn([2, 3, size, size]);
        const { logits, aux } = net.forwardWithAux(x);
        assert.equal(logits.shape[0], 2, name);
        assert.ok(aux !== null, `${name} has auxiliary logits in training`);
        const y = randint(0, logits.shape[1]!, [2]);
        F.crossEntropy(logits, y).add(F.crossEntropy(aux, y).mul(0.4)).backward();
      });
      assert.deepEqual(withoutGradient(net), [], `${space.name}/${name}: parameters without a gradient`);
      net.zeroGrad();
      assert.equal(undisposedTensors(), live, `${name} left tensors behind`);
      net.dispose();
    }
  }
});

describe('darts space', () => {
  const space = dartsSpace;

  test('decisions: per cell and node, input1 (k+2 states), op1, input2 (k+1 ranks), op2; no "none"', () => {
    const d = space.decisions();
    assert.equal(d.length, 2 * 4 * 4);
    assert.deepEqual(
      d.slice(0, 4).map((x) => x.name),
      ['normal.node0.input1', 'normal.node0.op1', 'normal.node0.input2', 'normal.node0.op2'],
    );
    for (let k = 0; k < 4; k++) {
      assert.deepEqual(
        d[4 * k]!.choices,
        Array.from({ length: k + 2 }, (_, i) => i),
      );
      assert.equal(d[4 * k + 2]!.choices.length, k + 1);
      assert.deepEqual(d[4 * k + 1]!.choices, DARTS_OPS);
    }
    assert.equal(d[16]!.name, 'reduce.node0.input1');
    assert.ok(!DARTS_OPS.includes('none') && DARTS_OPS.length === 7);
  });

  test('sampled nodes have two distinct inputs and never use "none"; all 4 nodes are concatenated', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 300; i++) {
      const g = space.sample(rng);
      for (const kind of ['normal', 'reduce'] as const) {
        for (let k = 0; k < 4; k++) {
          const [a, b] = [g[kind][2 * k]!, g[kind][2 * k + 1]!];
          assert.notEqual(a[1], b[1]);
          assert.ok(a[1] <= k + 1 && b[1] <= k + 1);
          assert.ok(a[0] !== 'none' && b[0] !== 'none');
        }
        assert.deepEqual(g[`${kind}_concat`], [2, 3, 4, 5]);
      }
    }
  });

  test("the key ignores the order of a node's two (op, input) pairs, and nothing else", () => {
    const swapped: DartsGenotype = {
      ...DARTS_V2,
      normal: DARTS_V2.normal.map((_, i) => DARTS_V2.normal[i % 2 === 0 ? i + 1 : i - 1]!),
    };
    assert.notEqual(canonicalJson(swapped), canonicalJson(DARTS_V2));
    assert.equal(space.key(swapped), space.key(DARTS_V2));
    assert.notDeepEqual(space.toDecisions(swapped), space.toDecisions(DARTS_V2));
    const otherOp: DartsGenotype = { ...DARTS_V2, normal: [['sep_conv_5x5', 0], ...DARTS_V2.normal.slice(1)] };
    assert.notEqual(space.key(otherOp), space.key(DARTS_V2));
  });

  test('mutate changes exactly one op or one input of one node, nothing else', () => {
    const rng = new Rng(9);
    let ops = 0;
    let inputs = 0;
    for (const g of [DARTS_V2, ...Array.from({ length: 300 }, () => space.sample(rng))]) {
      const m = space.mutate(g, rng);
      const changes: string[] = [];
      for (const kind of ['normal', 'reduce'] as const) {
        g[kind].forEach(([op, input], i) => {
          if (m[kind][i]![0] !== op) changes.push('op');
          if (m[kind][i]![1] !== input) changes.push('input');
        });
      }
      assert.equal(changes.length, 1, `${canonicalJson(g)} → ${canonicalJson(m)}`);
      if (changes[0] === 'op') ops++;
      else inputs++;
    }
    assert.ok(ops > 50 && inputs > 50, `both kinds of mutation happen (${ops} ops, ${inputs} inputs)`);
  });

  test("DARTS' published V2 genotype, pasted as JSON, builds at 20 cells and 36 channels", () => {
    // cnn/genotypes.py's DARTS_V2 as JSON (tuples become arrays)
    const pasted = JSON.parse(`{"normal": [["sep_conv_3x3", 0], ["sep_conv_3x3", 1], ["sep_conv_3x3", 0], ["sep_conv_3x3", 1],
      ["sep_conv_3x3", 1], ["skip_connect", 0], ["skip_connect", 0], ["dil_conv_3x3", 2]], "normal_concat": [2, 3, 4, 5],
      "reduce": [["max_pool_3x3", 0], ["max_pool_3x3", 1], ["skip_connect", 2], ["max_pool_3x3", 1], ["max_pool_3x3", 0],
      ["skip_connect", 2], ["skip_connect", 2], ["max_pool_3x3", 1]], "reduce_concat": [2, 3, 4, 5]}`) as object;
    const g = space.validate(pasted);
    assert.equal(space.key(g), space.key(DARTS_V2));
    assert.equal(
      countOf(() => space.build(g, { cells: 20, channels: 36 })),
      3349342,
    );
  });

  test('bad genotypes are refused with the path to the bad value', () => {
    const bad = (g: object, path: string): void => {
      assert.throws(
        () => space.validate(g),
        (e: unknown) => e instanceof SpaceError && e.code === 'invalid-genotype' && e.path === path,
        path,
      );
    };
    bad({ ...DARTS_V2, normal: [['none', 0], ...DARTS_V2.normal.slice(1)] }, 'normal[0][0]');
    bad({ ...DARTS_V2, normal: [DARTS_V2.normal[0], ['sep_conv_3x3', 0], ...DARTS_V2.normal.slice(2)] }, 'normal[1][1]');
    bad({ ...DARTS_V2, reduce: [...DARTS_V2.reduce.slice(0, 7), ['max_pool_3x3', 5]] }, 'reduce[7][1]');
    bad({ ...DARTS_V2, normal_concat: [2, 3, 4] }, 'normal_concat');
    bad({ ...DARTS_V2, normalConcat: [2, 3, 4, 5] }, 'normalConcat');
  });

  test('the op list is data: a space over other ops, the morphological ones included, samples, builds and trains', () => {
    const ops = ['sep_conv_3x3', 'skip_connect', 'dilation_3x3', 'erosion_3x3', 'opening_3x3', 'closing_3x3'];
    const morph = createDartsSpace({ name: 'darts-morph', ops });
    assert.equal(morph.name, 'darts-morph');
    assert.deepEqual(morph.decisions()[1]!.choices, ops);
    assert.deepEqual(Object.keys(morph.presets), [], 'no published cell uses only these ops');
    // every morphological op in both cells, strided and not
    const g: DartsGenotype = {
      normal: [
        ['dilation_3x3', 0],
        ['erosion_3x3', 1],
        ['opening_3x3', 2],
        ['closing_3x3', 0],
        ['skip_connect', 3],
        ['sep_conv_3x3', 1],
        ['dilation_3x3', 4],
        ['opening_3x3', 2],
      ],
      normal_concat: [2, 3, 4, 5],
      reduce: [
        ['opening_3x3', 0],
        ['closing_3x3', 1],
        ['dilation_3x3', 0],
        ['erosion_3x3', 2],
        ['erosion_3x3', 1],
        ['skip_connect', 3],
        ['closing_3x3', 4],
        ['sep_conv_3x3', 0],
      ],
      reduce_concat: [2, 3, 4, 5],
    };
    morph.validate(g);
    assert.throws(
      () => dartsSpace.validate(g),
      (e: unknown) => e instanceof SpaceError && e.path === 'normal[0][0]',
    );
    manualSeed(4);
    const net = morph.build(g, { cells: 3, channels: 4, dropPath: 0.2 });
    const live = undisposedTensors();
    tidy(() => {
      const logits = net.forward(randn([2, 3, 16, 16]));
      F.crossEntropy(logits, randint(0, 10, [2])).backward();
    });
    const morphOps = [...net.namedModules()].filter(([, m]) => m instanceof MorphCellOp);
    assert.equal(morphOps.length, 3 * 6, 'six morphological edges in each of the 3 cells');
    for (const [n, m] of morphOps) {
      assert.ok(m.parameters().length >= 3, `${n}: structuring element(s) and batch norm`);
      assert.deepEqual(withoutGradient(m), [], `${n} got no gradient`);
    }
    net.zeroGrad();
    assert.equal(undisposedTensors(), live);
    net.dispose();
    const s = morph.sample(new Rng(2));
    assert.ok([...s.normal, ...s.reduce].every(([op]) => ops.includes(op)));
  });

  test('an op list with "none", an unknown op or a repeat is refused with the reason', () => {
    assert.throws(() => createDartsSpace({ ops: ['none', 'sep_conv_3x3'] }), /'none'.*no edge/);
    assert.throws(() => createDartsSpace({ ops: ['sep_conv_3x3', 'sep_cnv_5x5'] }), /Did you mean 'sep_conv_5x5'/);
    assert.throws(() => createDartsSpace({ ops: ['sep_conv_3x3', 'sep_conv_3x3'] }), /repeats 'sep_conv_3x3'/);
  });

  test('the ImageNet stem: 224 input, stride 8 before the cells, ImageNet auxiliary head at 7x7', () => {
    manualSeed(5);
    const net = space.build(DARTS_V2, { cells: 3, channels: 8, classes: 7, input: 224, auxiliary: true }) as DartsNetwork;
    tidy(() => {
      const { logits, aux } = net.forwardWithAux(randn([2, 3, 224, 224]));
      assert.deepEqual(logits.shape, [2, 7]);
      assert.deepEqual(aux!.shape, [2, 7]);
    });
    net.dispose();
    assert.throws(
      () => space.build(DARTS_V2, { input: 64 as never }),
      (e: unknown) => e instanceof SpaceError && e.path === 'input',
    );
  });
});

describe('nasnet space', () => {
  const space = nasnetSpace;

  test("decisions follow the paper's five steps per block; inputs grow with the block", () => {
    const d = space.decisions();
    assert.equal(d.length, 2 * 5 * 5);
    assert.deepEqual(
      d.slice(0, 5).map((x) => x.name),
      ['normal.block0.input1', 'normal.block0.input2', 'normal.block0.op1', 'normal.block0.op2', 'normal.block0.combine'],
    );
    for (let b = 0; b < 5; b++) {
      assert.equal(d[5 * b]!.choices.length, b + 2);
      assert.equal(d[5 * b + 1]!.choices.length, b + 2);
      assert.equal(d[5 * b + 2]!.choices.length, 13);
      assert.deepEqual(d[5 * b + 4]!.choices, ['add', 'concat']);
    }
  });

  test('sampled cells concatenate exactly the blocks no block reads', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 200; i++) {
      const g = space.sample(rng);
      for (const kind of ['normal', 'reduce'] as const) {
        const read = new Set(g[kind].map(([, s]) => s));
        assert.deepEqual(
          g[`${kind}_concat`],
          [2, 3, 4, 5, 6].filter((s) => !read.has(s)),
        );
        assert.ok(g[`${kind}_concat`].length >= 1, 'the last block is always unread');
      }
    }
  });

  test('the key ignores the order within a block and of the concat list', () => {
    const g: NasnetGenotype = {
      ...NASNET_A,
      normal: NASNET_A.normal.map((_, i) => NASNET_A.normal[i % 2 === 0 ? i + 1 : i - 1]!),
      normal_concat: [...NASNET_A.normal_concat].reverse(),
    };
    assert.equal(space.key(g), space.key(NASNET_A));
    assert.notEqual(space.key({ ...NASNET_A, normal_combine: ['concat', 'add', 'add', 'add', 'add'] }), space.key(NASNET_A));
  });

  test('mutate changes one input, op or combiner; a released cell keeps its own concat list', () => {
    const rng = new Rng(4);
    for (let i = 0; i < 200; i++) {
      const m = space.mutate(NASNET_A, rng);
      const diff = space.toDecisions(m).filter((v, j) => v !== space.toDecisions(NASNET_A)[j]);
      assert.equal(diff.length, 1);
      assert.deepEqual(m.normal_concat, NASNET_A.normal_concat);
      assert.deepEqual(m.reduce_concat, NASNET_A.reduce_concat);
    }
    // fromDecisions applies the paper's rule instead
    const ruled = space.fromDecisions(space.toDecisions(NASNET_A));
    assert.deepEqual(ruled.normal_concat, unusedBlocks(NASNET_A.normal));
    assert.deepEqual(ruled.normal_concat, [2, 3, 4, 5, 6]);
  });

  test('concat combiners and every op run forward and backward in both skeletons', () => {
    manualSeed(6);
    const g: NasnetGenotype = {
      normal: [
        ['conv_3x1_1x3', 0],
        ['max_pool_7x7', 1],
        ['dil_conv_3x3', 2],
        ['skip_connect', 2],
        ['max_pool_5x5', 3],
        ['conv_1x1', 0],
        ['sep_conv_7x7', 4],
        ['avg_pool_3x3', 3],
        ['conv_3x3', 5],
        ['conv_7x1_1x7', 1],
      ],
      normal_combine: ['concat', 'add', 'concat', 'add', 'concat'],
      normal_concat: [0, 6],
      reduce: [
        ['skip_connect', 0],
        ['sep_conv_5x5', 1],
        ['avg_pool_3x3', 2],
        ['max_pool_3x3', 0],
        ['skip_connect', 1],
        ['sep_conv_3x3', 3],
        ['conv_1x1', 2],
        ['max_pool_3x3', 4],
        ['skip_connect', 5],
        ['sep_conv_5x5', 0],
      ],
      reduce_combine: ['concat', 'concat', 'add', 'add', 'concat'],
      reduce_concat: [0, 1, 3, 6],
    };
    for (const skeleton of ['nasnet', 'enas'] as const) {
      const net = space.build(space.validate(g), { cellsPerStage: 1, channels: 4, skeleton, dropPath: 0.2, dropout: 0.1 });
      const live = undisposedTensors();
      tidy(() => {
        const logits = net.forward(randn([2, 3, 16, 16]));
        assert.deepEqual(logits.shape, [2, 10]);
        F.crossEntropy(logits, randint(0, 10, [2])).backward();
      });
      assert.deepEqual(withoutGradient(net), [], skeleton);
      net.zeroGrad();
      assert.equal(undisposedTensors(), live, skeleton);
      net.dispose();
    }
  });

  test('an add-only space over the morphological ops (PNAS/AmoebaNet-style) samples and trains', () => {
    const ops = ['skip_connect', 'sep_conv_3x3', 'dilation_3x3', 'erosion_3x3', 'opening_3x3', 'closing_3x3'];
    const morph = createNasnetSpace({ name: 'nasnet-morph', ops, combiners: ['add'] });
    assert.deepEqual(morph.decisions()[4]!.choices, ['add']);
    manualSeed(7);
    const g = morph.sample(new Rng(8));
    assert.ok([...g.normal_combine, ...g.reduce_combine].every((c) => c === 'add'));
    const net = morph.build(g, { cellsPerStage: 1, channels: 4 });
    tidy(() => F.crossEntropy(net.forward(randn([2, 3, 16, 16])), randint(0, 10, [2])).backward());
    net.zeroGrad();
    net.dispose();
    assert.throws(() => createNasnetSpace({ combiners: ['sum' as never] }), SpaceError);
  });

  test('PNASNet strides the first of N cells: cellsPerStage [3, 2, 2] has 9 cells', () => {
    const net = withoutInit(() => space.build(PNASNET_5, { cellsPerStage: [3, 2, 2], channels: 48 }) as NasnetNetwork);
    assert.equal(net.cells.items.length, 9);
    assert.deepEqual(
      net.cells.items.map((c) => c.stride),
      [1, 1, 1, 2, 1, 1, 2, 1, 1],
    );
    net.dispose();
  });

  test('bad genotypes and stacks are refused with the path to the bad value', () => {
    const bad = (g: object, path: string): void => {
      assert.throws(
        () => space.validate(g),
        (e: unknown) => e instanceof SpaceError && e.code === 'invalid-genotype' && e.path === path,
        path,
      );
    };
    bad({ ...NASNET_A, normal: [['sep_conv_9x9', 1], ...NASNET_A.normal.slice(1)] }, 'normal[0][0]');
    bad({ ...NASNET_A, reduce: [...NASNET_A.reduce.slice(0, 9), ['max_pool_3x3', 6]] }, 'reduce[9][1]');
    bad({ ...NASNET_A, normal_combine: ['add', 'add', 'mul', 'add', 'add'] }, 'normal_combine[2]');
    bad({ ...NASNET_A, reduce_concat: [3, 3] }, 'reduce_concat[1]');
    bad({ ...NASNET_A, reduce_concat: [] }, 'reduce_concat');
    const g = space.validate(jsonRoundTrip(ENAS_MICRO));
    const badStack = (stack: object, field: string): void => {
      assert.throws(
        () => space.build(g, stack),
        (e: unknown) => e instanceof SpaceError && e.code === 'invalid-stack' && e.path === field,
        field,
      );
    };
    badStack({ cellsPerStage: [2, 2] }, 'cellsPerStage');
    badStack({ skeleton: 'darts' }, 'skeleton');
    badStack({ auxiliary: true, input: 8 }, 'input');
    badStack({ dropPath: 1 }, 'dropPath');
  });
});
