// Which machine and process hold a trial, so that a worker on the same machine can see at once
// that the holder died (SIGKILL, out-of-memory kill) instead of waiting for its heartbeat to go
// stale. The host identity is the hostname plus, on Linux, the boot id and the PID namespace:
// two containers that share a hostname but not their processes must never judge each other's
// PIDs.
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

let identity: string | undefined;

/** This machine (and PID namespace) as one string; equal strings mean PIDs are comparable. */
export function hostIdentity(): string {
  if (identity === undefined) {
    const parts = [hostname()];
    try {
      parts.push(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    } catch {
      // not Linux: the hostname alone
    }
    try {
      parts.push(readlinkSync('/proc/self/ns/pid'));
    } catch {
      // no PID namespaces to tell apart
    }
    identity = parts.join('/');
  }
  return identity;
}

/**
 * Whether process `pid` of this host no longer runs: signal 0 finds no such process, or it is a
 * zombie (killed, not yet reaped by its parent, yet still answering signal 0). A process of
 * another user (EPERM) is alive. A reused PID looks alive: the heartbeat rule still applies then.
 */
export function processGone(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}
