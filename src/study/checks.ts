// Checks on values a study stores: metrics are finite numbers (JSON has no NaN, and a NaN
// loss is a failed trial, not a result), genotypes plain JSON.
import { checkPlainJson } from '../spaces/core/index.js';
import { type Json, canonicalJson } from '../util/index.js';
import { type Metrics } from '../strategies/index.js';
import { StudyError } from './errors.js';

export function checkMetrics(metrics: unknown, what: string): Metrics {
  if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) {
    throw new StudyError(`${what}: metrics must be an object of name → number, got ${JSON.stringify(metrics)?.slice(0, 80)}`, 'invalid-trial');
  }
  for (const [k, v] of Object.entries(metrics)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new StudyError(`${what}: metric '${k}' is ${String(v)}, not a finite number (a diverged training gives NaN: lower the learning rate)`, 'invalid-trial');
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
