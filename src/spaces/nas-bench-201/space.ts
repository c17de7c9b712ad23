// The `nas-bench-201` cell space (Dong & Yang, ICLR 2020): 6 edges × 5 ops = 15,625 cells. A
// genotype is the benchmark's own arch string, {arch: "|nor_conv_3x3~0|+|...~0|...~1|+|...|"},
// and the key is that string (the benchmark lists isomorphic cells separately too).
import { type Decision, type SearchSpace, defineSpace, genotypeError, stackError } from '../core/index.js';
import { NB201_EDGES, NB201_OPS, Nb201Network, type Nb201Op, type Nb201Stack } from './network.js';
import { denseCellGraph } from '../graph/index.js';

export type Nb201Genotype = { readonly arch: string };
export type Nb201SpaceStack = Required<Nb201Stack>;

const NAME = 'nas-bench-201';
const EXAMPLE = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|';

const DECISIONS: readonly Decision[] = NB201_EDGES.map(([to, from]) => ({ name: `node${to}.input${from}`, choices: NB201_OPS }));

/** The arch string of six ops in edge order. */
export function nb201ArchString(ops: readonly string[]): string {
  let k = 0;
  const nodes = [1, 2, 3].map((to) => Array.from({ length: to }, (_, from) => `${ops[k++]}~${from}`).join('|'));
  return `|${nodes.join('|+|')}|`;
}

/** The six ops of an arch string in edge order, or the reason it is not one. */
export function parseNb201Arch(arch: string): Nb201Op[] | string {
  const nodes = arch.split('+');
  if (nodes.length !== 3) return `3 nodes joined by '+', e.g. ${EXAMPLE}`;
  const ops: Nb201Op[] = [];
  for (let n = 0; n < 3; n++) {
    const node = nodes[n]!;
    if (!node.startsWith('|') || !node.endsWith('|')) return `node ${n + 1} written as |op~input|...|`;
    const edges = node.slice(1, -1).split('|');
    if (edges.length !== n + 1) return `node ${n + 1} with ${n + 1} inputs`;
    for (let from = 0; from <= n; from++) {
      const [op, input] = edges[from]!.split('~');
      if (!(NB201_OPS as readonly string[]).includes(op!)) return `an op among ${NB201_OPS.join(', ')} (node ${n + 1} has '${op}')`;
      if (input !== String(from)) return `node ${n + 1}'s edges from inputs 0..${n} in order (found '~${input}')`;
      ops.push(op as Nb201Op);
    }
  }
  return ops;
}

function validate(g: object): Nb201Genotype {
  const extra = Object.keys(g).filter((k) => k !== 'arch');
  if (extra.length) throw genotypeError(NAME, extra[0]!, (g as Record<string, unknown>)[extra[0]!], 'only the field "arch"');
  const arch = (g as { arch?: unknown }).arch;
  if (typeof arch !== 'string') throw genotypeError(NAME, 'arch', arch, `a NAS-Bench-201 arch string, e.g. ${EXAMPLE}`);
  const ops = parseNb201Arch(arch);
  if (typeof ops === 'string') throw genotypeError(NAME, 'arch', arch, ops);
  return g as Nb201Genotype;
}

function checkStack(s: Nb201SpaceStack): void {
  for (const f of ['classes', 'channels', 'cellsPerStage'] as const) {
    if (!Number.isInteger(s[f]) || s[f] < 1) throw stackError(NAME, f, s[f], 'a positive integer');
  }
}

/**
 * Progressive growth (PNAS): the cell grows one node at a time while its output (node 3) stays
 * connected: step 1 searches the edge input→output (node3.input0); step 2 adds node 1 (its edge
 * from the input and its edge to the output); step 3 adds node 2 (its two inputs and its edge to
 * the output). Edges not yet grown are `none`, so every partial cell is an entry of the table.
 */
const edgeIndex = (to: number, from: number): number => NB201_EDGES.findIndex(([t, f]) => t === to && f === from);
const PROGRESSIVE = {
  blocks: [[edgeIndex(3, 0)], [edgeIndex(1, 0), edgeIndex(3, 1)], [edgeIndex(2, 0), edgeIndex(2, 1), edgeIndex(3, 2)]],
  fill: DECISIONS.map(() => NB201_OPS.indexOf('none')),
};

export const nb201Space: SearchSpace<Nb201Genotype, Nb201SpaceStack> = {
  ...defineSpace<Nb201Genotype, Nb201SpaceStack>({
    name: NAME,
    description:
      'NAS-Bench-201 (Dong & Yang, ICLR 2020): a 4-node cell, 6 edges × {none, skip, conv1x1, conv3x3, avgpool3x3}, 15,625 cells with recorded CIFAR-10 results',
    defaultStack: { classes: 10, channels: 16, cellsPerStage: 5 },
    defaultInput: { size: 32, channels: 3 },
    tiny: { stack: { channels: 4, cellsPerStage: 1 }, input: { size: 8 } },
    presets: {
      best: {
        genotype: { arch: '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|' },
        description: 'the cell with the best validation accuracy of the cifar10-valid table (91.61% valid, 91.09% test)',
      },
    },
    decisions: DECISIONS,
    fromDecisions: (values) => ({ arch: nb201ArchString(values.map((v) => NB201_OPS[v]!)) }),
    toDecisions: (g) => (parseNb201Arch(g.arch) as Nb201Op[]).map((op) => NB201_OPS.indexOf(op)),
    validate,
    build: (g, stack) => {
      checkStack(stack);
      return new Nb201Network(parseNb201Arch(g.arch) as Nb201Op[], stack);
    },
    parse: (text) => validate({ arch: text.trim() }),
    graph: (g) => {
      const ops = parseNb201Arch(g.arch) as Nb201Op[];
      return {
        parts: [
          denseCellGraph(
            'cell',
            4,
            NB201_EDGES.map(([to, from], i) => [to, from, ops[i]!] as const),
          ),
        ],
      };
    },
  }),
  progressive: PROGRESSIVE,
};
