// nasforge's engine benchmark: a full training step of three reference networks, nasforge and
// PyTorch side by side in the same run, plus the cost of one small op call.
//
//   npm run -s bench:engine [-- --json] [-- --steps 20 --block 5 --warmup 3 --networks a,b]
//   (with --json, stdout holds one JSON object; -s keeps npm's banner out of it)
//   --device cuda times the steps on the GPU (both sides synchronise before reading the clock);
//   --python PATH picks the Python whose PyTorch is the reference (default /usr/bin/python3,
//   installed from Debian when missing; another Python must already have torch).
//
// Each network runs in a fresh nasforge worker (worker.js) and a fresh PyTorch worker
// (reference.py), with the same thread count. The runner alternates them in blocks of
// consecutive steps, so both see the same machine load, and reports the median step time of
// each. The first step after each switch is run but not timed: it pays for the other process
// having evicted caches and put threads to sleep, which a real training loop never sees. The
// report also says how much CPU other processes took during the run: on a shared machine that
// is the noise.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cudaAvailable, getNumThreads, setNumThreads } from '../../src/torch/index.js';
import { DESCRIPTIONS, NETWORKS, type NetworkName, isNetworkName } from './networks.js';
import { Worker, median } from './proc.js';

const DEBIAN_PYTHON = '/usr/bin/python3';
const here = dirname(fileURLToPath(import.meta.url));
const WORKER = resolve(here, 'worker.js');
const REFERENCE = resolve(here, '../../../bench/engine/reference.py');

interface Options {
  json: boolean;
  warmup: number;
  steps: number;
  block: number;
  batch: number;
  threads: number;
  networks: NetworkName[];
  overheadCalls: number;
  device: 'cpu' | 'cuda';
  python: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    json: false,
    warmup: 3,
    steps: 20,
    block: 5,
    batch: 64,
    threads: getNumThreads(),
    networks: [...NETWORKS],
    overheadCalls: 20000,
    device: 'cpu',
    python: DEBIAN_PYTHON,
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
      case '--block':
        o.block = int(a, v, 1);
        i++;
        break;
      case '--batch':
        o.batch = int(a, v, 1);
        i++;
        break;
      case '--threads':
        o.threads = int(a, v, 1);
        i++;
        break;
      case '--overhead-calls':
        o.overheadCalls = int(a, v, 1);
        i++;
        break;
      case '--device':
        if (v !== 'cpu' && v !== 'cuda') throw new RangeError(`--device takes cpu or cuda, got '${v}'`);
        o.device = v;
        i++;
        break;
      case '--python':
        if (!v) throw new RangeError('--python needs the path of a Python interpreter with torch installed');
        o.python = v;
        i++;
        break;
      case '--networks': {
        const names = (v ?? '').split(',').filter(Boolean);
        const bad = names.filter((n) => !isNetworkName(n));
        if (bad.length || !names.length) throw new RangeError(`--networks takes a comma-separated list of ${NETWORKS.join(', ')}; got '${v}'`);
        o.networks = names as NetworkName[];
        i++;
        break;
      }
      default:
        throw new RangeError(
          `unknown option '${a}'; options: --json --warmup N --steps N --block N --batch N --threads N --networks a,b --overhead-calls N --device cpu|cuda --python PATH`,
        );
    }
  }
  return o;
}

/** The PyTorch version the reference Python imports, installing Debian's python3-torch if missing. */
function ensurePyTorch(python: string, device: string, log: (s: string) => void): { version: string; installed: boolean } {
  const probe = (): string | null => {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const found = probe();
  if (found !== null) {
    if (device === 'cuda') {
      const r = spawnSync(python, ['-c', 'import torch; print(torch.cuda.is_available())'], { encoding: 'utf8' });
      if (r.stdout.trim() !== 'True') throw new Error(`${python}'s PyTorch ${found} cannot use CUDA here; pass --python with a CUDA build of PyTorch`);
    }
    return { version: found, installed: false };
  }
  if (python !== DEBIAN_PYTHON) throw new Error(`${python} cannot import torch; install PyTorch for it, or leave out --python to use Debian's`);
  log('PyTorch is missing for /usr/bin/python3: installing Debian python3-torch with apt-get ...');
  const install = (): number | null => spawnSync('apt-get', ['install', '-y', '-q', 'python3-torch'], { stdio: ['ignore', 'ignore', 'inherit'] }).status;
  if (install() !== 0) {
    // a fresh machine may not have the package lists yet
    spawnSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'inherit'] });
    install();
  }
  const version = probe();
  if (version === null) {
    throw new Error('could not install python3-torch (apt-get install -y python3-torch failed); install it, then run the benchmark again');
  }
  log(`installed python3-torch ${version}`);
  return { version, installed: true };
}

