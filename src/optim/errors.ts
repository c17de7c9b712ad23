import { NasforgeError } from '../util/index.js';

/** A mistake in how an optimiser, schedule or clipping is configured or restored. */
export class OptimizerError extends NasforgeError {
  constructor(message: string) {
    super(message, 'invalid-optimizer');
    this.name = 'OptimizerError';
  }
}

/** Throws unless `value` is a finite number within [min, max] (`max` exclusive when `open`). */
export function checkRange(what: string, value: unknown, min: number, max = Infinity, open = false): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && (open ? value < max : value <= max);
  if (!ok) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}${open ? ')' : ']'}`;
    throw new OptimizerError(`${what} must be a finite number ${range}, got ${String(value)}`);
  }
}
