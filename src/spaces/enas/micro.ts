// The `enas-micro` search space (Pham et al., ICML 2018, "micro" search): a normal and a
// reduction cell of B = 5 nodes; each node picks two earlier states (the cell's two inputs or
// an earlier node, the same one may be picked twice) and one of 5 ops for each, and adds them.
// The cell outputs the concatenation of every state no node reads, cell inputs included
// (micro_child.py's `used` mask). Decisions follow the controller's arc layout, per node
// [input1, op1, input2, op2], normal cell then reduction cell, and ops are numbered as in the
// released code (0 sep 3x3, 1 sep 5x5, 2 avg pool, 3 max pool, 4 identity), so a released
// fixed_arc string parses as it is.
// Genotypes are DARTS' form ({normal, normal_concat, reduce, reduce_concat}); the concat lists
// are not decisions and must follow the rule. The network is the nasnet space's ENAS skeleton
// (micro_child.py's fixed-arc child), built through a NASNet space over the same 5 ops.
import { type Decision, type Preset, type SearchSpace, SpaceError, checkDecisionValues, defineSpace, genotypeError } from '../core/index.js';
import { checkCellEdges, sortPairs } from '../cells/index.js';
import { cellGraph } from '../graph/index.js';
import { ENAS_MICRO, type NasnetGenotype, createNasnetSpace, type NasnetSpaceStack } from '../nasnet/index.js';

export type EnasCellEdge = readonly [op: string, input: number];

export interface EnasMicroGenotype {
  readonly normal: readonly EnasCellEdge[];
  readonly normal_concat: readonly number[];
  readonly reduce: readonly EnasCellEdge[];
  readonly reduce_concat: readonly number[];
}

/** The nasnet stack without `skeleton` (always ENAS' here). */
export type EnasMicroStack = Omit<NasnetSpaceStack, 'skeleton'>;

/** micro_child.py's op numbering. */
export const ENAS_MICRO_OPS = ['sep_conv_3x3', 'sep_conv_5x5', 'avg_pool_3x3', 'max_pool_3x3', 'skip_connect'] as const;

const NAME = 'enas-micro';
const NODES = 5;
const KINDS = ['normal', 'reduce'] as const;
const FIELDS = ['normal', 'normal_concat', 'reduce', 'reduce_concat'];
const OPS: readonly string[] = ENAS_MICRO_OPS;

/** ENAS' output rule: every state (inputs 0, 1 and nodes 2..) that no node reads, in order. */
export function enasUnusedStates(edges: readonly EnasCellEdge[]): number[] {
  const used = new Set(edges.map(([, input]) => input));
  return Array.from({ length: edges.length / 2 + 2 }, (_, s) => s).filter((s) => !used.has(s));
}

const DECISIONS: readonly Decision[] = KINDS.flatMap((kind) =>
  Array.from({ length: NODES }, (_, b) => {
    const states = Array.from({ length: b + 2 }, (_, i) => i);
    return [
      { name: `${kind}.node${b}.input1`, choices: states },
      { name: `${kind}.node${b}.op1`, choices: OPS },
      { name: `${kind}.node${b}.input2`, choices: states },
      { name: `${kind}.node${b}.op2`, choices: OPS },
    ];
  }).flat(),
);

function fromDecisions(v: readonly number[]): EnasMicroGenotype {
  const [normal, reduce] = KINDS.map((_, c) => {
    const edges: EnasCellEdge[] = [];
    for (let b = 0; b < NODES; b++) {
      const [i1, o1, i2, o2] = v.slice((c * NODES + b) * 4, (c * NODES + b) * 4 + 4) as [number, number, number, number];
      edges.push([OPS[o1]!, i1], [OPS[o2]!, i2]);
    }
    return edges;
  }) as [EnasCellEdge[], EnasCellEdge[]];
  return { normal, normal_concat: enasUnusedStates(normal), reduce, reduce_concat: enasUnusedStates(reduce) };
}

function toDecisions(g: EnasMicroGenotype): number[] {
  return KINDS.flatMap((kind) => g[kind].flatMap(([op, input]) => [input, OPS.indexOf(op)]));
}

