// nasforge's engine benchmark: a full training step of three reference networks, nasforge and
// PyTorch side by side in the same run, plus the cost of one small op call.
//
//   npm run bench:engine [-- --json] [-- --steps 15 --warmup 3 --networks a,b]
//
// Each network runs in a fresh nasforge worker (worker.js) and a fresh PyTorch worker
// (reference.py), with the same thread count; the runner alternates them step by step so that
// both see the same machine load, and reports the median step time of each. It also reports
// how much CPU other processes took during the run: on a shared machine that is the noise.
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { getNumThreads, setNumThreads } from '../../src/torch/index.js';
import { DESCRIPTIONS, NETWORKS, type NetworkName, isNetworkName } from './networks.js';

const PYTHON = '/usr/bin/python3';
const here = dirname(fileURLToPath(import.meta.url));
const WORKER = resolve(here, 'worker.js');
const REFERENCE = resolve(here, '../../../bench/engine/reference.py');

interface Options {
  json: boolean; warmup: number; steps: number; batch: number;
  threads: number; networks: NetworkName[]; overheadCalls: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    json: false, warmup: 3, steps: 15, batch: 64, threads: getNumThreads(),
    networks: [...NETWORKS], overheadCalls: 20000,
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
      case '--json': o.json = true; break;
      case '--warmup': o.warmup = int(a, v, 0); i++; break;
      case '--steps': o.steps = int(a, v, 1); i++; break;
      case '--batch': o.batch = int(a, v, 1); i++; break;
      case '--threads': o.threads = int(a, v, 1); i++; break;
      case '--overhead-calls': o.overheadCalls = int(a, v, 1); i++; break;
      case '--networks': {
        const names = (v ?? '').split(',').filter(Boolean);
        const bad = names.filter((n) => !isNetworkName(n));
        if (bad.length || !names.length) throw new RangeError(`--networks takes a comma-separated list of ${NETWORKS.join(', ')}; got '${v}'`);
        o.networks = names as NetworkName[];
        i++;
        break;
      }
      default:
        throw new RangeError(`unknown option '${a}'; options: --json --warmup N --steps N --batch N --threads N --networks a,b --overhead-calls N`);
    }
  }
  return o;
}

/** A worker process answering one JSON line per command. */
class Worker {
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | null = null;
  private stderr = '';

  private constructor(readonly label: string, private readonly proc: ChildProcessWithoutNullStreams) {
    createInterface({ input: proc.stdout }).on('line', (l) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(l);
      } else {
        this.lines.push(l);
      }
    });
    proc.stderr.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    proc.on('exit', (code) => {
      if (this.waiting) this.waiting(JSON.stringify({ error: `${label} worker exited with code ${code}: ${this.stderr.trim().slice(-2000)}` }));
    });
  }

  static async start(label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Worker> {
    const w = new Worker(label, spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] }));
    await w.read();
    return w;
  }

  private read(): Promise<Record<string, unknown>> {
    const got = this.lines.shift();
    const parse = (l: string): Record<string, unknown> => {
      const o = JSON.parse(l) as Record<string, unknown>;
      if (typeof o.error === 'string') throw new Error(`${this.label}: ${o.error}`);
      return o;
    };
    if (got !== undefined) return Promise.resolve(parse(got));
    return new Promise((res, rej) => {
      this.waiting = (l) => { try { res(parse(l)); } catch (e) { rej(e); } };
    });
  }

  async ask(cmd: string): Promise<Record<string, unknown>> {
    this.proc.stdin.write(`${cmd}\n`);
    return this.read();
  }

  async quit(): Promise<number> {
    const r = await this.ask('quit');
    return r.maxRssMb as number;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function ensurePyTorch(log: (s: string) => void): string {
  const probe = (): string | null => {
    const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  let v = probe();
  if (v === null) {
    log('PyTorch is missing for /usr/bin/python3: installing Debian python3-torch with apt-get (once) ...');
    const install = (): number | null =>
      spawnSync('apt-get', ['install', '-y', '-q', 'python3-torch'], { stdio: ['ignore', 'ignore', 'inherit'] }).status;
    let status = install();
    if (status !== 0) {
      // a fresh machine may not have the package lists yet
      spawnSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'inherit'] });
      status = install();
    }
    const r = { status };
    v = probe();
    if (r.status !== 0 || v === null) {
      throw new Error('could not install python3-torch (apt-get install -y python3-torch failed); install it, then run the benchmark again');
    }
    log(`installed python3-torch ${v}`);
  }
  return v;
}

