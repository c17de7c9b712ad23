// nasforge's one-shot benchmark: one search step of DARTS (first and second order) and GDAS,
// nasforge beside the authors' own PyTorch code (Debian's python3-torch), same machine, same
// run, same thread count, each side in its own process (peak RSS = its VmHWM).
//
//   node dist/bench/oneshot/run.js --darts-git DIR --gdas-git DIR [--size proxy|paper|both]
//        [--methods darts1,darts2,gdas] [--warmup 1] [--steps 2] [--threads 2] [--json]
//   (or NASFORGE_DARTS_GIT / NASFORGE_GDAS_GIT in the environment)
//
// DIR is a git directory of github.com/quark0/darts and of github.com/D-X-Y/AutoDL-Projects
// (e.g. a `git clone --bare`): the files the reference needs are extracted with
// `git --git-dir DIR show HEAD:path` into a temporary folder; none of their code is committed here.
// Sizes: paper = 8 cells, 16 channels; proxy = 5 cells, 8 channels; batch 64 of 3x32x32, 10 classes.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { METHODS } from './args.js';
import { STEP_FORWARDS, supernetForwardFlops } from './flops.js';

const PYTHON = '/usr/bin/python3';
const here = dirname(fileURLToPath(import.meta.url));
const WORKER = resolve(here, 'worker.js');
const REFERENCE = resolve(here, '../../../bench/oneshot/reference.py');
const SIZES = { proxy: { cells: 5, channels: 8 }, paper: { cells: 8, channels: 16 } } as const;
type SizeName = keyof typeof SIZES;
type Method = (typeof METHODS)[number];

const DARTS_FILES = ['cnn/model_search.py', 'cnn/architect.py', 'cnn/operations.py', 'cnn/genotypes.py'];
const GDAS_FILES = [
  'xautodl/models/cell_operations.py',
  'xautodl/models/cell_searchs/search_cells.py',
  'xautodl/models/cell_searchs/search_model_gdas_nasnet.py',
];

interface Options {
  dartsGit?: string;
  gdasGit?: string;
  sizes: SizeName[];
  methods: Method[];
  warmup: number;
  steps: number;
  threads: number;
  batch: number;
  json: boolean;
}

