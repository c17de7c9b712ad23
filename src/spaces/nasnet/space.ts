// The `nasnet` search space (Zoph, Vasudevan, Shlens and Le, CVPR 2018): a normal and a
// reduction cell of B = 5 blocks. Each block, in the paper's five steps (the decision order a
// controller emits): input1 and input2 among h_{i-1}, h_i and the earlier blocks (the same state
// may be picked twice), an op for each from the 13, and how to combine them (add, or concat
// along channels). The cell's output concatenates the blocks that no block reads.
// AmoebaNet-A, PNASNet-5 and ENAS' micro cells are expressible in it (add only; ENAS uses 5 of
// the ops), so they are presets here, each at its paper's CIFAR-10 skeleton.
//
// Rules:
// - Genotypes: see genotypes.ts. `*_concat` is not a decision: fromDecisions applies the
//   paper's rule; a given genotype may carry its own list (the released cells do), which
//   toDecisions ignores and mutate keeps.
// - key: each block's two pairs sorted (add commutes; concat only permutes channels, which the
//   next 1x1 convs absorb); concat lists sorted; blocks are not reordered.
// - mutate: one decision (an input, an op or a combiner) moves to another value, drawn as the
//   core does (position uniform among those with a choice, then value uniform); the concat
//   list follows the rule if it did before.
// - The op list is data: `createNasnetSpace({ ops })` over any of NASNET_OP_TABLE (the 13 and
//   the morphological ops); `combiners: ['add']` gives the add-only space of AmoebaNet and PNAS.
import { type Decision, type Preset, type SearchSpace, SpaceError, defineSpace, genotypeError, stackError } from '../core/index.js';
import { type RandomSource } from '../../util/index.js';
import { checkCellEdges, checkOpList, sortPairs } from '../cells/index.js';
import { AMOEBANET_A, type BlockInput, type Combine, ENAS_MICRO, NASNET_A, type NasnetGenotype, PNASNET_5, unusedBlocks } from './genotypes.js';
import { NasnetNetwork, type NasnetStack } from './network.js';
import { NASNET_OPS, NASNET_OP_TABLE } from './ops.js';
import { cellGraph } from '../graph/index.js';

export type NasnetSpaceStack = NasnetStack;

export interface NasnetSpaceOptions {
  /** registry name; default 'nasnet' for the default space, else 'nasnet-custom' */
  name?: string;
  /** the operations a block may apply (default the paper's 13, NASNET_OPS) */
  ops?: readonly string[];
  /** blocks per cell (default 5) */
  blocks?: number;
  /** how a block may combine its two branches (default both, as the paper's search) */
  combiners?: readonly Combine[];
}

const KINDS = ['normal', 'reduce'] as const;
const COMBINERS: readonly Combine[] = ['add', 'concat'];
const FIELDS = ['normal', 'normal_combine', 'normal_concat', 'reduce', 'reduce_combine', 'reduce_concat'];

const PRESETS: Record<string, Preset<NasnetGenotype, NasnetSpaceStack>> = {
  'nasnet-a': {
    genotype: NASNET_A,
    stack: { cellsPerStage: 6, channels: 32, auxiliary: true, dropPath: 0.4 },
    description: 'NASNet-A (6 @ 32) on CIFAR-10: 2.65% test error with cutout, 3.3M params (TF-slim cifar_config)',
  },
  'amoebanet-a': {
    genotype: AMOEBANET_A,
    stack: { cellsPerStage: 6, channels: 36, auxiliary: true },
    description: 'AmoebaNet-A (N=6, F=36) on CIFAR-10: 3.34% test error, 3.2M params',
  },
  'pnasnet-5': {
    genotype: PNASNET_5,
    stack: { cellsPerStage: [3, 2, 2], channels: 48, auxiliary: true },
    description: "PNASNet-5 (N=3, F=48) on CIFAR-10: 3.41% test error, 3.2M params; PNAS strides the first of each stage's N cells",
  },
  'enas-micro': {
    genotype: ENAS_MICRO,
    stack: { cellsPerStage: 6, channels: 36, skeleton: 'enas', auxiliary: true, dropPath: 0.4, dropout: 0.2 },
    description: "ENAS' micro-space cells (N=6, F=36) on CIFAR-10: 2.89% test error with cutout, 4.6M params",
  },
};

function decisionsOf(ops: readonly string[], blocks: number, combiners: readonly Combine[]): Decision[] {
  return KINDS.flatMap((kind) =>
    Array.from({ length: blocks }, (_, b) => {
      const states = Array.from({ length: b + 2 }, (_, i) => i);
      return [
        { name: `${kind}.block${b}.input1`, choices: states },
        { name: `${kind}.block${b}.input2`, choices: states },
        { name: `${kind}.block${b}.op1`, choices: ops },
        { name: `${kind}.block${b}.op2`, choices: ops },
        { name: `${kind}.block${b}.combine`, choices: combiners },
      ];
    }).flat(),
  );
}

