// Cell genotypes list (op, input) pairs, two per node or block. Helpers for what every cell space
// does with them: canonical order, the rank encoding of a second, distinct input, op lists.
import { SpaceError, genotypeError } from '../core/index.js';
import { didYouMean } from '../../util/index.js';

export type OpInputPair = readonly [op: string, input: number];

/**
 * The two pairs of each node in canonical order (by input, then op name). A node adds (or
 * concatenates) its two branches, so their order does not change what it computes.
 */
export function sortPairs(edges: readonly OpInputPair[]): OpInputPair[] {
  const out: OpInputPair[] = [];
  for (let i = 0; i < edges.length; i += 2) {
    const pair = [edges[i]!, edges[i + 1]!].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    out.push([pair[0]![0], pair[0]![1]], [pair[1]![0], pair[1]![1]]);
  }
  return out;
}

/** A second input that must differ from the first, as its rank among the states other than `first`. */
export function inputRank(second: number, first: number): number {
  return second < first ? second : second - 1;
}

/** The state of rank `rank` among those other than `first` (inverse of inputRank). */
export function inputOfRank(rank: number, first: number): number {
  return rank < first ? rank : rank + 1;
}

/**
 * Checks an op list given to a space constructor: non-empty, no repeats, every name known
 * (`known`), none of `forbidden` (with the reason). Returns a frozen copy.
 */
export function checkOpList(
  space: string,
  ops: readonly string[],
  known: readonly string[],
  forbidden: Readonly<Record<string, string>> = {},
): readonly string[] {
  if (!Array.isArray(ops) || ops.length === 0) {
    throw new SpaceError(`${space}: the op list must name at least one operation; known: ${known.join(', ')}`, 'invalid-stack', 'ops', known.join(', '));
  }
  const seen = new Set<string>();
  ops.forEach((op, i) => {
    if (typeof op === 'string' && Object.hasOwn(forbidden, op)) {
      throw new SpaceError(
        `${space}: ops[${i}] is '${op}', which a cell of this space cannot use: ${forbidden[op]}`,
        'invalid-stack',
        `ops[${i}]`,
        known.join(', '),
      );
    }
    if (typeof op !== 'string' || !known.includes(op)) {
      throw new SpaceError(
        `${space}: ops[${i}] is ${JSON.stringify(op)}, not an operation of this space.${didYouMean(String(op), known)} Known: ${known.join(', ')}`,
        'invalid-stack',
        `ops[${i}]`,
        known.join(', '),
      );
    }
    if (seen.has(op)) throw new SpaceError(`${space}: ops[${i}] repeats '${op}'; list each operation once`, 'invalid-stack', `ops[${i}]`, 'distinct names');
    seen.add(op);
  });
  return Object.freeze([...ops]);
}

export interface CellEdgeRule {
  /** the space's name, for the messages */
  space: string;
  /** nodes (DARTS, ENAS) or blocks (NASNet) per cell, two pairs each */
  units: number;
  unit: 'node' | 'block';
  /** the ops a pair may name */
  ops: readonly string[];
  /** the allowed ops as a message says them, e.g. "one of this space's ops: ..." */
  opsAllowed: string;
  /** what the inputs 0..unit+1 are, e.g. "the two cell inputs and earlier nodes" */
  statesAllowed: string;
}

/**
 * Checks one cell's edge list (`kind` is its genotype field): 2·units [op, input] pairs, each op
 * among the rule's ops and each input a state its node or block can read (0..k+1). Throws the
 * space's genotype error with the path to the first bad value.
 */
export function checkCellEdges(kind: string, edges: unknown, r: CellEdgeRule): asserts edges is OpInputPair[] {
  if (!Array.isArray(edges) || edges.length !== 2 * r.units) {
    throw genotypeError(r.space, kind, edges, `a list of ${2 * r.units} [op, input] pairs (two per ${r.unit}, ${r.units} ${r.unit}s)`);
  }
  edges.forEach((e: unknown, i) => {
    const k = Math.floor(i / 2);
    if (!Array.isArray(e) || e.length !== 2) throw genotypeError(r.space, `${kind}[${i}]`, e, 'an [op, input] pair');
    if (!r.ops.includes(e[0] as string)) throw genotypeError(r.space, `${kind}[${i}][0]`, e[0], r.opsAllowed);
    const input = e[1] as unknown;
    if (!Number.isInteger(input) || (input as number) < 0 || (input as number) > k + 1) {
      throw genotypeError(r.space, `${kind}[${i}][1]`, input, `a state of ${r.unit} ${k}: 0..${k + 1} (${r.statesAllowed})`);
    }
  });
}
