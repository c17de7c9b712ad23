// How the CLI ends on an error: any NasforgeError is the user's to fix and is printed without a
// stack trace, with exit code 2 (a storage that cannot be used: 3; an interrupt: 130); anything
// else is a bug: "unexpected error", exit 1 (NASFORGE_DEBUG=1 prints its stack).
import { NasforgeError } from '../util/index.js';

/** Exit code of a run stopped by SIGINT (128 + 2, as a shell reports it). */
export const INTERRUPTED = 130;

/** StudyError codes that mean the storage itself cannot be used as it is. */
const STORAGE_CODES = new Set(['unreachable', 'corrupt-storage', 'schema-too-new', 'storage-error', 'invalid-storage', 'storage-gone', 'read-only']);

/** A mistake with the command line itself (a bad flag, a missing file), or an outcome with its own exit code. */
export class UserError extends NasforgeError {
  constructor(
    message: string,
    readonly exitCode = 2,
    code = 'usage',
  ) {
    super(message, code);
    this.name = 'UserError';
  }
}

/** The exit code a NasforgeError ends the command with. */
export function exitCodeOf(e: NasforgeError): number {
  if (e instanceof UserError) return e.exitCode;
  if (e.code === 'interrupted') return INTERRUPTED;
  if (e.name === 'StudyError' && STORAGE_CODES.has(e.code)) return 3;
  return 2;
}
