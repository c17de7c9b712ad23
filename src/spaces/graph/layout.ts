// A small deterministic layered layout for ArchGraph parts (left to right): each node's rank is
// its longest path from a source, nodes within a rank are ordered by the mean position of
// their predecessors (two sweeps, ties kept in the part's node order), columns are as wide as
// their widest label and leave room for the longest edge label.
import { type ArchGraphPart } from '../core/index.js';

export interface PlacedNode {
  readonly id: string;
  readonly label: string;
  readonly kind: 'input' | 'node' | 'op' | 'output';
  /** top-left corner and size */
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly rank: number;
}

export interface PlacedEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  /** SVG path data */
  readonly path: string;
  /** where the label goes */
  readonly labelX: number;
  readonly labelY: number;
}

export interface PlacedPart {
  readonly name: string;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  readonly width: number;
  /** the node rows' height; drawing (arcs, labels) spans minY..maxY */
  readonly height: number;
  readonly minY: number;
  readonly maxY: number;
}

const NODE_H = 30;
const ROW_GAP = 34;
/** approximate width of one character of the 12px sans-serif labels */
export const CHAR_W = 7;

/** Longest-path ranks; throws on a cycle (a graph() bug, not a user error). */
function ranks(part: ArchGraphPart): Map<string, number> {
  const rank = new Map(part.nodes.map((n) => [n.id, 0]));
  for (const e of part.edges) {
    if (!rank.has(e.from) || !rank.has(e.to)) throw new Error(`graph part '${part.name}': edge ${e.from} → ${e.to} names an unknown node`);
  }
  for (let pass = 0; ; pass++) {
    let changed = false;
    for (const e of part.edges) {
      const r = rank.get(e.from)! + 1;
      if (r > rank.get(e.to)!) {
        rank.set(e.to, r);
        changed = true;
      }
    }
    if (!changed) return rank;
    if (pass > part.nodes.length) throw new Error(`graph part '${part.name}' has a cycle`);
  }
}

