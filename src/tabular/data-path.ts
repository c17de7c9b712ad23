// Where a benchmark's data file is: an explicit path, else $NASFORGE_DATA/<rel>, else
// ../shared/data/<rel> beside the repository (the project's shared data folder).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TableError } from './errors.js';

/** The repository root: the nearest folder above this file that has a package.json. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

/** The candidate locations of `rel` (e.g. "nas-bench-201/nb201-cifar10-valid.csv"), in search order. */
export function dataCandidates(rel: string, explicit?: string): string[] {
  if (explicit) return [resolve(explicit)];
  const out: string[] = [];
  if (process.env.NASFORGE_DATA) out.push(resolve(process.env.NASFORGE_DATA, rel));
  out.push(resolve(repoRoot(), '..', 'shared', 'data', rel));
  return out;
}

/** The first existing location of `rel`; a TableError lists every place looked at otherwise. */
export function findDataFile(table: string, rel: string, explicit?: string): string {
  const places = dataCandidates(rel, explicit);
  const hit = places.find((p) => existsSync(p));
  if (hit) return hit;
  throw new TableError(
    `${table}: data file not found; looked at ${places.join(', ')}. ` + `Pass its path, or set NASFORGE_DATA to the folder that holds ${rel}`,
    'missing-data',
  );
}
