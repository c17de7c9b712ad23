// The `darts` search space (Liu, Simonyan and Yang, ICLR 2019): a normal and a reduction cell,
// each with 4 intermediate nodes; node k picks two distinct inputs among the two cell inputs and
// nodes 0..k-1, with an operation on each; the cell's output concatenates all its nodes.
//
// Genotypes are DARTS' published form with its field names, so genotypes from its repository
// (and GDAS', PC-DARTS', ...) paste in as JSON:
//   { normal: [[op, input] × 8], normal_concat: [2, 3, 4, 5], reduce: [...], reduce_concat: [2, 3, 4, 5] }
//
// Rules:
// - 'none' is never an op of a genotype. In DARTS it is the supernet's "no edge" candidate, and
//   the derived cell keeps each node's two strongest non-'none' edges; the space follows that
//   derivation, so its default ops are the other seven primitives and an op list with 'none'
//   is refused. (Supernets take DARTS_PRIMITIVES, which has it.)
// - Decisions, in the order a controller emits them: per cell, per node k, input1 (k + 2
//   choices: the states), op1, input2 (k + 1 choices: the rank of the second input among the
//   states other than input1, so the two always differ), op2.
// - key: each node's two (op, input) pairs sorted (by input, then op); nodes are not reordered.
// - mutate: one op or one input changes and nothing else, as aging evolution's op and hidden
//   state mutations: a position is drawn uniformly among those that can move, then a new value
//   uniformly. Moving input1 past input2 would shift input2's rank, so input1 only moves
//   among the states on its side of input2 (every genotype still reaches every other).
// - The op list is data: `createDartsSpace({ ops })` builds the space over any ops of the cell
//   table, the morphological ones included (dilation_3x3, erosion_3x3, opening_3x3, closing_3x3).
import { type Decision, type Preset, type SearchSpace, SpaceError, defineSpace, genotypeError, stackError } from '../core/index.js';
import { type RandomSource } from '../../util/index.js';
import { DARTS_PRIMITIVES, checkCellEdges, checkOpList, cellOpNames, inputOfRank, inputRank, sortPairs } from '../cells/index.js';
import { type CellEdge, type DartsGenotype, DARTS_V1, DARTS_V2, GDAS_V1 } from './genotypes.js';
import { DartsNetwork, type DartsStack } from './network.js';
import { cellGraph } from '../graph/index.js';

export type DartsSpaceStack = Required<DartsStack>;

/** DARTS' seven derived-cell ops (its PRIMITIVES without 'none'). */
export const DARTS_OPS: readonly string[] = DARTS_PRIMITIVES.filter((p) => p !== 'none');

export interface DartsSpaceOptions {
  /** registry name; default 'darts' for the default ops and node count, else 'darts-custom' */
  name?: string;
  /** the operations a node may apply (default DARTS_OPS) */
  ops?: readonly string[];
  /** intermediate nodes per cell (default 4) */
  nodes?: number;
}

const KINDS = ['normal', 'reduce'] as const;
type Kind = (typeof KINDS)[number];

const PRESETS: Record<string, Preset<DartsGenotype, DartsSpaceStack>> = {
  'darts-v1': {
    genotype: DARTS_V1,
    stack: { cells: 20, channels: 36, auxiliary: true, dropPath: 0.2 },
    description: "DARTS' first released CIFAR-10 cells (DARTS_V1: the June 2018 release, not the paper's first-order row; 3.2M params)",
  },
  'darts-v2': {
    genotype: DARTS_V2,
    stack: { cells: 20, channels: 36, auxiliary: true, dropPath: 0.2 },
    description: "second-order DARTS' CIFAR-10 cells, the paper's headline (2.76% test error, 3.3M params)",
  },
  'darts-v2-imagenet': {
    genotype: DARTS_V2,
    stack: { cells: 14, channels: 48, classes: 1000, auxiliary: true, dropPath: 0, input: 224 },
    input: { size: 224 },
    description: 'DARTS V2 cells transferred to ImageNet in the mobile setting (26.7% top-1 error, 4.7M params)',
  },
  gdas: {
    genotype: GDAS_V1,
    stack: { cells: 20, channels: 36, auxiliary: true, dropPath: 0.2 },
    description: "GDAS' CIFAR-10 cells (Dong and Yang, CVPR 2019; 2.93% test error, 3.4M params) in DARTS' network",
  },
};

