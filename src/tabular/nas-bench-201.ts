// The NAS-Bench-201 table, CIFAR-10 under the "cifar10-valid" protocol (Dong & Yang, ICLR
// 2020; accuracies via NAS-Landscapes, MIT; latencies via HW-NAS-Bench/HELP, MIT): 15,625 cells
// with train/valid/test accuracy averaged over the benchmark's seeds, training time, and batch-1
// latency on eight devices. Strategies select by validation accuracy; benchmarks report test.
import { readFileSync } from 'node:fs';
import { type Genotype } from '../spaces/index.js';
import { type Metrics } from '../strategies/index.js';
import { findDataFile } from './data-path.js';
import { TableError } from './errors.js';
import { nasBench201 } from '../spaces/index.js';

const { nb201Space } = nasBench201;
import { type TableQuery, type TabularBenchmark, descendingByKey, rankIn } from './table.js';

export const NAS_BENCH_201_FILE = 'nas-bench-201/nb201-cifar10-valid.csv';
export const NB201_DEVICES = ['raspi4', 'pixel3', 'fpga', 'eyeriss', 'gold_6226', 'silver_4114', 'titan_rtx_1', '1080ti_1'] as const;
const NAME = 'nas-bench-201';

const COLUMNS: Record<string, string> = {
  train_acc: 'trainAccuracy',
  valid_acc: 'valAccuracy',
  test_acc: 'testAccuracy',
  train_time_s: 'trainTime',
  ...Object.fromEntries(NB201_DEVICES.map((d) => [`latency_ms_${d}`, `latencyMs_${d}`])),
};

export function loadNasBench201(path?: string): TabularBenchmark {
  const file = findDataFile(NAME, NAS_BENCH_201_FILE, path);
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  const header = lines[0]?.split(',') ?? [];
  const archAt = header.indexOf('arch');
  const wanted = Object.keys(COLUMNS).map((c) => [header.indexOf(c), COLUMNS[c]!, c] as const);
  const missing = wanted.filter(([i]) => i < 0).map(([, , c]) => c);
  if (archAt < 0 || missing.length)
    throw new TableError(`${file}: missing column(s) ${['arch', ...missing].filter((c) => c !== 'arch' || archAt < 0).join(', ')}`, 'invalid-data');
  const entries = new Map<string, Metrics>();
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r]!.split(',');
    const metrics: Record<string, number> = {};
    for (const [i, name, col] of wanted) {
      const v = Number(cells[i]);
      if (!Number.isFinite(v)) throw new TableError(`${file}: line ${r + 1}: ${col} is '${cells[i]}', not a number`, 'invalid-data');
      metrics[name] = v;
    }
    entries.set(cells[archAt]!, metrics);
  }
  if (entries.size !== 15625) throw new TableError(`${file}: expected 15,625 cells, found ${entries.size}`, 'invalid-data');
  const sorted = descendingByKey([...entries].map(([arch, m]) => [arch, m.testAccuracy!]));

  const entryOf = (g: Genotype): Metrics => {
    const { arch } = nb201Space.validate(g);
    const e = entries.get(arch);
    if (!e) throw new TableError(`${NAME}: the table has no entry for '${arch}'`, 'not-in-table');
    return e;
  };

  return {
    name: NAME,
    space: nb201Space,
    file,
    size: entries.size,
    runs: 1,
    optimum: sorted[0]!,
    has: (g) => entries.has((g as { arch?: string }).arch ?? ''),
    query(g: Genotype, q: TableQuery): Metrics {
      if (q.run !== 'mean') {
        throw new TableError(`${NAME}: the table holds accuracies averaged over seeds only; query it with run 'mean'`, 'invalid-option');
      }
      return { ...entryOf(g) };
    },
    reportedAccuracy: (g) => entryOf(g).testAccuracy!,
    rank: (acc) => rankIn(sorted, acc),
  };
}
