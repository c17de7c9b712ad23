import { NasforgeError } from '../util/index.js';

/** An error raised by libtorch (bad shape, dtype, index, device...), with libtorch's message. */
export class EngineError extends NasforgeError {
  constructor(
    message: string,
    readonly op?: string,
  ) {
    super(op ? `${op}: ${message}` : message, 'engine');
    this.name = 'EngineError';
  }

  static from(e: unknown, op?: string): EngineError {
    if (e instanceof EngineError) return e;
    const msg = (e instanceof Error ? e.message : String(e)).split('\nException raised from')[0]!.trim();
    // Native messages often name the entry point already ("item: ..."): do not say it twice.
    return op !== undefined && msg.startsWith(`${op}: `) ? new EngineError(msg.slice(op.length + 2), op) : new EngineError(msg, op);
  }
}
