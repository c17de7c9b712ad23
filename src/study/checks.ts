// Checks on values a study stores: metrics are finite numbers (JSON has no NaN, and a NaN
// loss is a failed trial, not a result), genotypes and configs plain JSON of bounded depth (a
// 10,000-deep document is refused here, not a stack overflow in JSON.stringify).
import { checkPlainJson } from '../spaces/core/index.js';
import { type Json, canonicalJson, plainJsonProblem } from '../util/index.js';
import { type Metrics } from '../strategies/index.js';
import { StudyError, type StudyErrorCode } from './errors.js';

/** A short, depth-safe picture of a value for an error message. */
export function preview(v: unknown): string {
  if (v !== null && typeof v === 'object' && plainJsonProblem(v)?.found === '[nested too deeply]') return '[a value nested too deeply]';
  try {
    return JSON.stringify(v)?.slice(0, 80) ?? String(v);
  } catch {
    return `[${typeof v}]`;
  }
}

export function checkMetrics(metrics: unknown, what: string): Metrics {
  if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) {
    throw new StudyError(`${what}: metrics must be an object of name → number, got ${preview(metrics)}`, 'invalid-trial');
  }
  for (const [k, v] of Object.entries(metrics)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      const shown = typeof v === 'number' ? String(v) : preview(v);
      throw new StudyError(`${what}: metric '${k}' is ${shown}, not a finite number (a diverged training gives NaN: lower the learning rate)`, 'invalid-trial');
    }
  }
  return metrics as Metrics;
}

/** The genotype as canonical JSON text (throws StudyError when it is not plain JSON). */
export function genotypeText(genotype: unknown, what: string): string {
  try {
    checkPlainJson('study', genotype);
  } catch (e) {
    throw new StudyError(`${what}: the genotype is not plain JSON (${(e as Error).message})`, 'invalid-trial');
  }
  return canonicalJson(genotype as Json);
}

/** Any other stored document (a config, a strategy state) as canonical JSON text, or a StudyError with `code`. */
export function jsonText(value: unknown, what: string, code: StudyErrorCode): string {
  const bad = plainJsonProblem(value);
  if (bad) throw new StudyError(`${what}: ${bad.path || 'the document'} is ${preview(bad.found)}; allowed: ${bad.allowed}`, code);
  return canonicalJson(value);
}
