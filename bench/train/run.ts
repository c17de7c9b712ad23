// nasforge's training-throughput benchmark: images per second of FULL training (data loader,
// augmentation, forward, backward, clipping, optimiser) for the reference workloads, nasforge
// and PyTorch (torch.utils.data.DataLoader + torchvision per-sample transforms, num_workers=0)
// side by side in the same run. Goal: nasforge ≥ 0.95 × PyTorch's images/s.
//
//   npm run bench:train [-- --json] [-- --steps 20 --warmup 3 --rounds 4 --workloads a,b --threads N --omp-wait PASSIVE|ACTIVE]
//
// Each workload runs in a fresh nasforge worker (worker.js) and a fresh PyTorch worker
// (reference_train.py) with the same thread count; the runner alternates them in rounds so that
// both see the same machine load, and reports throughput from the median step time of each.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getNumThreads } from '../../src/torch/index.js';
import { LineWorker } from './proc.js';
import { DESCRIPTIONS, WORKLOADS, type WorkloadName, batchSize, isWorkloadName } from './workloads.js';

const PYTHON = '/usr/bin/python3';
const here = dirname(fileURLToPath(import.meta.url));
const WORKER = resolve(here, 'worker.js');
const REFERENCE = resolve(here, '../../../bench/train/reference_train.py');

