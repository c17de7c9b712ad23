// Cell genotypes list (op, input) pairs, two per node or block. Helpers for what every cell space
// does with them: canonical order, the rank encoding of a second, distinct input, op lists.
import { SpaceError, didYouMean } from '../core/index.js';

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
export function checkOpList(space: string, ops: readonly string[], known: readonly string[], forbidden: Readonly<Record<string, string>> = {}): readonly string[] {
  if (!Array.isArray(ops) || ops.length === 0) {
    throw new SpaceError(`${space}: the op list must name at least one operation; known: ${known.join(', ')}`, 'invalid-stack', 'ops', known.join(', '));
  }
  const seen = new Set<string>();
  ops.forEach((op, i) => {
    if (typeof op === 'string' && Object.prototype.hasOwnProperty.call(forbidden, op)) {
      throw new SpaceError(`${space}: ops[${i}] is '${op}', which a cell of this space cannot use: ${forbidden[op]}`, 'invalid-stack', `ops[${i}]`, known.join(', '));
    }
    if (typeof op !== 'string' || !known.includes(op)) {
      throw new SpaceError(`${space}: ops[${i}] is ${JSON.stringify(op)}, not an operation of this space.${didYouMean(String(op), known)} Known: ${known.join(', ')}`,
        'invalid-stack', `ops[${i}]`, known.join(', '));
    }
    if (seen.has(op)) throw new SpaceError(`${space}: ops[${i}] repeats '${op}'; list each operation once`, 'invalid-stack', `ops[${i}]`, 'distinct names');
    seen.add(op);
  });
  return Object.freeze([...ops]);
}
