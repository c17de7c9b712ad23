// The flags the one-shot benchmark's workers share with its runner.
export interface WorkerArgs {
  method: 'darts1' | 'darts2' | 'gdas';
  cells: number;
  channels: number;
  batch: number;
  warmup: number;
  steps: number;
  threads: number;
  ceiling: boolean;
}

export const METHODS = ['darts1', 'darts2', 'gdas'] as const;

export function parseArgs(argv: string[]): WorkerArgs {
  const o: WorkerArgs = { method: 'darts1', cells: 5, channels: 8, batch: 64, warmup: 1, steps: 2, threads: 2, ceiling: false };
  const int = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new RangeError(`${flag} needs an integer ≥ ${min}, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    const v = argv[i + 1];
    switch (f) {
      case '--method':
        if (!(METHODS as readonly string[]).includes(v ?? '')) throw new RangeError(`--method takes one of ${METHODS.join(', ')}, got '${v}'`);
        o.method = v as WorkerArgs['method'];
        i++;
        break;
      case '--cells':
        o.cells = int(f, v, 3);
        i++;
        break;
      case '--channels':
        o.channels = int(f, v, 2);
        i++;
        break;
      case '--batch':
        o.batch = int(f, v, 1);
        i++;
        break;
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
      case '--ceiling':
        o.ceiling = true;
        break;
      default:
        throw new RangeError(`unknown worker flag '${f}'`);
    }
  }
  return o;
}
