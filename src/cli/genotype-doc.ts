// `--genotype FILE|-|JSON` (inspect, draw, retrain): the argument read as a file, stdin or inline
// JSON, then read as a genotype document by the search facade.
import { readFileSync } from 'node:fs';
import { GENOTYPE_SHAPES, documentSpace, genotypeDocument } from '../search/index.js';
import { type Json, JsonError, parseJson } from '../util/index.js';
import { UserError } from './errors.js';

export { documentSpace, genotypeDocument } from '../search/index.js';

/**
 * Reads `--genotype`'s argument: inline JSON (starts with '{' or '['), '-' for stdin, else a file.
 * `flag` names the option in messages.
 */
export function readGenotypeArg(arg: string, flag = '--genotype'): { data: unknown; from: string } {
  const text = arg.trim();
  const inline = text.startsWith('{') || text.startsWith('[');
  const from = inline ? `the ${flag} argument` : arg === '-' ? 'stdin' : arg;
  let raw: string;
  if (inline) {
    raw = arg;
  } else {
    try {
      raw = readFileSync(arg === '-' ? 0 : arg, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UserError(
        code === 'ENOENT'
          ? `${flag}: no file '${arg}' (give a JSON file, '-' for stdin, or the JSON itself in quotes)`
          : `${flag}: cannot read ${from}: ${(e as Error).message}`,
      );
    }
  }
  try {
    return { data: parseJson(raw, from), from };
  } catch (e) {
    if (e instanceof JsonError) throw new UserError(`${flag}: ${e.message}; expected ${GENOTYPE_SHAPES}`);
    throw e;
  }
}

/** Reads `--genotype`'s argument and checks it names a genotype of `space` (inspect and draw, whose --space is required). */
export function readGenotype(arg: string, space: string): Json {
  const { data, from } = readGenotypeArg(arg);
  const doc = genotypeDocument(data, from);
  documentSpace(doc, space);
  return doc.genotype;
}