interface Options {
  json: boolean;
  warmup: number;
  steps: number;
  rounds: number;
  threads: number;
  workloads: WorkloadName[];
  /** OMP_WAIT_POLICY for both workers; nasforge sets PASSIVE when it is unset (src/torch/native.ts), so both get that by default */
  ompWait: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    json: false,
    warmup: 3,
    steps: 20,
    rounds: 4,
    threads: getNumThreads(),
    workloads: [...WORKLOADS],
    ompWait: process.env.OMP_WAIT_POLICY ?? 'PASSIVE',
  };
  const int = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new RangeError(`${flag} needs an integer ≥ ${min}, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    switch (a) {
      case '--json':
        o.json = true;
        break;
      case '--warmup':
        o.warmup = int(a, v, 0);
        i++;
        break;
      case '--steps':
        o.steps = int(a, v, 1);
        i++;
        break;
      case '--rounds':
        o.rounds = int(a, v, 1);
        i++;
        break;
      case '--threads':
        o.threads = int(a, v, 1);
        i++;
        break;
      case '--omp-wait': {
        const p = (v ?? '').toUpperCase();
        if (p !== 'PASSIVE' && p !== 'ACTIVE') throw new RangeError(`--omp-wait takes PASSIVE or ACTIVE, got '${v}'`);
        o.ompWait = p;
        i++;
        break;
      }
      case '--workloads': {
        const names = (v ?? '').split(',').filter(Boolean);
        const bad = names.filter((n) => !isWorkloadName(n));
        if (bad.length || !names.length) throw new RangeError(`--workloads takes a comma-separated list of ${WORKLOADS.join(', ')}; got '${v}'`);
        o.workloads = names as WorkloadName[];
        i++;
        break;
      }
      default:
        throw new RangeError(`unknown option '${a}'; options: --json --steps K --warmup N --rounds N --threads N --workloads a,b --omp-wait PASSIVE|ACTIVE`);
    }
  }
  return o;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The PyTorch and torchvision versions of /usr/bin/python3, installing Debian's packages if missing. */
function ensurePyTorch(log: (s: string) => void): string {
  const probe = (): string | null => {
    const r = spawnSync(PYTHON, ['-c', 'import torch, torchvision; print(torch.__version__, torchvision.__version__)'], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  let v = probe();
  if (v === null) {
    log('PyTorch or torchvision is missing for /usr/bin/python3: installing Debian python3-torch and python3-torchvision with apt-get (once) ...');
    const install = (): number | null =>
      spawnSync('apt-get', ['install', '-y', '-q', 'python3-torch', 'python3-torchvision'], { stdio: ['ignore', 'ignore', 'inherit'] }).status;
    if (install() !== 0) {
      spawnSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'inherit'] }); // a fresh machine may lack package lists
      install();
    }
    v = probe();
    if (v === null)
      throw new Error(
        'could not install python3-torch and python3-torchvision (apt-get install -y python3-torch python3-torchvision); install them, then run the benchmark again',
      );
  }
  const [torch, vision] = v.split(' ');
  return `PyTorch ${torch}, torchvision ${vision}`;
}

interface Side {
  img_s: number;
  /** median ms per step: all of it, getting the batch (loader + augmentation), and the rest (the training step) */
  step_ms: number;
  data_ms: number;
  train_ms: number;
  rss_mb: number;
}

interface Row {
  batch: number;
  params: number;
  nasforge: Side;
  pytorch: Side;
  ratio: number;
}

function side(batch: number, total: number[], data: number[], rss: number): Side {
  const step = median(total);
  const d = median(data);
  return { img_s: (batch * 1000) / step, step_ms: step, data_ms: d, train_ms: median(total.map((t, i) => t - data[i]!)), rss_mb: rss };
}

async function benchWorkload(o: Options, name: WorkloadName, log: (s: string) => void): Promise<Row> {
  const env = { ...process.env, NASFORGE_THREADS: String(o.threads), OMP_NUM_THREADS: String(o.threads), OMP_WAIT_POLICY: o.ompWait };
  const common = ['--workload', name, '--threads', String(o.threads)];
  const [nf, nfReady] = await LineWorker.start('nasforge', process.execPath, [WORKER, ...common], env);
  let pt: LineWorker | null = null;
  try {
    const started = await LineWorker.start('pytorch', PYTHON, [REFERENCE, ...common], env);
    pt = started[0];
    if (started[1].params !== nfReady.params) {
      throw new Error(
        `${name}: the nasforge network has ${String(nfReady.params)} parameters but the PyTorch one has ${String(started[1].params)}; the two definitions differ`,
      );
    }
    const got = { nf: { total: [] as number[], data: [] as number[] }, pt: { total: [] as number[], data: [] as number[] } };
    if (o.warmup > 0) {
      await nf.ask(`steps ${o.warmup}`);
      await pt.ask(`steps ${o.warmup}`);
    }
    const rounds = Math.min(o.rounds, o.steps);
    for (let r = 0; r < rounds; r++) {
      const k = Math.floor(o.steps / rounds) + (r < o.steps % rounds ? 1 : 0);
      // alternate which side goes first, so that neither always runs right after the other
      const order: [LineWorker, typeof got.nf][] =
        r % 2 === 0
          ? [
              [nf, got.nf],
              [pt, got.pt],
            ]
          : [
              [pt, got.pt],
              [nf, got.nf],
            ];
      for (const [w, into] of order) {
        const res = await w.ask(`steps ${k}`);
        into.total.push(...(res.total as number[]));
        into.data.push(...(res.data as number[]));
      }
    }
    const batch = batchSize(name);
    const nfSide = side(batch, got.nf.total, got.nf.data, await nf.quit());
    const ptSide = side(batch, got.pt.total, got.pt.data, await pt.quit());
    const row: Row = { batch, params: nfReady.params as number, nasforge: nfSide, pytorch: ptSide, ratio: nfSide.img_s / ptSide.img_s };
    log(`${name}: nasforge ${nfSide.img_s.toFixed(0)} img/s, PyTorch ${ptSide.img_s.toFixed(0)} img/s (ratio ${row.ratio.toFixed(3)})`);
    return row;
  } finally {
    nf.kill();
    pt?.kill();
  }
}

function table(o: Options, versions: string, rows: Record<string, Row>, load: number[]): string {
  const out: string[] = [];
  out.push('nasforge training-throughput benchmark: full training steps (loader, augmentation, forward, backward, optimiser)');
  out.push(
    `threads ${o.threads} (${cpus().length} cores), ${versions}; warm-up ${o.warmup} steps, median of ${o.steps} steps per side, alternating in ${Math.min(o.rounds, o.steps)} rounds; OMP_WAIT_POLICY ${o.ompWait}; load average at start ${load.map((x) => x.toFixed(2)).join(' ')}`,
  );
  out.push('');
  const head = ['workload', 'batch', 'nasforge img/s', 'PyTorch img/s', 'ratio', 'nf data/train ms', 'pt data/train ms', 'nf RSS MB', 'pt RSS MB'];
  const split = (s: Side): string => `${s.data_ms.toFixed(1)} / ${s.train_ms.toFixed(1)}`;
  const body = Object.entries(rows).map(([n, r]) => [
    n,
    String(r.batch),
    r.nasforge.img_s.toFixed(0),
    r.pytorch.img_s.toFixed(0),
    r.ratio.toFixed(3),
    split(r.nasforge),
    split(r.pytorch),
    r.nasforge.rss_mb.toFixed(0),
    r.pytorch.rss_mb.toFixed(0),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  out.push(fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt));
  out.push('');
  for (const n of Object.keys(rows)) out.push(`  ${n}: ${DESCRIPTIONS[n as WorkloadName]}`);
  out.push(
    '  ratio = nasforge img/s ÷ PyTorch img/s (higher is better; goal ≥ 0.95); data = median ms to get an augmented batch, train = the rest of the step',
  );
  return out.join('\n');
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const log = (s: string): void => {
    process.stderr.write(`${s}\n`);
  };
  const load = loadavg();
  const versions = ensurePyTorch(log);
  const rows: Record<string, Row> = {};
  for (const n of o.workloads) rows[n] = await benchWorkload(o, n, log);
  if (o.json) {
    process.stdout.write(
      `${JSON.stringify({
        threads: o.threads,
        cores: cpus().length,
        warmup: o.warmup,
        steps: o.steps,
        rounds: Math.min(o.rounds, o.steps),
        omp_wait_policy: o.ompWait,
        versions,
        load_average: load,
        workloads: rows,
      })}\n`,
    );
  } else {
    process.stdout.write(`${table(o, versions, rows, load)}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:train failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