const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** A NASNet cell space over `ops` with `blocks` blocks per cell. */
export function createNasnetSpace(o: NasnetSpaceOptions = {}): SearchSpace<NasnetGenotype, NasnetSpaceStack> {
  const blocks = o.blocks ?? 5;
  const custom = o.ops !== undefined || o.combiners !== undefined || blocks !== 5;
  const name = o.name ?? (custom ? 'nasnet-custom' : 'nasnet');
  if (!Number.isInteger(blocks) || blocks < 1) {
    throw new SpaceError(`${name}: blocks must be a positive integer, got ${String(blocks)}`, 'invalid-stack', 'blocks', 'a positive integer');
  }
  const ops = checkOpList(name, o.ops ?? NASNET_OPS, NASNET_OP_TABLE);
  const combiners = o.combiners ?? COMBINERS;
  if (!Array.isArray(combiners) || combiners.length === 0 || combiners.some((c) => !COMBINERS.includes(c)) || new Set(combiners).size !== combiners.length) {
    throw new SpaceError(
      `${name}: combiners must be a non-empty list of distinct 'add' and 'concat', got ${JSON.stringify(combiners)}`,
      'invalid-stack',
      'combiners',
      "'add', 'concat'",
    );
  }
  const opIndex = new Map(ops.map((op, i) => [op, i]));
  const decisions = decisionsOf(ops, blocks, combiners);

  const fromDecisions = (v: readonly number[]): NasnetGenotype => {
    const [normal, reduce] = KINDS.map((_, c) => {
      const edges: BlockInput[] = [];
      const combine: Combine[] = [];
      for (let b = 0; b < blocks; b++) {
        const [in1, in2, op1, op2, comb] = v.slice((c * blocks + b) * 5, (c * blocks + b) * 5 + 5) as [number, number, number, number, number];
        edges.push([ops[op1]!, in1], [ops[op2]!, in2]);
        combine.push(combiners[comb]!);
      }
      return { edges, combine, concat: unusedBlocks(edges) };
    }) as [{ edges: BlockInput[]; combine: Combine[]; concat: number[] }, { edges: BlockInput[]; combine: Combine[]; concat: number[] }];
    return {
      normal: normal.edges,
      normal_combine: normal.combine,
      normal_concat: normal.concat,
      reduce: reduce.edges,
      reduce_combine: reduce.combine,
      reduce_concat: reduce.concat,
    };
  };

  const toDecisions = (g: NasnetGenotype): number[] =>
    KINDS.flatMap((kind) => {
      const edges = g[kind];
      const combine = g[`${kind}_combine`];
      return Array.from({ length: blocks }, (_, b) => [
        edges[2 * b]![1],
        edges[2 * b + 1]![1],
        opIndex.get(edges[2 * b]![0])!,
        opIndex.get(edges[2 * b + 1]![0])!,
        combiners.indexOf(combine[b]!),
      ]).flat();
    });

  const validate = (g: object): NasnetGenotype => {
    const rec = g as Record<string, unknown>;
    const extra = Object.keys(rec).filter((k) => !FIELDS.includes(k));
    if (extra.length) throw genotypeError(name, extra[0]!, rec[extra[0]!], `only the fields ${FIELDS.join(', ')}`);
    for (const kind of KINDS) {
      checkCellEdges(kind, rec[kind], {
        space: name,
        units: blocks,
        unit: 'block',
        ops,
        opsAllowed: `one of this space's ops: ${ops.join(', ')}`,
        statesAllowed: 'h_{i-1}, h_i and earlier blocks',
      });
      const combine = rec[`${kind}_combine`];
      if (!Array.isArray(combine) || combine.length !== blocks) {
        throw genotypeError(name, `${kind}_combine`, combine, `a list of ${blocks} combiners (${combiners.join(' or ')})`);
      }
      combine.forEach((c: unknown, b) => {
        if (!combiners.includes(c as Combine)) throw genotypeError(name, `${kind}_combine[${b}]`, c, combiners.join(' or '));
      });
      const concat = rec[`${kind}_concat`];
      const states = blocks + 2;
      if (!Array.isArray(concat) || concat.length === 0) {
        throw genotypeError(
          name,
          `${kind}_concat`,
          concat,
          `a non-empty list of states 0..${states - 1} to concatenate (the paper's rule: the blocks no block reads)`,
        );
      }
      concat.forEach((s: unknown, i) => {
        if (!Number.isInteger(s) || (s as number) < 0 || (s as number) >= states || concat.indexOf(s) !== i) {
          throw genotypeError(name, `${kind}_concat[${i}]`, s, `a state 0..${states - 1} not listed before`);
        }
      });
    }
    return g as NasnetGenotype;
  };

  const key = (g: NasnetGenotype): string =>
    JSON.stringify(
      Object.fromEntries(
        KINDS.flatMap((kind) => [
          [kind, sortPairs(g[kind])],
          [`${kind}_combine`, g[`${kind}_combine`]],
          [`${kind}_concat`, [...g[`${kind}_concat`]].sort((a, b) => a - b)],
        ]),
      ),
    );

  const mutate = (g: NasnetGenotype, rng: RandomSource): NasnetGenotype => {
    const open = decisions.flatMap((d, i) => (d.choices.length > 1 ? [i] : []));
    if (open.length === 0) throw new SpaceError(`${name}: no decision has more than one choice, so nothing can mutate`, 'invalid-decisions');
    const i = open[rng.int(open.length)]!;
    const n = decisions[i]!.choices.length;
    const v = toDecisions(g);
    v[i] = (v[i]! + 1 + rng.int(n - 1)) % n;
    const m = fromDecisions(v);
    const kind = i < 5 * blocks ? 'normal' : 'reduce';
    const ruled = (x: NasnetGenotype, k: typeof kind): boolean => sameList(x[`${k}_concat`], unusedBlocks(x[k]));
    // a cell's own concat list (the released cells') stays as it was
    return {
      ...m,
      normal_concat: kind === 'normal' && ruled(g, 'normal') ? m.normal_concat : [...g.normal_concat],
      reduce_concat: kind === 'reduce' && ruled(g, 'reduce') ? m.reduce_concat : [...g.reduce_concat],
    };
  };

  const build = (g: NasnetGenotype, stack: NasnetSpaceStack): NasnetNetwork => {
    checkStack(name, stack);
    return new NasnetNetwork(g, stack);
  };

  const expressible = (g: NasnetGenotype): boolean => {
    try {
      validate(g);
      return true;
    } catch {
      return false;
    }
  };

  return defineSpace<NasnetGenotype, NasnetSpaceStack>({
    name,
    description: custom
      ? `NASNet cells (Zoph et al., CVPR 2018) of ${blocks} blocks over ops ${ops.join(', ')}, combined by ${combiners.join(' or ')}`
      : 'NASNet cells (Zoph et al., CVPR 2018): normal and reduction cells of 5 blocks, each two hidden states, two of 13 ops and add or concat',
    defaultStack: {
      cellsPerStage: 6,
      channels: 32,
      classes: 10,
      auxiliary: false,
      dropPath: 0,
      dropout: 0,
      stemMultiplier: 3,
      skeleton: 'nasnet',
      input: 32,
    },
    defaultInput: { size: 32, channels: 3 },
    tiny: { stack: { cellsPerStage: 1, channels: 4, input: 16 }, input: { size: 16 } },
    presets: custom ? Object.fromEntries(Object.entries(PRESETS).filter(([, p]) => expressible(p.genotype))) : PRESETS,
    decisions,
    fromDecisions,
    toDecisions,
    validate,
    key,
    mutate,
    build,
    // a concat-combined block draws like an added one: both branches enter its node
    graph: (g) => ({ parts: KINDS.map((kind) => cellGraph(kind, g[kind], g[`${kind}_concat`])) }),
  });
}