interface Row {
  nasforge_ms: number;
  pytorch_ms: number;
  ratio: number;
  nasforge_min_ms: number;
  pytorch_min_ms: number;
  nasforge_rss_mb: number;
  pytorch_rss_mb: number;
  /** every timed step, in run order */
  nasforge_steps_ms: number[];
  pytorch_steps_ms: number[];
}

/** CPU seconds the workers used (they report their own at quit). */
let workerCpuS = 0;

async function finish(w: Worker): Promise<number> {
  const r = await w.ask('quit');
  workerCpuS += r.cpuS as number;
  return r.maxRssMb as number;
}

/** Busy CPU seconds of the whole machine so far (every process), from /proc/stat. */
function machineBusyS(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait
  const busy = f[0]! + f[1]! + f[2]! + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
  return busy / 100; // USER_HZ
}

async function startPair(o: Options, network: string): Promise<[Worker, Worker]> {
  const env = { ...process.env, NASFORGE_THREADS: String(o.threads), OMP_NUM_THREADS: String(o.threads) };
  // the op-overhead probe stays on the CPU: it measures the host-side cost of a call
  const device = network === 'op' ? 'cpu' : o.device;
  const common = ['--network', network, '--threads', String(o.threads), '--batch', String(o.batch), '--device', device];
  const nf = await Worker.start('nasforge', process.execPath, [WORKER, ...common], env);
  const pt = await Worker.start('pytorch', o.python, [REFERENCE, ...common], env);
  return [nf, pt];
}

async function benchNetwork(o: Options, name: NetworkName, log: (s: string) => void): Promise<Row> {
  const [nf, pt] = await startPair(o, name);
  const times: { nf: number[]; pt: number[] } = { nf: [], pt: [] };
  if (o.warmup > 0) {
    await nf.ask(`steps ${o.warmup}`);
    await pt.ask(`steps ${o.warmup}`);
  }
  // Blocks of steps in turn, the first side swapping every round: both see the same load.
  for (let done = 0, round = 0; done < o.steps; round++) {
    const k = Math.min(o.block, o.steps - done);
    const order: [Worker, number[]][] =
      round % 2 === 0
        ? [
            [nf, times.nf],
            [pt, times.pt],
          ]
        : [
            [pt, times.pt],
            [nf, times.nf],
          ];
    for (const [w, into] of order) {
      await w.ask('steps 1'); // re-warm after the switch, untimed
      into.push(...((await w.ask(`steps ${k}`)).times as number[]));
    }
    done += k;
  }
  const row: Row = {
    nasforge_ms: median(times.nf),
    pytorch_ms: median(times.pt),
    ratio: 0,
    nasforge_min_ms: Math.min(...times.nf),
    pytorch_min_ms: Math.min(...times.pt),
    nasforge_rss_mb: await finish(nf),
    pytorch_rss_mb: await finish(pt),
    nasforge_steps_ms: times.nf,
    pytorch_steps_ms: times.pt,
  };
  row.ratio = row.nasforge_ms / row.pytorch_ms;
  log(`${name}: nasforge ${row.nasforge_ms.toFixed(1)} ms, PyTorch ${row.pytorch_ms.toFixed(1)} ms (ratio ${row.ratio.toFixed(3)})`);
  return row;
}

async function benchOverhead(o: Options): Promise<{ nasforge: number; pytorch: number }> {
  const [nf, pt] = await startPair(o, 'op');
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < 5; r++) {
    a.push((await nf.ask(`overhead ${o.overheadCalls}`)).us as number);
    b.push((await pt.ask(`overhead ${o.overheadCalls}`)).us as number);
  }
  await finish(nf);
  await finish(pt);
  // the first round warms up the JIT and caches; the median of the rest is the steady cost
  return { nasforge: median(a.slice(1)), pytorch: median(b.slice(1)) };
}