function validate(g: object): EnasMicroGenotype {
  const rec = g as Record<string, unknown>;
  const extra = Object.keys(rec).filter((k) => !FIELDS.includes(k));
  if (extra.length) throw genotypeError(NAME, extra[0]!, rec[extra[0]!], `only the fields ${FIELDS.join(', ')}`);
  for (const kind of KINDS) {
    const edges = rec[kind];
    checkCellEdges(kind, edges, {
      space: NAME,
      units: NODES,
      unit: 'node',
      ops: OPS,
      opsAllowed: `one of ENAS' micro ops: ${OPS.join(', ')}`,
      statesAllowed: 'the two cell inputs and earlier nodes',
    });
    const concat = rec[`${kind}_concat`];
    const rule = enasUnusedStates(edges as EnasCellEdge[]);
    if (!Array.isArray(concat) || concat.length !== rule.length || rule.some((s, i) => concat[i] !== s)) {
      throw genotypeError(NAME, `${kind}_concat`, concat, `ENAS' rule, the states no node reads: ${JSON.stringify(rule)}`);
    }
  }
  return g as EnasMicroGenotype;
}

/** The network genotype: the same cells in the nasnet space, every node adding its branches. */
function asNasnet(g: EnasMicroGenotype): NasnetGenotype {
  const add = Array.from({ length: NODES }, () => 'add' as const);
  return { ...g, normal_combine: add, reduce_combine: add };
}

/** A released ENAS fixed_arc: 40 integers, per node "input1 op1 input2 op2", normal cell first. */
function parse(text: string): EnasMicroGenotype {
  const nums = text
    .trim()
    .split(/[\s,]+/)
    .filter((t) => t !== '')
    .map(Number);
  if (nums.length !== DECISIONS.length || nums.some((n) => !Number.isInteger(n))) {
    throw new SpaceError(
      `${NAME}: an ENAS micro arc is ${DECISIONS.length} integers (per node: input1 op1 input2 op2; normal cell, then reduction cell), got '${text}'`,
      'invalid-genotype',
      '',
      `${DECISIONS.length} integers`,
    );
  }
  checkDecisionValues(NAME, DECISIONS, nums);
  return fromDecisions(nums);
}

const builder = createNasnetSpace({ name: 'enas-micro-network', ops: OPS, combiners: ['add'] });

const PRESETS: Record<string, Preset<EnasMicroGenotype, EnasMicroStack>> = {
  enas: {
    genotype: {
      normal: ENAS_MICRO.normal,
      normal_concat: ENAS_MICRO.normal_concat,
      reduce: ENAS_MICRO.reduce,
      reduce_concat: ENAS_MICRO.reduce_concat,
    },
    stack: { cellsPerStage: 6, channels: 36, auxiliary: true, dropPath: 0.4, dropout: 0.2 },
    description: "ENAS' micro-space cells (N=6, F=36) on CIFAR-10: 2.89% test error with cutout, 4.6M params (scripts/cifar10_micro_final.sh)",
  },
};

/** The registered `enas-micro` space. */
export const enasMicroSpace: SearchSpace<EnasMicroGenotype, EnasMicroStack> = defineSpace<EnasMicroGenotype, EnasMicroStack>({
  name: NAME,
  description: 'ENAS micro cells (Pham et al., ICML 2018): normal and reduction cells of 5 nodes, each adding two earlier states through 2 of 5 ops',
  // ENAS' micro search child: 2 normal cells per stage (num_layers 6), 20 filters
  defaultStack: { cellsPerStage: 2, channels: 20, classes: 10, auxiliary: false, dropPath: 0, dropout: 0, stemMultiplier: 3, input: 32 },
  defaultInput: { size: 32, channels: 3 },
  tiny: { stack: { cellsPerStage: 1, channels: 4, input: 16 }, input: { size: 16 } },
  presets: PRESETS,
  decisions: DECISIONS,
  fromDecisions,
  toDecisions,
  validate,
  key: (g) =>
    JSON.stringify({
      normal: sortPairs(g.normal),
      normal_concat: g.normal_concat,
      reduce: sortPairs(g.reduce),
      reduce_concat: g.reduce_concat,
    }),
  build: (g, stack) => builder.build(asNasnet(g), { ...stack, skeleton: 'enas' }),
  parse,
  graph: (g) => ({ parts: KINDS.map((kind) => cellGraph(kind, g[kind], g[`${kind}_concat`])) }),
});
