// Genotypes, configs and strategy states are plain JSON: these check it (bounded in depth, so a
// hostile or broken document gives an error, not a stack overflow) and write it canonically
// (sorted keys), so equal data always has one spelling.
import { NasforgeError } from './errors.js';

export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

/** Nesting deeper than this is refused: no genotype, config or state of nasforge comes close. */
export const MAX_JSON_DEPTH = 64;

/** Where a value stops being plain JSON: the path, what was found there and what is allowed. */
export interface JsonProblem {
  readonly path: string;
  readonly found: unknown;
  readonly allowed: string;
}

/** The first place where `value` is not plain JSON data (no classes, functions, undefined, NaN, cycles, depth over the limit), or null. */
export function plainJsonProblem(value: unknown, path = ''): JsonProblem | null {
  const seen = new Set<object>();
  const walk = (v: unknown, p: string, depth: number): JsonProblem | null => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return null;
    if (typeof v === 'number') return Number.isFinite(v) ? null : { path: p, found: v, allowed: 'finite numbers (plain JSON)' };
    if (typeof v !== 'object') return { path: p, found: String(v), allowed: 'plain JSON data (no functions or undefined)' };
    if (depth >= MAX_JSON_DEPTH) return { path: p, found: '[nested too deeply]', allowed: `JSON nested at most ${MAX_JSON_DEPTH} levels deep` };
    if (seen.has(v)) return { path: p, found: '[cycle]', allowed: 'plain JSON data without cycles' };
    seen.add(v);
    let bad: JsonProblem | null = null;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length && !bad; i++) bad = walk(v[i], `${p}[${i}]`, depth + 1);
    } else {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        bad = { path: p, found: `[${proto?.constructor?.name ?? 'object'}]`, allowed: 'plain objects, arrays, strings, numbers, booleans and null' };
      }
      for (const [k, x] of Object.entries(v)) {
        if (bad) break;
        bad = walk(x, p ? `${p}.${k}` : k, depth + 1);
      }
    }
    seen.delete(v);
    return bad;
  };
  return walk(value, path, 0);
}

/** A JSON document that cannot be read: `code` 'invalid-json'. */
export class JsonError extends NasforgeError {
  constructor(message: string) {
    super(message, 'invalid-json');
    this.name = 'JsonError';
  }
}

/**
 * Parses JSON text and checks it is plain JSON of bounded depth; `what` names the document in
 * the error ("trial 3's metrics", "genotype.json").
 */
export function parseJson(text: string, what: string): Json {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new JsonError(`${what} is not valid JSON (${(e as Error).message})`);
  }
  const bad = plainJsonProblem(v);
  if (bad) throw new JsonError(`${what}: ${bad.path || 'the document'} is ${String(bad.found)}; allowed: ${bad.allowed}`);
  return v as Json;
}

/** JSON with object keys sorted at every level: one string per value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value, 0));
}

function sortKeys(v: unknown, depth: number): unknown {
  if (depth > MAX_JSON_DEPTH) throw new JsonError(`a value nested more than ${MAX_JSON_DEPTH} levels deep cannot be stored`);
  if (Array.isArray(v)) return v.map((x) => sortKeys(x, depth + 1));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k], depth + 1);
    return out;
  }
  return v;
}

/** A deep copy through JSON (what a study stores and reads back). */
export function jsonRoundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
