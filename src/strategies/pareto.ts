// Pareto utilities over several metrics, each maximized or minimized: dominance, the
// non-dominated front, non-dominated sorting (NSGA-II ranks), crowding distance, hypervolume.
//
// Every function takes points as number arrays (one value per metric, in the order of
// `directions`). Internally a point is "oriented" (minimized metrics negated) so that larger is
// better everywhere.
//
// Hypervolume reference point rules: `ref` is given in the metrics' own units and directions
// (e.g. [minimum accuracy, maximum FLOPs]); it should be worse than every point of interest in
// every metric, e.g. the worst value of each metric over the whole table (the nadir of the
// table), so that the hypervolume of any subset is comparable to the table's best. A point that
// is not strictly better than `ref` in every metric adds nothing (its box is empty) and is
// ignored, so the result never depends on a point beyond the reference.
import { StrategyError } from './errors.js';

export type Direction = 'maximize' | 'minimize';

/** One metric of a multi-objective search. */
export interface ParetoMetric {
  readonly name: string;
  readonly direction: Direction;
}

/**
 * Parses metrics written as names with an optional sign: 'valAccuracy' or '+valAccuracy'
 * maximizes, '-flops' minimizes. Accepts a list or a comma-separated string.
 */
export function parseParetoMetrics(spec: string | readonly string[]): ParetoMetric[] {
  const items = typeof spec === 'string' ? spec.split(',').map((s) => s.trim()) : [...spec];
  const out = items.map((s, i) => {
    if (typeof s !== 'string' || !/^[+-]?[A-Za-z_][\w.]*$/.test(s)) {
      throw new StrategyError(
        `pareto metrics[${i}] is ${JSON.stringify(s)}; write a metric name, prefixed by '-' to minimize it (e.g. 'valAccuracy', '-flops')`,
        'invalid-objective',
      );
    }
    return s.startsWith('-') ? { name: s.slice(1), direction: 'minimize' as const } : { name: s.replace(/^\+/, ''), direction: 'maximize' as const };
  });
  if (out.length < 2)
    throw new StrategyError(`a Pareto front needs at least 2 metrics, got ${out.length} (${items.join(', ')}); e.g. 'valAccuracy,-flops'`, 'invalid-objective');
  const names = out.map((m) => m.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new StrategyError(`pareto metrics name '${twice}' twice; each metric may appear once`, 'invalid-objective');
  return out;
}

/** The metrics back in the signed short form: 'valAccuracy,-flops'. */
export function formatParetoMetrics(metrics: readonly ParetoMetric[]): string {
  return metrics.map((m) => (m.direction === 'minimize' ? `-${m.name}` : m.name)).join(',');
}

/** `p` with minimized metrics negated, so that larger is better in every coordinate. */
export function orient(p: readonly number[], directions: readonly Direction[]): number[] {
  return p.map((v, i) => (directions[i] === 'minimize' ? -v : v));
}

/** Whether oriented point `a` dominates `b`: at least as good everywhere, better somewhere. */
function dominatesOriented(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return false;
    if (a[i]! > b[i]!) better = true;
  }
  return better;
}

/** Whether `a` dominates `b` under `directions`. Equal points do not dominate each other. */
export function dominates(a: readonly number[], b: readonly number[], directions: readonly Direction[]): boolean {
  return dominatesOriented(orient(a, directions), orient(b, directions));
}

function checkPoints(points: readonly (readonly number[])[], directions: readonly Direction[]): void {
  points.forEach((p, i) => {
    if (p.length !== directions.length || !p.every(Number.isFinite)) {
      throw new StrategyError(`point ${i} is [${p.join(', ')}]; expected ${directions.length} finite numbers (one per metric)`, 'missing-metric');
    }
  });
}

/** The indices (ascending) of the points no other point dominates; equal points are all kept. */
export function paretoFront(points: readonly (readonly number[])[], directions: readonly Direction[]): number[] {
  checkPoints(points, directions);
  const o = points.map((p) => orient(p, directions));
  return o.flatMap((p, i) => (o.some((q) => dominatesOriented(q, p)) ? [] : [i]));
}

/**
 * Non-dominated sorting (Deb et al., NSGA-II): rank 0 is the front, rank 1 the front of the
 * rest, and so on. Returns one rank per point.
 */
export function nonDominatedRanks(points: readonly (readonly number[])[], directions: readonly Direction[]): number[] {
  checkPoints(points, directions);
  const o = points.map((p) => orient(p, directions));
  const n = o.length;
  const dominatedBy = new Array<number>(n).fill(0);
  const dominating: number[][] = o.map(() => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dominatesOriented(o[i]!, o[j]!)) {
        dominating[i]!.push(j);
        dominatedBy[j]!++;
      } else if (dominatesOriented(o[j]!, o[i]!)) {
        dominating[j]!.push(i);
        dominatedBy[i]!++;
      }
    }
  }
  const rank = new Array<number>(n).fill(-1);
  let current = dominatedBy.flatMap((c, i) => (c === 0 ? [i] : []));
  for (let r = 0; current.length > 0; r++) {
    const next: number[] = [];
    for (const i of current) {
      rank[i] = r;
      for (const j of dominating[i]!) if (--dominatedBy[j]! === 0) next.push(j);
    }
    current = next;
  }
  return rank;
}

