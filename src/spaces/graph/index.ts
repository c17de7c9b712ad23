// Builders of the ArchGraph pictures that spaces offer through `graph(g)` (drawn by
// `nasforge draw`): a cell as a DAG with ops on its edges, a layer sequence with ops as nodes.
import { type ArchGraphEdge, type ArchGraphNode, type ArchGraphPart } from '../core/index.js';

/**
 * A DARTS-form cell: `edges` lists (op, input) pairs, two per node; states 0 and 1 are the
 * cell inputs c_{k-2} and c_{k-1}, state k ≥ 2 is node k - 2; `concat` states feed the output.
 */
export function cellGraph(name: string, edges: readonly (readonly [string, number])[], concat: readonly number[]): ArchGraphPart {
  const nodes = edges.length / 2;
  const id = (s: number): string => (s < 2 ? `in${s}` : `n${s - 2}`);
  return {
    name,
    nodes: [
      { id: 'in0', label: 'c_{k-2}', kind: 'input' },
      { id: 'in1', label: 'c_{k-1}', kind: 'input' },
      ...Array.from({ length: nodes }, (_, b): ArchGraphNode => ({ id: `n${b}`, label: String(b), kind: 'node' })),
      { id: 'out', label: 'c_{k}', kind: 'output' },
    ],
    edges: [
      ...edges.map(([op, input], i): ArchGraphEdge => ({ from: id(input), to: `n${Math.floor(i / 2)}`, label: op })),
      ...concat.map((s): ArchGraphEdge => ({ from: id(s), to: 'out' })),
    ],
  };
}

/**
 * A NAS-Bench-201-style cell: nodes 0..n, an op on every edge (from < to); 'none' edges are
 * absent and are left out. Node 0 is the input, the last node the output.
 */
export function denseCellGraph(name: string, nodes: number, edges: readonly (readonly [to: number, from: number, op: string])[]): ArchGraphPart {
  return {
    name,
    nodes: Array.from(
      { length: nodes },
      (_, i): ArchGraphNode => ({
        id: `n${i}`,
        label: String(i),
        kind: i === 0 ? 'input' : i === nodes - 1 ? 'output' : 'node',
      }),
    ),
    edges: edges.filter(([, , op]) => op !== 'none').map(([to, from, op]) => ({ from: `n${from}`, to: `n${to}`, label: op })),
  };
}

/**
 * A layer sequence: input → layer 0 → … → output, each layer a node labelled with its op;
 * `skips[l]` lists the other states layer l reads: 0 is the input (stem), k ≥ 1 is layer k - 1.
 */
export function layerGraph(name: string, ops: readonly string[], skips: readonly (readonly number[])[] = []): ArchGraphPart {
  const id = (l: number): string => `l${l}`;
  const state = (s: number): string => (s === 0 ? 'input' : id(s - 1));
  const edges: ArchGraphEdge[] = ops.map((_, l) => ({ from: state(l), to: id(l) }));
  skips.forEach((from, l) => from.forEach((s) => edges.push({ from: state(s), to: id(l) })));
  edges.push({ from: ops.length ? id(ops.length - 1) : 'input', to: 'output' });
  return {
    name,
    nodes: [
      { id: 'input', label: 'stem', kind: 'input' },
      ...ops.map((op, l): ArchGraphNode => ({ id: id(l), label: op, kind: 'op' })),
      { id: 'output', label: 'head', kind: 'output' },
    ],
    edges,
  };
}
export { layoutPart, type PlacedPart, type PlacedNode, type PlacedEdge } from './layout.js';
export { toDot, toSvg } from './render.js';
