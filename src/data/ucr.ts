// Time series in the UCR archive's layout: one series per line, the class label first, then the
// values, separated by commas, tabs or spaces. Labels (e.g. -1/1 or 1..K) become 0..K-1.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '../torch/index.js';
import { DataError } from './errors.js';
import { type Split } from './fashion-mnist.js';
import { TensorDataset } from './tensor-dataset.js';

export interface UcrCsvOptions {
  /**
   * Label values in class order (a training set's `classNames`), so that a test set gets the
   * same mapping; by default the file's distinct labels, sorted (numerically when all numeric).
   */
  classes?: readonly string[];
  /** Value for missing entries (NaN or empty; variable-length series are padded so); by default they are an error. */
  fillMissing?: number;
  device?: string;
}

interface Parsed {
  labels: string[];
  values: Float32Array;
  length: number;
}

/** A label token in canonical form: "1.0" and "01" are both "1". */
function canonical(tok: string): string {
  const v = Number(tok);
  return tok !== '' && Number.isFinite(v) ? String(v) : tok;
}

function parse(path: string, fill: number | undefined): Parsed {
  if (!existsSync(path)) throw new DataError(`series file ${path} does not exist`, 'missing-data');
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim().length > 0);
  if (lines.length === 0) throw new DataError(`${path} has no rows`, 'invalid-format');
  const labels: string[] = [];
  let length = -1;
  let values = new Float32Array(0);
  lines.forEach((line, r) => {
    const toks = line.trim().split(/\s*[,\t ]\s*/);
    if (length < 0) {
      length = toks.length - 1;
      if (length < 1) throw new DataError(`${path}: row 1 has a label but no values; each row is "label,v1,v2,..."`, 'invalid-format');
      values = new Float32Array(lines.length * length);
    }
    if (toks.length - 1 !== length) {
      throw new DataError(
        `${path}: row ${r + 1} has ${toks.length - 1} values but row 1 has ${length}; series must share one length (pad shorter ones with NaN and pass fillMissing)`,
        'invalid-shape',
      );
    }
    labels.push(canonical(toks[0]!));
    for (let j = 0; j < length; j++) {
      const tok = toks[j + 1]!;
      let v = tok === '' ? NaN : Number(tok);
      if (Number.isNaN(v) && (tok === '' || /^nan$/i.test(tok))) {
        if (fill === undefined)
          throw new DataError(
            `${path}: row ${r + 1} has a missing value at column ${j + 2}; pass fillMissing (e.g. 0) to fill missing values`,
            'invalid-format',
          );
        v = fill;
      } else if (!Number.isFinite(v)) {
        throw new DataError(`${path}: row ${r + 1}, column ${j + 2} is '${tok}', not a number`, 'invalid-format');
      }
      values[r * length + j] = v;
    }
  });
  return { labels, values, length };
}

/** The distinct labels, sorted numerically when all are numbers, else as strings. */
export function sortedLabels(labels: readonly string[]): string[] {
  const distinct = [...new Set(labels)];
  const numeric = distinct.every((l) => Number.isFinite(Number(l)));
  return numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
}

/** A UCR-layout file as series (N, 1, T) float32 with labels 0..K-1; classNames holds the original labels. */
export function ucrCsv(path: string, o: UcrCsvOptions = {}): TensorDataset {
  const p = parse(path, o.fillMissing);
  const classes = o.classes ? o.classes.map(canonical) : sortedLabels(p.labels);
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = new BigInt64Array(p.labels.length);
  p.labels.forEach((l, i) => {
    const k = index.get(l);
    if (k === undefined)
      throw new DataError(`${path}: row ${i + 1} has label '${l}', which is not among the classes [${classes.join(', ')}]`, 'invalid-format');
    y[i] = BigInt(k);
  });
  const n = p.labels.length;
  return new TensorDataset(tensor(p.values, [n, 1, p.length]), tensor(y, [n], { dtype: 'int64' }), {
    numClasses: classes.length,
    classNames: classes,
    device: o.device,
  });
}

function findSplit(root: string, name: string, split: Split): string | null {
  const stem = `${name}_${split.toUpperCase()}`;
  for (const dir of [join(root, name), root]) {
    for (const ext of ['.tsv', '.txt', '.csv', '']) {
      const p = join(dir, stem + ext);
      if (existsSync(p)) return p;
    }
  }
  return null;
}

/**
 * One split of a UCR archive data set, root/<name>/<name>_TRAIN.tsv (or .txt, .csv); the
 * test split takes its label mapping from the training file so both agree.
 */
export function ucr(o: { root: string; name: string; split: Split; fillMissing?: number; device?: string }): TensorDataset {
  if (o.split !== 'train' && o.split !== 'test') throw new DataError(`split must be 'train' or 'test', got '${String(o.split)}'`, 'invalid-option');
  const path = findSplit(o.root, o.name, o.split);
  if (path === null) {
    throw new DataError(
      `${o.name}_${o.split.toUpperCase()}.tsv not found in ${join(o.root, o.name)} or ${o.root}; pass root: the UCR archive folder`,
      'missing-data',
    );
  }
  let classes: string[] | undefined;
  const train = o.split === 'test' ? findSplit(o.root, o.name, 'train') : null;
  if (train !== null) {
    const labels = parse(train, o.fillMissing ?? 0).labels;
    classes = sortedLabels(labels);
  }
  return ucrCsv(path, { classes, fillMissing: o.fillMissing, device: o.device });
}
