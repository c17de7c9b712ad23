// A genotype must be plain JSON (util/json.ts): this says where it is not, as the space's error.
import { plainJsonProblem } from '../../util/index.js';
import { genotypeError } from './errors.js';

/** Throws SpaceError('invalid-genotype') unless `value` is plain JSON data of bounded depth. */
export function checkPlainJson(space: string, value: unknown, path = ''): void {
  const bad = plainJsonProblem(value, path);
  if (bad) throw genotypeError(space, bad.path, bad.found, bad.allowed);
}
