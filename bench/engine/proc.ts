// The benchmark's worker processes: one JSON line in answer to each command line.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A worker process answering one JSON line per command. */
export class Worker {
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | null = null;
  private stderr = '';

  private constructor(
    readonly label: string,
    private readonly proc: ChildProcessWithoutNullStreams,
  ) {
    createInterface({ input: proc.stdout }).on('line', (l) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(l);
      } else {
        this.lines.push(l);
      }
    });
    proc.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
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
      this.waiting = (l) => {
        try {
          res(parse(l));
        } catch (e) {
          rej(e);
        }
      };
    });
  }

  async ask(cmd: string): Promise<Record<string, unknown>> {
    this.proc.stdin.write(`${cmd}\n`);
    return this.read();
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