export function layoutPart(part: ArchGraphPart): PlacedPart {
  const rank = ranks(part);
  const maxRank = Math.max(0, ...rank.values());
  const columns: string[][] = Array.from({ length: maxRank + 1 }, () => []);
  part.nodes.forEach((n) => columns[rank.get(n.id)!]!.push(n.id));
  const order = new Map<string, number>();
  const setOrder = (): void => columns.forEach((c) => c.forEach((id, i) => order.set(id, i)));
  setOrder();
  const preds = new Map<string, string[]>(part.nodes.map((n) => [n.id, []]));
  for (const e of part.edges) preds.get(e.to)!.push(e.from);
  for (let sweep = 0; sweep < 2; sweep++) {
    for (let r = 1; r <= maxRank; r++) {
      const bary = (id: string): number => {
        const p = preds.get(id)!;
        return p.length ? p.reduce((s, q) => s + order.get(q)!, 0) / p.length : order.get(id)!;
      };
      const keyed = columns[r]!.map((id, i) => ({ id, i, b: bary(id) }));
      keyed.sort((a, b) => a.b - b.b || a.i - b.i);
      columns[r] = keyed.map((k) => k.id);
      setOrder();
    }
  }
  const byId = new Map(part.nodes.map((n) => [n.id, n]));
  const widthOf = (label: string): number => Math.max(44, label.length * CHAR_W + 20);
  const colW = columns.map((c) => Math.max(44, ...c.map((id) => widthOf(byId.get(id)!.label))));
  const labelRoom = Math.max(0, ...part.edges.map((e) => (e.label ?? '').length * CHAR_W));
  const gap = Math.max(40, labelRoom + 24);
  const tallest = Math.max(...columns.map((c) => c.length));
  const height = tallest * NODE_H + (tallest - 1) * ROW_GAP;
  const nodes: PlacedNode[] = [];
  let x = 0;
  columns.forEach((c, r) => {
    const top = (height - (c.length * NODE_H + (c.length - 1) * ROW_GAP)) / 2;
    c.forEach((id, i) => {
      const n = byId.get(id)!;
      const w = widthOf(n.label);
      nodes.push({ id, label: n.label, kind: n.kind, x: x + (colW[r]! - w) / 2, y: top + i * (NODE_H + ROW_GAP), w, h: NODE_H, rank: r });
    });
    x += colW[r]! + gap;
  });
  const placed = new Map(nodes.map((n) => [n.id, n]));
  const seen = new Map<string, number>();
  const curves = part.edges.map((e, k) => {
    const a = placed.get(e.from)!;
    const b = placed.get(e.to)!;
    const [x0, y0, x3, y3] = [a.x + a.w, a.y + a.h / 2, b.x, b.y + b.h / 2];
    const span = b.rank - a.rank;
    // the k-th edge between the same two nodes bends away from the first
    const twin = seen.get(`${e.from}>${e.to}`) ?? 0;
    seen.set(`${e.from}>${e.to}`, twin + 1);
    let bend = twin === 0 ? 0 : (twin % 2 === 1 ? 1 : -1) * 14 * Math.ceil(twin / 2);
    // a long edge along one row would run through the nodes between: arc above or below them
    if (span > 1 && y0 === y3) bend = (k % 2 === 0 ? -1 : 1) * (NODE_H / 2 + 10 + 8 * span);
    const [x1, y1, x2, y2] = [x0 + (x3 - x0) / 4, y0 + 2 * bend, x3 - (x3 - x0) / 4, y3 + 2 * bend];
    const at = (t: number): [number, number] => {
      const [u, v] = [(1 - t) ** 3, 3 * (1 - t) ** 2 * t];
      const [w, z] = [3 * (1 - t) * t * t, t ** 3];
      return [u * x0 + v * x1 + w * x2 + z * x3, u * y0 + v * y1 + w * y2 + z * y3];
    };
    const path = bend === 0 ? `M${f(x0)},${f(y0)} L${f(x3)},${f(y3)}` : `M${f(x0)},${f(y0)} C${f(x1)},${f(y1)} ${f(x2)},${f(y2)} ${f(x3)},${f(y3)}`;
    return { e, path, at, straight: bend === 0 };
  });
  const edges = placeLabels(curves, nodes);
  // the extent of everything drawn: nodes, arcs (their control points bound them) and labels
  const ys = [
    0,
    height,
    ...curves.flatMap((c) => [0.25, 0.5, 0.75].map((t) => c.at(t)[1])),
    ...edges.flatMap((e) => (e.label === undefined ? [] : [e.labelY - 12, e.labelY + 4])),
  ];
  return { name: part.name, nodes, edges, width: x - gap, height, minY: Math.min(...ys), maxY: Math.max(...ys) };
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
const overlaps = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/**
 * Puts each edge label on its edge where it covers no node and no earlier label: first nearer
 * the target (edges fan out from a shared source, and a node has few inputs), then sliding along
 * the edge, then a little above or below it.
 */
function placeLabels(
  curves: ReadonlyArray<{ e: ArchGraphPart['edges'][number]; path: string; at: (t: number) => [number, number]; straight: boolean }>,
  nodes: readonly PlacedNode[],
): PlacedEdge[] {
  const taken: Box[] = nodes.map((n) => ({ x0: n.x, y0: n.y, x1: n.x + n.w, y1: n.y + n.h }));
  const ts = [0.66, 0.58, 0.74, 0.5, 0.82, 0.42, 0.34];
  const lifts = [-4, 10, -14, 22, -26, 34, -38];
  return curves.map(({ e, path, at, straight }) => {
    if (e.label === undefined) return { ...e, path, labelX: 0, labelY: 0 };
    const half = (e.label.length * CHAR_W) / 2 + 2;
    const first = at(straight ? 0.66 : 0.5);
    for (const lift of lifts) {
      for (const t of straight ? ts : [0.5, 0.4, 0.6]) {
        const [x, y] = at(t);
        const b = { x0: x - half, y0: y + lift - 11, x1: x + half, y1: y + lift + 3 };
        if (!taken.some((o) => overlaps(b, o))) {
          taken.push(b);
          return { ...e, path, labelX: x, labelY: y + lift };
        }
      }
    }
    return { ...e, path, labelX: first[0], labelY: first[1] - 4 };
  });
}

/** Coordinates with at most one decimal, so the SVG text is the same on every machine. */
export function f(v: number): string {
  return String(Math.round(v * 10) / 10);
}
