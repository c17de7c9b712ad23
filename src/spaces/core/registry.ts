// Finding things by name: exact lookup with "did you mean" suggestions for near misses.
import { SpaceError } from './errors.js';
import { type AnySearchSpace, type Preset, type SearchSpace, type Stack } from './space.js';

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

/** The known names closest to `name` (within a third of its length, or a prefix match), best first. */
export function nearestNames(name: string, known: readonly string[], max = 3): string[] {
  const q = name.toLowerCase();
  return known
    .map((k) => ({ k, d: k.toLowerCase().startsWith(q) || q.startsWith(k.toLowerCase()) ? 0.5 : editDistance(q, k.toLowerCase()) }))
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
  const q = name.toLowerCase();
  const dist = (k: string): number => (k.toLowerCase().startsWith(q) || q.startsWith(k.toLowerCase()) ? 0.5 : editDistance(q, k.toLowerCase()));
  const best = dist(all[0]!);
  const near = all.filter((k) => dist(k) === best);
  return ` Did you mean ${near.map((n) => `'${n}'`).join(' or ')}?`;
}

/** The space called `name` among `spaces`; throws SpaceError('unknown-space') with suggestions. */
export function findSpace(spaces: readonly AnySearchSpace[], name: string): AnySearchSpace {
  const hit = spaces.find((s) => s.name === name);
  if (hit) return hit;
  const names = spaces.map((s) => s.name);
  throw new SpaceError(`unknown search space '${name}'.${didYouMean(name, names)} Known spaces: ${names.join(', ')}`,
    'unknown-space', '', names.join(', '));
}

/** A space's preset by name; throws SpaceError('unknown-preset') with suggestions. */
export function findPreset<G extends object, S extends Stack>(space: SearchSpace<G, S>, name: string): Preset<G, S> {
  const hit = Object.prototype.hasOwnProperty.call(space.presets, name) ? space.presets[name] : undefined;
  if (hit) return hit;
  const names = Object.keys(space.presets);
  const known = names.length ? `Its presets: ${names.join(', ')}` : 'It has no presets';
  throw new SpaceError(`space '${space.name}' has no preset '${name}'.${didYouMean(name, names)} ${known}`,
    'unknown-preset', '', names.join(', '));
}
