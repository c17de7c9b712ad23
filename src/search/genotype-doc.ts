// What a genotype document holds (`--genotype` of inspect, draw, retrain): a bare genotype, or any document nasforge
// prints that names one architecture — `inspect --json`, `best --json`, `search --json`,
// `status --json`, `export`'s genotype.json. The genotype is taken, with the space, stack and
// data set where the document has them; descriptive fields (key, params, metrics, ...) are ignored.
import { type Json, showValue } from '../util/index.js';
import { SearchError } from './errors.js';

/** The shapes `--genotype` takes, for error messages. */
export const GENOTYPE_SHAPES =
  'a genotype object (e.g. {"arch":"22212220"}), or what `nasforge inspect --json`, `best --json`, ' +
  '`search --json` or `status --json` prints, or `export`\'s genotype.json (an object with a "genotype" field and the "space")';

export interface GenotypeDocument {
  /** the genotype, not yet validated by its space */
  readonly genotype: Json;
  /** the space the document names, if any */
  readonly space?: string;
  /**
   * The stack the document names: a study's search stack (`kind` 'study'), or the network as
   * described (`inspect --json`, or a hand-written {space, genotype, stack}).
   */
  readonly stack?: Readonly<Record<string, Json>>;
  /** the data set a study searched on */
  readonly dataset?: { readonly name: string; readonly root?: string };
  /** 'study': printed from a study (best, search, status, export); 'described': any other document with a genotype field; 'bare': the genotype alone */
  readonly kind: 'study' | 'described' | 'bare';
  /** where it came from, for messages: a file name, 'stdin' or 'the --genotype argument' */
  readonly from: string;
}

const show = showValue;

const isObject = (v: unknown): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Fields of nasforge's documents that a genotype never has at its top level. */
const DOCUMENT_FIELDS = ['space', 'study', 'key', 'stack', 'metrics', 'score', 'best', 'trial', 'number', 'params', 'macs', 'counts'];

function spaceField(v: unknown, from: string, field: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v === '') throw new SearchError(`${from}: "${field}" is ${show(v)}; it must be the name of a search space`, 'invalid-document');
  return v;
}

function stackField(v: unknown, from: string, field: string): Record<string, Json> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v))
    throw new SearchError(`${from}: "${field}" is ${show(v)}; it must be an object of stack fields (e.g. {"cells":8,"channels":16})`, 'invalid-document');
  return { ...v };
}

function datasetField(v: unknown): GenotypeDocument['dataset'] {
  if (typeof v === 'string' && v !== '') return { name: v };
  if (isObject(v) && typeof v.name === 'string') return { name: v.name, ...(typeof v.root === 'string' ? { root: v.root } : {}) };
  return undefined;
}

function genotypeField(v: unknown, from: string, field: string): Json {
  if (!isObject(v)) throw new SearchError(`${from}: "${field}" is ${show(v)}; it must be a genotype object (e.g. {"arch":"22212220"})`, 'invalid-document');
  return v;
}

/** The genotype (and space, stack, data set) of a parsed document; a clear error for any other shape. */
export function genotypeDocument(data: unknown, from: string): GenotypeDocument {
  if (Array.isArray(data)) {
    throw new SearchError(
      `${from} holds a list of ${data.length} item${data.length === 1 ? '' : 's'} (as \`nasforge trials --json\` prints), not one architecture; ` +
        `give one trial's document (\`nasforge best --json\`, or \`nasforge export --trial N\`'s genotype.json). Expected ${GENOTYPE_SHAPES}`,
      'invalid-document',
    );
  }
  if (!isObject(data)) throw new SearchError(`${from} holds ${show(data)}, not a genotype; expected ${GENOTYPE_SHAPES}`, 'invalid-document');
  if ('genotype' in data) {
    // inspect --json, best --json, export's genotype.json, or a hand-written {space, genotype}
    const study = 'study' in data;
    return {
      genotype: genotypeField(data.genotype, from, 'genotype'),
      space: spaceField(data.space, from, 'space'),
      stack: stackField(data.stack, from, 'stack'),
      dataset: study ? datasetField(data.dataset) : undefined,
      kind: study ? 'study' : 'described',
      from,
    };
  }
  if ('best' in data) {
    // search --json ({study, space, stack, best: {...}}) or status --json ({study, config, best})
    const best = data.best;
    if (best === null)
      throw new SearchError(
        `${from} is a study's document whose study has no complete trial yet ("best" is null); run the search further, or give another genotype`,
        'invalid-document',
      );
    if (!isObject(best) || !('genotype' in best))
      throw new SearchError(`${from}: "best" is ${show(best)}; expected a trial with a "genotype" field. Expected ${GENOTYPE_SHAPES}`, 'invalid-document');
    const config = isObject(data.config) ? data.config : {};
    return {
      genotype: genotypeField(best.genotype, from, 'best.genotype'),
      space: spaceField(data.space ?? config.space, from, 'space'),
      stack: stackField(data.stack ?? config.stack, from, 'stack'),
      dataset: datasetField(data.dataset ?? config.dataset),
      kind: 'study',
      from,
    };
  }
  const fields = Object.keys(data).filter((k) => DOCUMENT_FIELDS.includes(k));
  if (fields.length > 0) {
    throw new SearchError(
      `${from} has ${fields.map((k) => `"${k}"`).join(', ')} but no "genotype" field, so it is neither a genotype nor a nasforge document; expected ${GENOTYPE_SHAPES}`,
      'invalid-document',
    );
  }
  return { genotype: data, kind: 'bare', from };
}

/**
 * The space of a document: the one it names, else `flag` (`--space`). A document naming another
 * space than `flag` is refused, as is a bare genotype without `flag`.
 */
export function documentSpace(doc: GenotypeDocument, flag: string | undefined): string {
  if (doc.space !== undefined && flag !== undefined && doc.space !== flag) {
    throw new SearchError(
      `--space ${flag} conflicts with ${doc.from}, which holds a genotype of the space '${doc.space}'; give --space ${doc.space} (or none, where it is optional), or a genotype of '${flag}'`,
      'invalid-document',
    );
  }
  const name = doc.space ?? flag;
  if (name === undefined) throw new SearchError(`${doc.from} holds a bare genotype, which does not say its space; pass --space NAME`, 'invalid-document');
  return name;
}
