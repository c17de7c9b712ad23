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
  readonly height: number;
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
  const raw: PlacedEdge[] = part.edges.map((e, k) => {
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
    // labels sit nearer the target: edges fan out from a shared source, and a node has few inputs
    const t = 0.66;
    if (bend === 0) return { ...e, path: `M${f(x0)},${f(y0)} L${f(x3)},${f(y3)}`, labelX: x0 + t * (x3 - x0), labelY: y0 + t * (y3 - y0) - 4 };
    const [x1, y1, x2, y2] = [x0 + (x3 - x0) / 4, y0 + 2 * bend, x3 - (x3 - x0) / 4, y3 + 2 * bend];
    return {
      ...e,
      path: `M${f(x0)},${f(y0)} C${f(x1)},${f(y1)} ${f(x2)},${f(y2)} ${f(x3)},${f(y3)}`,
      labelX: 0.125 * x0 + 0.375 * x1 + 0.375 * x2 + 0.125 * x3,
      labelY: 0.125 * y0 + 0.375 * y1 + 0.375 * y2 + 0.125 * y3 - 4,
    };
  });
  const edges = spreadLabels(raw, nodes);
  return { name: part.name, nodes, edges, width: x - gap, height };
}

interface Box { x0: number; y0: number; x1: number; y1: number }
const overlaps = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** Moves each edge label up or down (nearest free place first) until it covers no earlier label and no node. */
function spreadLabels(edges: readonly PlacedEdge[], nodes: readonly PlacedNode[]): PlacedEdge[] {
  const taken: Box[] = nodes.map((n) => ({ x0: n.x, y0: n.y, x1: n.x + n.w, y1: n.y + n.h }));
  return edges.map((e) => {
    if (e.label === undefined) return e;
    const half = (e.label.length * CHAR_W) / 2 + 2;
    const box = (y: number): Box => ({ x0: e.labelX - half, y0: y - 11, x1: e.labelX + half, y1: y + 3 });
    for (let step = 0; step < 40; step++) {
      const y = e.labelY + (step % 2 === 1 ? -1 : 1) * 7 * Math.ceil(step / 2);
      const b = box(y);
      if (!taken.some((t) => overlaps(b, t))) {
        taken.push(b);
        return { ...e, labelY: y };
      }
    }
    return e;
  });
}

/** Coordinates with at most one decimal, so the SVG text is the same on every machine. */
export function f(v: number): string {
  return String(Math.round(v * 10) / 10);
}
