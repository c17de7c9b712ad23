// Errors a user (or a strategy) can cause when naming a space, a preset, a genotype or a stack.
// Each says where the bad value is (a path such as "normal[3][1]"), what it was and what is allowed.
import { NasforgeError } from '../../util/index.js';

export type SpaceErrorCode = 'unknown-space' | 'unknown-preset' | 'ambiguous-preset' | 'invalid-genotype' | 'invalid-decisions' | 'invalid-stack';

export class SpaceError extends NasforgeError {
  constructor(
    message: string,
    override readonly code: SpaceErrorCode,
    /** where in the genotype, decision vector or stack the bad value sits ('' when not applicable) */
    readonly path = '',
    /** what would have been accepted there */
    readonly allowed = '',
  ) {
    super(message, code);
    this.name = 'SpaceError';
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** A genotype value that the space cannot build: "<space>: genotype.<path> is X; allowed: Y". */
export function genotypeError(space: string, path: string, value: unknown, allowed: string): SpaceError {
  const at = path ? `genotype.${path}` : 'genotype';
  return new SpaceError(`${space}: ${at} is ${show(value)}; allowed: ${allowed}`, 'invalid-genotype', path, allowed);
}

/** A stack field that the space cannot build with. */
export function stackError(space: string, field: string, value: unknown, allowed: string): SpaceError {
  return new SpaceError(`${space}: stack.${field} is ${show(value)}; allowed: ${allowed}`, 'invalid-stack', field, allowed);
}