interface Report {
  threads: number;
  batch: number;
  warmup: number;
  steps: number;
  block: number;
  device: string;
  pytorch_version: string;
  /** true when this run had to install python3-torch with apt-get */
  pytorch_installed: boolean;
  cores: number;
  wall_s: number;
  /** average cores that processes other than this benchmark kept busy during the run */
  other_load_cores: number;
  networks: Record<string, Row>;
  op_overhead_us: { nasforge: number; pytorch: number };
}

function table(r: Report): string {
  const out: string[] = [];
  out.push(`nasforge engine benchmark: training step (forward, cross-entropy backward, SGD momentum), batch ${r.batch}, 3x32x32, 10 classes`);
  if (r.pytorch_installed) out.push(`(PyTorch was missing: this run installed Debian's python3-torch ${r.pytorch_version} with apt-get)`);
  out.push(
    `device ${r.device}, threads ${r.threads} (${r.cores} cores), PyTorch ${r.pytorch_version}; warm-up ${r.warmup} steps, then ${r.steps} timed steps each, alternating in blocks of ${r.block}`,
  );
  out.push(
    `other processes kept ${r.other_load_cores.toFixed(2)} of ${r.cores} cores busy on average during the ${r.wall_s.toFixed(0)} s run${r.other_load_cores > 0.2 ? ' (the machine was shared: expect noise)' : ''}`,
  );
  out.push('');
  const head = ['network', 'nasforge ms', 'PyTorch ms', 'ratio', 'min nasforge', 'min PyTorch', 'RSS MB nasforge', 'RSS MB PyTorch'];
  const body = Object.entries(r.networks).map(([n, x]) => [
    n,
    x.nasforge_ms.toFixed(1),
    x.pytorch_ms.toFixed(1),
    x.ratio.toFixed(3),
    x.nasforge_min_ms.toFixed(1),
    x.pytorch_min_ms.toFixed(1),
    x.nasforge_rss_mb.toFixed(0),
    x.pytorch_rss_mb.toFixed(0),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  out.push(fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt));
  out.push('(ms: median ms per training step; ratio: nasforge / PyTorch medians; RSS: peak resident memory of each worker)');
  out.push('');
  for (const n of Object.keys(r.networks)) out.push(`  ${n}: ${DESCRIPTIONS[n as NetworkName]}`);
  out.push('');
  out.push(
    `op overhead (add of two 1-element tensors, result freed): nasforge ${r.op_overhead_us.nasforge.toFixed(2)} µs, PyTorch ${r.op_overhead_us.pytorch.toFixed(2)} µs`,
  );
  return out.join('\n');
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  setNumThreads(o.threads);
  const log = (s: string): void => {
    process.stderr.write(`${s}\n`);
  };
  if (o.device === 'cuda' && !cudaAvailable()) {
    throw new Error('--device cuda: this libtorch has no usable GPU; build the addon against a CUDA libtorch (LIBTORCH=..., see README)');
  }
  const torch = ensurePyTorch(o.python, o.device, log);
  const t0 = performance.now();
  const busy0 = machineBusyS();
  const self0 = process.cpuUsage();
  const networks: Record<string, Row> = {};
  for (const n of o.networks) networks[n] = await benchNetwork(o, n, log);
  const over = await benchOverhead(o);
  const wall = (performance.now() - t0) / 1000;
  const self = process.cpuUsage(self0);
  const ours = workerCpuS + (self.user + self.system) / 1e6;
  const report: Report = {
    threads: o.threads,
    batch: o.batch,
    warmup: o.warmup,
    steps: o.steps,
    block: o.block,
    device: o.device,
    pytorch_version: torch.version,
    pytorch_installed: torch.installed,
    cores: cpus().length,
    wall_s: wall,
    other_load_cores: Math.max(0, (machineBusyS() - busy0 - ours) / wall),
    networks,
    op_overhead_us: over,
  };
  process.stdout.write(o.json ? `${JSON.stringify(report)}\n` : `${table(report)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:engine failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
