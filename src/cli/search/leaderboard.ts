// What a finished (or running) study looks like in a terminal: the leaderboard of its best
// trials, and trial counts in words.
import { ranked } from '../../search/index.js';
import { type Objective } from '../../strategies/index.js';
import { type Trial } from '../../study/index.js';

const PREFERRED = ['valAccuracy', 'testAccuracy', 'params', 'macs', 'flops', 'trainSeconds', 'trainTime', 'latencyMs'];

function fmt(metric: string, v: number | undefined): string {
  if (v === undefined) return '-';
  if (/params|macs|flops/i.test(metric)) {
    return v >= 1e9 ? `${(v / 1e9).toFixed(2)}G` : v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : String(v);
  }
  return Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) >= 100 ? 1 : 2);
}

/** The top `n` complete trials as a text table. */
export function leaderboard(trials: readonly Trial[], objective: Objective, n = 10): string {
  const top = ranked(trials).slice(0, n);
  if (top.length === 0) return 'no complete trials yet';
  const present = new Set(top.flatMap((t) => Object.keys(t.metrics ?? {})));
  const cols = [...new Set([objective.metric, ...PREFERRED])].filter((m) => present.has(m)).slice(0, 5);
  const header = ['rank', 'trial', 'score', ...cols, 'key'];
  const rows = top.map((t, i) => [
    String(i + 1),
    String(t.number),
    fmt('score', t.score!),
    ...cols.map((c) => fmt(c, t.metrics?.[c])),
    t.key.length > 60 ? `${t.key.slice(0, 57)}...` : t.key,
  ]);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (r: string[]): string =>
    r
      .map((c, j) => (j === r.length - 1 ? c : c.padEnd(widths[j]! + 2)))
      .join('')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Trial counts in words, e.g. "12 complete, 1 failed, 1 running". */
export function countsText(c: Readonly<Record<string, number>>): string {
  return (
    Object.entries(c)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ') || 'no trials'
  );
}
