// Which fields of two study configs differ, as dotted paths with both values: what a refused
// re-run shows so that the user sees exactly what changed.
import { type Json, canonicalJson } from '../util/index.js';

export interface ConfigDifference {
  readonly path: string;
  readonly stored: Json | undefined;
  readonly given: Json | undefined;
}

function isObject(v: Json | undefined): v is { readonly [k: string]: Json } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function configDifferences(stored: Json | undefined, given: Json | undefined, path = ''): ConfigDifference[] {
  if (isObject(stored) && isObject(given)) {
    const keys = [...new Set([...Object.keys(stored), ...Object.keys(given)])].sort();
    return keys.flatMap((k) => configDifferences(stored[k], given[k], path ? `${path}.${k}` : k));
  }
  if (canonicalJson(stored) === canonicalJson(given)) return [];
  return [{ path: path || '(whole config)', stored, given }];
}

function show(v: Json | undefined): string {
  return v === undefined ? '(absent)' : canonicalJson(v);
}

export function describeDifferences(diffs: readonly ConfigDifference[]): string {
  return diffs.map((d) => `${d.path}: stored ${show(d.stored)}, given ${show(d.given)}`).join('; ');
}
