// The tabular benchmarks by name; each file is read once per process and path.
import { didYouMean } from '../util/index.js';
import { TableError } from './errors.js';
import { loadNasBench201 } from './nas-bench-201.js';
import { loadNasBenchMacro } from './nas-bench-macro.js';
import { type TabularBenchmark } from './table.js';

const LOADERS: Readonly<Record<string, (path?: string) => TabularBenchmark>> = {
  'nas-bench-macro': loadNasBenchMacro,
  'nas-bench-201': loadNasBench201,
};

const cache = new Map<string, TabularBenchmark>();

export function tableNames(): string[] {
  return Object.keys(LOADERS);
}

/** The table called `name`, read from `path` (default: found as data-path.ts says). */
export function loadTable(name: string, path?: string): TabularBenchmark {
  const load = LOADERS[name];
  if (!load) {
    const names = tableNames();
    const hint = didYouMean(name, names).replace(/^ Did/, '; did');
    throw new TableError(`unknown table '${name}'${hint || '.'} Known tables: ${names.join(', ')}`, 'unknown-table');
  }
  const id = `${name}\0${path ?? ''}`;
  let table = cache.get(id);
  if (!table) {
    table = load(path);
    cache.set(id, table);
  }
  return table;
}