/**
 * NSGA-II crowding distance of each point within its own group (`groups[i]`, e.g. its rank):
 * the sum over metrics of the normalized gap between its two neighbours; a group's extreme
 * points get Infinity. Larger means less crowded.
 */
export function crowdingDistances(points: readonly (readonly number[])[], groups: readonly number[]): number[] {
  const dist = new Array<number>(points.length).fill(0);
  const byGroup = new Map<number, number[]>();
  groups.forEach((g, i) => byGroup.set(g, [...(byGroup.get(g) ?? []), i]));
  for (const members of byGroup.values()) {
    const m = points[members[0]!]!.length;
    for (let k = 0; k < m; k++) {
      const sorted = [...members].sort((a, b) => points[a]![k]! - points[b]![k]! || a - b);
      const lo = points[sorted[0]!]![k]!;
      const hi = points[sorted[sorted.length - 1]!]![k]!;
      dist[sorted[0]!] = Infinity;
      dist[sorted[sorted.length - 1]!] = Infinity;
      if (hi === lo) continue;
      for (let j = 1; j < sorted.length - 1; j++) {
        dist[sorted[j]!]! += (points[sorted[j + 1]!]![k]! - points[sorted[j - 1]!]![k]!) / (hi - lo);
      }
    }
  }
  return dist;
}

/** Oriented points strictly better than the oriented reference in every coordinate. */
function inside(points: readonly (readonly number[])[], directions: readonly Direction[], ref: readonly number[]): { pts: number[][]; r: number[] } {
  checkPoints(points, directions);
  checkPoints([ref], directions);
  const r = orient(ref, directions);
  const pts = points.map((p) => orient(p, directions)).filter((p) => p.every((v, i) => v > r[i]!));
  return { pts, r };
}

/** Exact 2-D hypervolume of oriented points (all beyond r), by one sweep: O(n log n). */
function hv2(pts: readonly number[][], r: readonly number[]): number {
  const sorted = [...pts].sort((a, b) => b[0]! - a[0]! || b[1]! - a[1]!);
  let area = 0;
  let top = r[1]!;
  for (const p of sorted) {
    if (p[1]! > top) {
      area += (p[0]! - r[0]!) * (p[1]! - top);
      top = p[1]!;
    }
  }
  return area;
}

/** Hypervolume by slicing the last coordinate (HSO, While et al. 2006): exact, exponential in the dimension. */
function hvSlices(pts: readonly number[][], r: readonly number[]): number {
  const d = r.length;
  if (pts.length === 0) return 0;
  if (d === 1) return Math.max(...pts.map((p) => p[0]!)) - r[0]!;
  if (d === 2) return hv2(pts, r);
  const sorted = [...pts].sort((a, b) => b[d - 1]! - a[d - 1]!);
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    const level = sorted[i]![d - 1]!;
    const below = i + 1 < sorted.length ? sorted[i + 1]![d - 1]! : r[d - 1]!;
    if (level === below) continue;
    // every point at or above this level covers the slab between `below` and `level`
    const slab = sorted.slice(0, i + 1).map((p) => p.slice(0, d - 1));
    volume += hvSlices(slab, r.slice(0, d - 1)) * (level - below);
  }
  return volume;
}

/** Exact hypervolume of 2-D points dominated region above `ref` (see the reference point rules above). */
export function hypervolume2d(points: readonly (readonly number[])[], directions: readonly Direction[], ref: readonly number[]): number {
  if (directions.length !== 2) throw new StrategyError(`hypervolume2d needs 2 metrics, got ${directions.length}`, 'invalid-objective');
  const { pts, r } = inside(points, directions, ref);
  return hv2(pts, r);
}

/**
 * Exact hypervolume in any dimension by slicing; meant for small fronts (a few hundred points
 * in 3-D, tens in 4-D or more). In 2-D it is the O(n log n) sweep.
 */
export function hypervolume(points: readonly (readonly number[])[], directions: readonly Direction[], ref: readonly number[]): number {
  const { pts, r } = inside(points, directions, ref);
  // only the front matters, and slicing is much cheaper on it
  const front = pts.filter((p) => !pts.some((q) => dominatesOriented(q, p)));
  return hvSlices(front, r);
}

/**
 * A front kept up to date one point at a time (what a search reports after each query):
 * `add` returns whether the point joined the front; dominated members leave it.
 */
export class IncrementalFront<T> {
  private readonly members: { item: T; point: number[]; oriented: number[] }[] = [];

  constructor(readonly directions: readonly Direction[]) {}

  add(item: T, point: readonly number[]): boolean {
    checkPoints([point], this.directions);
    const oriented = orient(point, this.directions);
    if (this.members.some((m) => dominatesOriented(m.oriented, oriented))) return false;
    for (let i = this.members.length - 1; i >= 0; i--) {
      if (dominatesOriented(oriented, this.members[i]!.oriented)) this.members.splice(i, 1);
    }
    this.members.push({ item, point: [...point], oriented });
    return true;
  }

  /** The front's items, in order of arrival. */
  get items(): T[] {
    return this.members.map((m) => m.item);
  }

  /** The front's points, in the metrics' own units. */
  get points(): number[][] {
    return this.members.map((m) => m.point);
  }

  hypervolume(ref: readonly number[]): number {
    return hypervolume(this.points, this.directions, ref);
  }
}
