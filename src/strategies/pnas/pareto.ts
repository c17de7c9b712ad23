// POPNAS's selection (Falanti et al., POPNASv3, 2023): the candidates on the Pareto front of
// predicted accuracy (higher is better) vs. predicted cost (lower is better) are trained.

/** Indices of the non-dominated points (no other point is at least as accurate and as cheap, and better in one). */
export function paretoFront(accuracy: readonly number[], cost: readonly number[]): number[] {
  const order = accuracy.map((_, i) => i).sort((a, b) => cost[a]! - cost[b]! || accuracy[b]! - accuracy[a]! || a - b);
  const front: number[] = [];
  let best = -Infinity;
  for (const i of order) {
    if (accuracy[i]! > best) {
      front.push(i);
      best = accuracy[i]!;
    }
  }
  return front;
}

/**
 * Up to `k` indices: the front by predicted accuracy (best first), cut at `k`; when the front
 * is smaller than `k`, filled with the most accurate points off the front.
 */
export function paretoSelect(accuracy: readonly number[], cost: readonly number[], k: number): number[] {
  const byAccuracy = (a: number, b: number): number => accuracy[b]! - accuracy[a]! || a - b;
  const front = paretoFront(accuracy, cost).sort(byAccuracy);
  if (front.length >= k) return front.slice(0, k);
  const on = new Set(front);
  const rest = accuracy
    .map((_, i) => i)
    .filter((i) => !on.has(i))
    .sort(byAccuracy);
  return [...front, ...rest.slice(0, k - front.length)];
}