function decisionsOf(ops: readonly string[], nodes: number): Decision[] {
  const out: Decision[] = [];
  for (const kind of KINDS) {
    for (let k = 0; k < nodes; k++) {
      const states = Array.from({ length: k + 2 }, (_, i) => i);
      out.push(
        { name: `${kind}.node${k}.input1`, choices: states },
        { name: `${kind}.node${k}.op1`, choices: ops },
        { name: `${kind}.node${k}.input2`, choices: states.slice(1).map((_, rank) => rank) },
        { name: `${kind}.node${k}.op2`, choices: ops },
      );
    }
  }
  return out;
}

/** A DARTS cell space over `ops` with `nodes` intermediate nodes. */
export function createDartsSpace(o: DartsSpaceOptions = {}): SearchSpace<DartsGenotype, DartsSpaceStack> {
  const nodes = o.nodes ?? 4;
  const custom = o.ops !== undefined || nodes !== 4;
  const name = o.name ?? (custom ? 'darts-custom' : 'darts');
  if (!Number.isInteger(nodes) || nodes < 1) {
    throw new SpaceError(`${name}: nodes must be a positive integer, got ${String(nodes)}`, 'invalid-stack', 'nodes', 'a positive integer');
  }
  const ops = checkOpList(
    name,
    o.ops ?? DARTS_OPS,
    cellOpNames().filter((n) => n !== 'none'),
    {
      none: 'it is the supernet\'s "no edge" candidate and never part of a derived cell (DARTS keeps each node\'s two strongest non-none edges)',
    },
  );
  const opIndex = new Map(ops.map((op, i) => [op, i]));
  const concat = Array.from({ length: nodes }, (_, i) => i + 2);
  const decisions = decisionsOf(ops, nodes);

  const fromDecisions = (v: readonly number[]): DartsGenotype => {
    const cells = KINDS.map((_, c) => {
      const edges: CellEdge[] = [];
      for (let k = 0; k < nodes; k++) {
        const [in1, op1, rank2, op2] = v.slice((c * nodes + k) * 4, (c * nodes + k) * 4 + 4) as [number, number, number, number];
        edges.push([ops[op1]!, in1], [ops[op2]!, inputOfRank(rank2, in1)]);
      }
      return edges;
    });
    return { normal: cells[0]!, normal_concat: [...concat], reduce: cells[1]!, reduce_concat: [...concat] };
  };

  const toDecisions = (g: DartsGenotype): number[] =>
    KINDS.flatMap((kind) => {
      const edges = g[kind];
      const out: number[] = [];
      for (let k = 0; k < nodes; k++) {
        const [[op1, in1], [op2, in2]] = [edges[2 * k]!, edges[2 * k + 1]!];
        out.push(in1, opIndex.get(op1)!, inputRank(in2, in1), opIndex.get(op2)!);
      }
      return out;
    });

  const validate = (g: object): DartsGenotype => {
    const rec = g as Record<string, unknown>;
    const fields = ['normal', 'normal_concat', 'reduce', 'reduce_concat'];
    const extra = Object.keys(rec).filter((k) => !fields.includes(k));
    if (extra.length) throw genotypeError(name, extra[0]!, rec[extra[0]!], `only the fields ${fields.join(', ')} (DARTS' Genotype)`);
    for (const kind of KINDS) {
      const edges = rec[kind];
      checkCellEdges(kind, edges, {
        space: name,
        units: nodes,
        unit: 'node',
        ops,
        opsAllowed: `one of this space's ops: ${ops.join(', ')}`,
        statesAllowed: 'the two cell inputs and earlier nodes',
      });
      for (let k = 0; k < nodes; k++) {
        const [first, second] = [edges[2 * k]![1], edges[2 * k + 1]![1]];
        if (first === second) {
          throw genotypeError(name, `${kind}[${2 * k + 1}][1]`, second, `an input other than ${first}: a node's two inputs differ`);
        }
      }
      const c = rec[`${kind}_concat`];
      if (!Array.isArray(c) || c.length !== nodes || c.some((x, i) => x !== concat[i])) {
        throw genotypeError(name, `${kind}_concat`, c, `${JSON.stringify(concat)} (a DARTS cell concatenates all its nodes)`);
      }
    }
    return g as DartsGenotype;
  };

  const mutate = (g: DartsGenotype, rng: RandomSource): DartsGenotype => {
    // positions as [cell, node, slot (0 | 1), what], each with the values it may move to
    const moves: Array<{ kind: Kind; edge: number; field: 0 | 1; values: Array<string | number> }> = [];
    for (const kind of KINDS) {
      for (let k = 0; k < nodes; k++) {
        const [a, b] = [g[kind][2 * k]!, g[kind][2 * k + 1]!];
        for (const slot of [0, 1] as const) {
          const [own, other] = slot === 0 ? [a, b] : [b, a];
          const ownOps = ops.filter((op) => op !== own[0]);
          if (ownOps.length) moves.push({ kind, edge: 2 * k + slot, field: 0, values: ownOps });
          const states = Array.from({ length: k + 2 }, (_, i) => i).filter(
            (s) => s !== own[1] && s !== other[1] && (slot === 1 || s < other[1] === own[1] < other[1]),
          );
          if (states.length) moves.push({ kind, edge: 2 * k + slot, field: 1, values: states });
        }
      }
    }
    if (moves.length === 0) throw new SpaceError(`${name}: no op or input can change, so nothing can mutate`, 'invalid-decisions');
    const m = moves[rng.int(moves.length)]!;
    const value = m.values[rng.int(m.values.length)]!;
    const copy = (edges: readonly CellEdge[]): CellEdge[] => edges.map((e) => [e[0], e[1]]);
    const out = { normal: copy(g.normal), normal_concat: [...g.normal_concat], reduce: copy(g.reduce), reduce_concat: [...g.reduce_concat] };
    const old = out[m.kind][m.edge]!;
    out[m.kind][m.edge] = m.field === 0 ? [value as string, old[1]] : [old[0], value as number];
    return out;
  };

  const key = (g: DartsGenotype): string =>
    JSON.stringify({
      normal: sortPairs(g.normal),
      normal_concat: g.normal_concat,
      reduce: sortPairs(g.reduce),
      reduce_concat: g.reduce_concat,
    });

  const expressible = (g: DartsGenotype): boolean => {
    try {
      validate(g);
      return true;
    } catch {
      return false;
    }
  };

  const build = (g: DartsGenotype, stack: DartsSpaceStack): DartsNetwork => {
    for (const f of ['cells', 'channels', 'classes'] as const) {
      if (!Number.isInteger(stack[f]) || stack[f] < 1) throw stackError(name, f, stack[f], 'a positive integer');
    }
    if (stack.cells < 3) throw stackError(name, 'cells', stack.cells, 'at least 3 (two of the cells are reductions)');
    if (typeof stack.auxiliary !== 'boolean') throw stackError(name, 'auxiliary', stack.auxiliary, 'true or false');
    if (!(stack.dropPath >= 0 && stack.dropPath < 1)) throw stackError(name, 'dropPath', stack.dropPath, 'a probability in [0, 1)');
    if (stack.input !== 32 && stack.input !== 224) throw stackError(name, 'input', stack.input, '32 (CIFAR stem) or 224 (ImageNet stem)');
    if (stack.input === 224 && stack.channels % 2 !== 0)
      throw stackError(name, 'channels', stack.channels, 'an even number (the ImageNet stem starts at half of it)');
    return new DartsNetwork(g, stack);
  };

  return defineSpace<DartsGenotype, DartsSpaceStack>({
    name,
    description: custom
      ? `DARTS cells (Liu et al., ICLR 2019) with ${nodes} nodes over ops ${ops.join(', ')}`
      : 'DARTS cells (Liu et al., ICLR 2019): normal and reduction cells of 4 nodes, each node two distinct inputs with one of 7 ops',
    defaultStack: { cells: 20, channels: 36, classes: 10, auxiliary: false, dropPath: 0, input: 32 },
    defaultInput: { size: 32, channels: 3 },
    tiny: { stack: { cells: 3, channels: 4 }, input: { size: 16 } },
    // a custom op list keeps the published cells it can express
    presets: custom ? Object.fromEntries(Object.entries(PRESETS).filter(([, p]) => expressible(p.genotype))) : PRESETS,
    decisions,
    fromDecisions,
    toDecisions,
    validate,
    key,
    mutate,
    build,
    graph: (g) => ({ parts: [cellGraph('normal', g.normal, g.normal_concat), cellGraph('reduce', g.reduce, g.reduce_concat)] }),
  });
}

/** The registered `darts` space: DARTS' 7 ops, 4 nodes. */
export const dartsSpace = createDartsSpace();
