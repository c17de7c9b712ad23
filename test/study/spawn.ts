// Child worker processes for the fault-injection tests: start one with its spec, wait for its
// exit, read the one JSON line it printed; wait for a state of the database (never a clock).
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FaultSpec } from './fault-child.js';
import { sleep } from './helpers.js';

export const FAULT_CHILD = join(dirname(fileURLToPath(import.meta.url)), 'fault-child.js');

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** the child's last stdout line, parsed */
  readonly result: { summary?: { completed: number; failed: number; pruned: number }; error?: { name: string; code: string; message: string } } | null;
}

export interface Child {
  readonly proc: ChildProcess;
  readonly done: Promise<Exit>;
}

export function startChild(spec: FaultSpec, options: SpawnOptions = {}): Child {
  return startScript(FAULT_CHILD, { NASFORGE_FAULT_CHILD: JSON.stringify(spec) }, options);
}

export function startScript(file: string, env: Record<string, string>, options: SpawnOptions = {}): Child {
  const proc = spawn(process.execPath, [file], {
    ...options,
    env: { ...process.env, NASFORGE_THREADS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  proc.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<Exit>((resolve) => {
    proc.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      let result: Exit['result'] = null;
      try {
        result = JSON.parse(last) as Exit['result'];
      } catch {
        // printed nothing (killed) or not JSON
      }
      resolve({ code, signal, stdout, stderr, result });
    });
  });
  return { proc, done };
}

/** Polls `check` (a database read) until it gives a value; the time-out is only a safety net. */
export async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The lines of a child's log that start with `kind`, split into words. */
export function logLines(log: string, kind: string): string[][] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith(`${kind} `))
    .map((l) => l.split(' ').slice(1));
}

export function killAll(children: readonly Child[]): void {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
}
