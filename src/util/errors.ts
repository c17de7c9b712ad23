// The one base of every error a user can cause (a bad config, missing data, a wrong shape, a
// diverged training, a storage that cannot be used): a `code` a script can test and a message
// that says what was wrong and what to do. The CLI prints any of them without a stack trace.

export class NasforgeError extends Error {
  constructor(
    message: string,
    /** kebab-case, stable: e.g. 'unknown-space', 'invalid-option', 'unreachable' */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NasforgeError';
  }
}

export function isNasforgeError(e: unknown): e is NasforgeError {
  return e instanceof NasforgeError;
}