function parse(argv: string[]): Options {
  const o: Options = {
    dartsGit: process.env.NASFORGE_DARTS_GIT,
    gdasGit: process.env.NASFORGE_GDAS_GIT,
    sizes: ['proxy'],
    methods: [...METHODS],
    warmup: 1,
    steps: 2,
    threads: 2,
    batch: 64,
    json: false,
  };
  const int = (f: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new RangeError(`${f} needs an integer ≥ ${min}, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    const v = argv[i + 1];
    switch (f) {
      case '--darts-git':
        o.dartsGit = v;
        i++;
        break;
      case '--gdas-git':
        o.gdasGit = v;
        i++;
        break;
      case '--size':
        if (v !== 'proxy' && v !== 'paper' && v !== 'both') throw new RangeError(`--size takes proxy, paper or both, got '${v}'`);
        o.sizes = v === 'both' ? ['proxy', 'paper'] : [v];
        i++;
        break;
      case '--methods': {
        const names = (v ?? '').split(',').filter(Boolean);
        const bad = names.filter((n) => !(METHODS as readonly string[]).includes(n));
        if (bad.length || !names.length) throw new RangeError(`--methods takes a comma-separated list of ${METHODS.join(', ')}, got '${v}'`);
        o.methods = names as Method[];
        i++;
        break;
      }
      case '--warmup':
        o.warmup = int(f, v, 0);
        i++;
        break;
      case '--steps':
        o.steps = int(f, v, 1);
        i++;
        break;
      case '--threads':
        o.threads = int(f, v, 1);
        i++;
        break;
      case '--batch':
        o.batch = int(f, v, 1);
        i++;
        break;
      case '--json':
        o.json = true;
        break;
      default:
        throw new RangeError(
          `unknown option '${f}'; options: --darts-git DIR --gdas-git DIR --size proxy|paper|both --methods a,b --warmup N --steps N --threads N --batch N --json`,
        );
    }
  }
  const needDarts = o.methods.some((m) => m !== 'gdas');
  if (needDarts && !o.dartsGit)
    throw new RangeError('the DARTS reference needs --darts-git DIR (or NASFORGE_DARTS_GIT): a git directory of github.com/quark0/darts');
  if (o.methods.includes('gdas') && !o.gdasGit)
    throw new RangeError('the GDAS reference needs --gdas-git DIR (or NASFORGE_GDAS_GIT): a git directory of github.com/D-X-Y/AutoDL-Projects');
  return o;
}

/** Copy `files` at HEAD of the git directory `gitDir` under `into`. */
function extract(gitDir: string, files: readonly string[], into: string): void {
  for (const f of files) {
    const text = execFileSync('git', ['--git-dir', gitDir, 'show', `HEAD:${f}`], { encoding: 'utf8', maxBuffer: 1 << 26 });
    mkdirSync(dirname(join(into, f)), { recursive: true });
    writeFileSync(join(into, f), text);
  }
}

interface Side {
  times_ms: number[];
  hwm_mb: number;
  cpu_s: number;
}

function runJson(cmd: string, args: string[], env: NodeJS.ProcessEnv): Side & { gflops?: number } {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr.slice(-3000)}`);
  return JSON.parse(line) as Side & { gflops?: number };
}

function busyS(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (f[0]! + f[1]! + f[2]! + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0)) / 100;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Row {
  size: SizeName;
  method: Method;
  nasforge_ms: number;
  reference_ms: number;
  ratio: number;
  nasforge_rss_mb: number;
  reference_rss_mb: number;
  nasforge_gflops: number;
  reference_gflops: number;
  nasforge_steps_ms: number[];
  reference_steps_ms: number[];
}

function main(): void {
  const o = parse(process.argv.slice(2));
  const log = (s: string): void => {
    if (!o.json) console.log(s);
    else console.error(s);
  };
  const src = mkdtempSync(join(tmpdir(), 'nasforge-oneshot-ref-'));
  const t0 = Date.now();
  const busy0 = busyS();
  let ownCpu = 0;
  try {
    if (o.dartsGit) extract(o.dartsGit, DARTS_FILES, src);
    if (o.gdasGit) {
      extract(o.gdasGit, GDAS_FILES, src);
      for (const d of ['xautodl', 'xautodl/models', 'xautodl/models/cell_searchs']) writeFileSync(join(src, d, '__init__.py'), '');
    }
    const env = { ...process.env, NASFORGE_THREADS: String(o.threads), OMP_NUM_THREADS: String(o.threads) };
    const th = ['--threads', String(o.threads)];
    const ceilNf = runJson(process.execPath, [WORKER, '--ceiling', ...th], env).gflops!;
    const ceilPt = runJson(PYTHON, [REFERENCE, '--ceiling', ...th], env).gflops!;
    log(`conv ceiling (3x3, 64→64 ch, 64x32x32, forward+backward): nasforge ${ceilNf.toFixed(1)} GFLOP/s, PyTorch ${ceilPt.toFixed(1)} GFLOP/s`);
    const rows: Row[] = [];
    for (const size of o.sizes) {
      for (const method of o.methods) {
        const { cells, channels } = SIZES[size];
        const common = [
          '--method',
          method,
          '--cells',
          String(cells),
          '--channels',
          String(channels),
          '--batch',
          String(o.batch),
          '--warmup',
          String(o.warmup),
          '--steps',
          String(o.steps),
          ...th,
        ];
        const nf = runJson(process.execPath, [WORKER, ...common], env);
        const pt = runJson(PYTHON, [REFERENCE, '--src', src, ...common], env);
        ownCpu += nf.cpu_s + pt.cpu_s;
        const flops =
          supernetForwardFlops({ cells, channels, batch: o.batch, size: 32, classes: 10, inputChannels: 3 }, method === 'gdas' ? 'sample' : 'all') *
          STEP_FORWARDS[method];
        const [a, b] = [median(nf.times_ms), median(pt.times_ms)];
        const row: Row = {
          size,
          method,
          nasforge_ms: a,
          reference_ms: b,
          ratio: a / b,
          nasforge_rss_mb: nf.hwm_mb,
          reference_rss_mb: pt.hwm_mb,
          nasforge_gflops: flops / (a / 1000) / 1e9,
          reference_gflops: flops / (b / 1000) / 1e9,
          nasforge_steps_ms: nf.times_ms,
          reference_steps_ms: pt.times_ms,
        };
        rows.push(row);
        log(
          `${size} ${method}: nasforge ${a.toFixed(0)} ms ${nf.hwm_mb.toFixed(0)} MB, reference ${b.toFixed(0)} ms ${pt.hwm_mb.toFixed(0)} MB (ratio ${row.ratio.toFixed(3)})`,
        );
      }
    }
    const wall = (Date.now() - t0) / 1000;
    const otherCores = Math.max(0, (busyS() - busy0 - ownCpu) / wall);
    const report = {
      threads: o.threads,
      batch: o.batch,
      warmup: o.warmup,
      steps: o.steps,
      wall_s: wall,
      other_load_cores: otherCores,
      ceiling_gflops: { nasforge: ceilNf, pytorch: ceilPt },
      rows,
    };
    if (o.json) {
      console.log(JSON.stringify(report));
      return;
    }
    const head = ['size', 'method', 'nasforge ms', 'reference ms', 'ratio', 'nasforge MB', 'reference MB', 'nasforge GFLOP/s', 'reference GFLOP/s'];
    const body = rows.map((r) => [
      r.size,
      r.method,
      r.nasforge_ms.toFixed(0),
      r.reference_ms.toFixed(0),
      r.ratio.toFixed(3),
      r.nasforge_rss_mb.toFixed(0),
      r.reference_rss_mb.toFixed(0),
      r.nasforge_gflops.toFixed(1),
      r.reference_gflops.toFixed(1),
    ]);
    const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
    const fmt = (c: string[]): string => c.map((x, i) => (i < 2 ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join('  ');
    console.log('');
    console.log(`one search step, batch ${o.batch} of 3x32x32, ${o.threads} threads; median of ${o.steps} steps after ${o.warmup} warm-up`);
    console.log(fmt(head));
    console.log(w.map((n) => '-'.repeat(n)).join('  '));
    for (const b of body) console.log(fmt(b));
    console.log(
      `conv ceiling: ${ceilNf.toFixed(1)} GFLOP/s (nasforge), ${ceilPt.toFixed(1)} (PyTorch); other processes kept ${otherCores.toFixed(2)} cores busy on average over ${wall.toFixed(0)} s`,
    );
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
}

main();
