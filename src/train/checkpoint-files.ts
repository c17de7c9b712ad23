// A checkpoint's files replaced as one set. Each save writes its files under new names (a
// generation number: model.7.safetensors), then replaces the JSON manifest that names them by a
// rename, then removes the older generations' files. A kill at any moment leaves either the
// old set or the new one readable, never the new weights beside the old optimiser state.
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The files of one save: `file('model.safetensors')` is this generation's name for it. */
export interface FileSet {
  readonly generation: number;
  file(base: string): string;
}

/** `model.safetensors` at generation 7 is `model.7.safetensors`. */
function named(base: string, generation: number): string {
  const dot = base.lastIndexOf('.');
  return `${base.slice(0, dot)}.${generation}${base.slice(dot)}`;
}

/** The file set a new save writes into: one generation past the manifest's (0 without one). */
export function nextFileSet(dir: string, manifest: string): FileSet {
  let generation = 0;
  try {
    const g = (JSON.parse(readFileSync(join(dir, manifest), 'utf8')) as { generation?: unknown }).generation;
    if (typeof g === 'number' && Number.isInteger(g) && g >= 0) generation = g + 1;
  } catch {
    // no manifest yet (or an unreadable one, which this save replaces)
  }
  return { generation, file: (base) => join(dir, named(base, generation)) };
}

/**
 * Makes `set` the checkpoint: writes `json` (with the set's generation) as the manifest by a
 * rename, then removes the files of every other generation of `bases` (and their unnumbered
 * names, which older nasforge wrote).
 */
export function commitFileSet(dir: string, manifest: string, set: FileSet, bases: readonly string[], json: object): void {
  const path = join(dir, manifest);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ ...json, generation: set.generation }));
  renameSync(tmp, path);
  const keep = new Set(bases.map((b) => named(b, set.generation)));
  const patterns = bases.map((b) => {
    const dot = b.lastIndexOf('.');
    const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`^${esc(b.slice(0, dot))}(\\.\\d+)?${esc(b.slice(dot))}$`);
  });
  for (const f of readdirSync(dir)) {
    if (!keep.has(f) && patterns.some((p) => p.test(f))) rmSync(join(dir, f), { force: true });
  }
}

/** Where a manifest's `base` file is: its generation's name, or the unnumbered name of a checkpoint written before generations. */
export function fileOf(dir: string, json: { generation?: unknown }, base: string): string {
  if (typeof json.generation === 'number') return join(dir, named(base, json.generation));
  const legacy = join(dir, base);
  return existsSync(legacy) ? legacy : join(dir, named(base, 0));
}
