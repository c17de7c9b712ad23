// Genotypes are plain JSON: these check it and write it canonically (sorted keys), so equal data
// always has one spelling.
import { genotypeError } from './errors.js';

export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

/** Throws unless `value` is plain JSON data (no classes, functions, undefined, NaN or cycles). */
export function checkPlainJson(space: string, value: unknown, path = ''): void {
  walk(value, path, new Set());

  function walk(v: unknown, p: string, seen: Set<object>): void {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw genotypeError(space, p, v, 'finite numbers (genotypes are plain JSON)');
      return;
    }
    if (typeof v !== 'object') throw genotypeError(space, p, String(v), 'plain JSON data (no functions or undefined)');
    if (seen.has(v)) throw genotypeError(space, p, '[cycle]', 'plain JSON data without cycles');
    seen.add(v);
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${p}[${i}]`, seen));
    } else {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) throw genotypeError(space, p, `[${proto?.constructor?.name ?? 'object'}]`, 'plain objects, arrays, strings, numbers, booleans and null');
      for (const [k, x] of Object.entries(v)) walk(x, p ? `${p}.${k}` : k, seen);
    }
    seen.delete(v);
  }
}

/** JSON with object keys sorted at every level: one string per value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** A deep copy through JSON (what a study stores and reads back). */
export function jsonRoundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
