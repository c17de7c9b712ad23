// The NAS-Bench-Macro table (Su et al., CVPR 2021; Apache-2.0): 6,561 archs of the
// `nas-bench-macro` space, each trained three times on CIFAR-10. The file records test
// accuracy only, so a strategy selects by one run's accuracy (seeded, as one training of the
// candidate would give) or by the mean, and the benchmark reports the mean.
import { readFileSync } from 'node:fs';
import { type Genotype, getSpace } from '../spaces/index.js';
import { type Metrics } from '../strategies/index.js';
import { findDataFile } from './data-path.js';
import { TableError } from './errors.js';
import { type TableQuery, type TabularBenchmark, descendingByKey, rankIn } from './table.js';

export const NAS_BENCH_MACRO_FILE = 'nas-bench-macro/nas-bench-macro_cifar10.json';
const NAME = 'nas-bench-macro';

interface MacroEntry {
  test_acc: number[];
  mean_acc: number;
  std: number;
  params: number;
  flops: number;
}

/**
 * Training time is not in the file: it is simulated from the MACs as 200 epochs of 50,000
 * images at 3 × 2 FLOPs per MAC (forward and backward) on a 10 TFLOP/s accelerator.
 */
export function simulatedTrainTime(macs: number): number {
  return (6 * macs * 50_000 * 200) / 1e13;
}

function checkEntry(file: string, arch: string, e: unknown): MacroEntry {
  const x = e as Partial<MacroEntry> | null;
  const ok =
    x !== null &&
    typeof x === 'object' &&
    Array.isArray(x.test_acc) &&
    x.test_acc.length === 3 &&
    x.test_acc.every((v) => typeof v === 'number') &&
    typeof x.mean_acc === 'number' &&
    typeof x.params === 'number' &&
    typeof x.flops === 'number';
  if (!ok || !/^[012]{8}$/.test(arch))
    throw new TableError(`${file}: entry '${arch}' is not a NAS-Bench-Macro record (test_acc[3], mean_acc, params, flops)`, 'invalid-data');
  return x as MacroEntry;
}

export function loadNasBenchMacro(path?: string): TabularBenchmark {
  const file = findDataFile(NAME, NAS_BENCH_MACRO_FILE, path);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new TableError(`${file}: not readable as JSON (${(e as Error).message})`, 'invalid-data');
  }
  const space = getSpace(NAME);
  const entries = new Map<string, MacroEntry>();
  for (const [arch, e] of Object.entries(raw)) entries.set(arch, checkEntry(file, arch, e));
  if (entries.size !== 6561) throw new TableError(`${file}: expected 6,561 architectures, found ${entries.size}`, 'invalid-data');
  const sorted = descendingByKey([...entries].map(([arch, e]) => [space.key({ arch }), e.mean_acc]));

  const entryOf = (g: Genotype): MacroEntry => {
    const { arch } = space.validate(g) as { arch: string };
    const e = entries.get(arch);
    if (!e) throw new TableError(`${NAME}: the table has no entry for '${arch}'`, 'not-in-table');
    return e;
  };

  return {
    name: NAME,
    space,
    file,
    size: entries.size,
    runs: 3,
    optimum: sorted[0]!,
    has: (g) => entries.has((g as { arch?: string }).arch ?? ''),
    query(g: Genotype, q: TableQuery): Metrics {
      const e = entryOf(g);
      if (q.run !== 'mean' && !(Number.isInteger(q.run) && q.run >= 0 && q.run < 3)) {
        throw new TableError(`${NAME}: run must be 0, 1, 2 or 'mean', got ${JSON.stringify(q.run)}`, 'invalid-option');
      }
      return {
        valAccuracy: q.run === 'mean' ? e.mean_acc : e.test_acc[q.run]!,
        testAccuracy: e.mean_acc,
        testAccuracyStd: e.std,
        params: e.params,
        flops: e.flops,
        trainTime: simulatedTrainTime(e.flops),
      };
    },
    reportedAccuracy: (g) => entryOf(g).mean_acc,
    rank: (acc) => rankIn(sorted, acc),
  };
}
