// A benchmark worker process that answers one JSON line per command line on stdin
// (worker.js and reference_train.py speak this protocol).
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export class LineWorker {
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | null = null;
  private stderr = '';
  private exited: string | null = null;

  private constructor(
    readonly label: string,
    private readonly proc: ChildProcessWithoutNullStreams,
  ) {
    createInterface({ input: proc.stdout }).on('line', (l) => this.deliver(l));
    proc.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    proc.on('exit', (code) => {
      this.exited = JSON.stringify({ error: `${label} worker exited with code ${code}: ${this.stderr.trim().slice(-2000)}` });
      if (this.waiting) this.deliver(this.exited);
    });
  }

  private deliver(line: string): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(line);
    } else {
      this.lines.push(line);
    }
  }

  /** Start the process and wait for its first ("ready") line. */
  static async start(label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<[LineWorker, Record<string, unknown>]> {
    const w = new LineWorker(label, spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] }));
    const ready = await w.read();
    return [w, ready];
  }

  private read(): Promise<Record<string, unknown>> {
    const parse = (l: string): Record<string, unknown> => {
      const o = JSON.parse(l) as Record<string, unknown>;
      if (typeof o.error === 'string') throw new Error(`${this.label}: ${o.error}`);
      return o;
    };
    const got = this.lines.shift() ?? this.exited ?? undefined;
    if (got !== undefined) {
      try {
        return Promise.resolve(parse(got));
      } catch (e) {
        return Promise.reject(e);
      }
    }
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
    if (this.exited === null) this.proc.stdin.write(`${cmd}\n`);
    return this.read();
  }

  /** Ask the process to quit; returns its peak resident memory in MB. */
  async quit(): Promise<number> {
    const r = await this.ask('quit');
    return r.maxRssMb as number;
  }

  kill(): void {
    if (this.exited === null) this.proc.kill();
  }
}