interface Row {
  nasforge_ms: number; pytorch_ms: number; ratio: number;
  nasforge_min_ms: number; pytorch_min_ms: number;
  nasforge_rss_mb: number; pytorch_rss_mb: number;
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
  const common = ['--network', network, '--threads', String(o.threads), '--batch', String(o.batch)];
  const nf = await Worker.start('nasforge', process.execPath, [WORKER, ...common], env);
  const pt = await Worker.start('pytorch', PYTHON, [REFERENCE, ...common], env);
  return [nf, pt];
}

async function benchNetwork(o: Options, name: NetworkName, log: (s: string) => void): Promise<Row> {
  const [nf, pt] = await startPair(o, name);
  const times: { nf: number[]; pt: number[] } = { nf: [], pt: [] };
  if (o.warmup > 0) {
    await nf.ask(`steps ${o.warmup}`);
    await pt.ask(`steps ${o.warmup}`);
  }
  // One step each in turn, the first side swapping every pair: both see the same load.
  for (let i = 0; i < o.steps; i++) {
    const order: [Worker, number[]][] = i % 2 === 0 ? [[nf, times.nf], [pt, times.pt]] : [[pt, times.pt], [nf, times.nf]];
    for (const [w, into] of order) into.push(...((await w.ask('steps 1')).times as number[]));
  }
  const row: Row = {
    nasforge_ms: median(times.nf), pytorch_ms: median(times.pt), ratio: 0,
    nasforge_min_ms: Math.min(...times.nf), pytorch_min_ms: Math.min(...times.pt),
    nasforge_rss_mb: await finish(nf), pytorch_rss_mb: await finish(pt),
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
  threads: number; batch: number; warmup: number; steps: number; pytorch_version: string;
  cores: number; wall_s: number;
  /** average cores that processes other than this benchmark kept busy during the run */
  other_load_cores: number;
  networks: Record<string, Row>;
  op_overhead_us: { nasforge: number; pytorch: number };
}

function table(r: Report): string {
  const out: string[] = [];
  out.push(`nasforge engine benchmark: training step (forward, cross-entropy backward, SGD momentum), batch ${r.batch}, 3x32x32, 10 classes`);
  out.push(`threads ${r.threads} (${r.cores} cores), PyTorch ${r.pytorch_version}; warm-up ${r.warmup} steps, then ${r.steps} steps each, alternating step by step`);
  out.push(`other processes kept ${r.other_load_cores.toFixed(2)} of ${r.cores} cores busy on average during the ${r.wall_s.toFixed(0)} s run${r.other_load_cores > 0.2 ? ' (the machine was shared: expect noise)' : ''}`);
  out.push('');
  const head = ['network', 'nasforge ms', 'PyTorch ms', 'ratio', 'min nasforge', 'min PyTorch', 'RSS MB nasforge', 'RSS MB PyTorch'];
  const body = Object.entries(r.networks).map(([n, x]) => [n, x.nasforge_ms.toFixed(1), x.pytorch_ms.toFixed(1), x.ratio.toFixed(3),
    x.nasforge_min_ms.toFixed(1), x.pytorch_min_ms.toFixed(1), x.nasforge_rss_mb.toFixed(0), x.pytorch_rss_mb.toFixed(0)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  out.push(fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt));
  out.push('(ms: median ms per training step; ratio: nasforge / PyTorch medians; RSS: peak resident memory of each worker)');
  out.push('');
  for (const n of Object.keys(r.networks)) out.push(`  ${n}: ${DESCRIPTIONS[n as NetworkName]}`);
  out.push('');
  out.push(`op overhead (add of two 1-element tensors, result freed): nasforge ${r.op_overhead_us.nasforge.toFixed(2)} µs, PyTorch ${r.op_overhead_us.pytorch.toFixed(2)} µs`);
  return out.join('\n');
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  setNumThreads(o.threads);
  const log = (s: string): void => { process.stderr.write(`${s}\n`); };
  const torchVersion = ensurePyTorch(log);
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
    threads: o.threads, batch: o.batch, warmup: o.warmup, steps: o.steps, pytorch_version: torchVersion,
    cores: cpus().length, wall_s: wall, other_load_cores: Math.max(0, (machineBusyS() - busy0 - ours) / wall),
    networks, op_overhead_us: over,
  };
  process.stdout.write(o.json ? `${JSON.stringify(report)}\n` : `${table(report)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:engine failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