function checkStack(name: string, s: NasnetSpaceStack): void {
  const counts = s.cellsPerStage;
  const list = typeof counts === 'number' ? [counts] : counts;
  if (!(typeof counts === 'number' || (Array.isArray(counts) && counts.length === 3)) || !list.every((n) => Number.isInteger(n) && n >= 0)) {
    throw stackError(name, 'cellsPerStage', counts, 'N (normal cells in each of the 3 stages) or [N1, N2, N3], non-negative integers');
  }
  for (const f of ['channels', 'classes'] as const) {
    if (!Number.isInteger(s[f]) || s[f] < 1) throw stackError(name, f, s[f], 'a positive integer');
  }
  if (typeof s.auxiliary !== 'boolean') throw stackError(name, 'auxiliary', s.auxiliary, 'true or false');
  for (const f of ['dropPath', 'dropout'] as const) {
    if (!(s[f] >= 0 && s[f] < 1)) throw stackError(name, f, s[f], 'a probability in [0, 1)');
  }
  if (!(s.stemMultiplier > 0) || Math.floor(s.channels * s.stemMultiplier) < 1) {
    throw stackError(name, 'stemMultiplier', s.stemMultiplier, 'a positive number giving at least one stem channel');
  }
  if (s.skeleton !== 'nasnet' && s.skeleton !== 'enas')
    throw stackError(name, 'skeleton', s.skeleton, "'nasnet' (TF-slim's NASNet) or 'enas' (ENAS' micro child)");
  if (!Number.isInteger(s.input) || s.input < 1) throw stackError(name, 'input', s.input, 'the image side in pixels (it sizes the auxiliary head)');
  // the head reads stage 2's map (NASNet) or stage 3's (ENAS) through a 5x5 pool
  const headSide = Math.ceil(s.skeleton === 'enas' ? Math.ceil(s.input / 2) / 2 : s.input / 2);
  if (s.auxiliary && headSide < 5) {
    throw stackError(
      name,
      'input',
      s.input,
      `at least ${s.skeleton === 'enas' ? 17 : 9} with the auxiliary head (it pools the map it reads with a 5x5 window)`,
    );
  }
}

/** The registered `nasnet` space: the paper's 13 ops, 5 blocks, add or concat. */
export const nasnetSpace = createNasnetSpace();
