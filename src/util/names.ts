// Finding things by name: "did you mean" suggestions for near misses in every registry.

/** Levenshtein distance (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** A prefix match counts as 0.5, else the edit distance (case-insensitive). */
function distance(name: string, known: string): number {
  const q = name.toLowerCase();
  const k = known.toLowerCase();
  return k.startsWith(q) || q.startsWith(k) ? 0.5 : editDistance(q, k);
}

/** The known names closest to `name` (within a third of its length, or a prefix match), best first. */
export function nearestNames(name: string, known: readonly string[], max = 3): string[] {
  return known
    .map((k) => ({ k, d: distance(name, k) }))
    .filter(({ d }) => d <= Math.max(2, Math.ceil(name.length / 3)))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, max)
    .map(({ k }) => k);
}

/** " Did you mean 'x'?" (or '' when nothing is close), for error messages. */
export function didYouMean(name: string, known: readonly string[]): string {
  const all = nearestNames(name, known);
  if (all.length === 0) return '';
  // name only the closest (ties kept): 'nas-bench-makro' is 'nas-bench-macro', not also '-201'
  const best = distance(name, all[0]!);
  const near = all.filter((k) => distance(name, k) === best);
  return ` Did you mean ${near.map((n) => `'${n}'`).join(' or ')}?`;
}
