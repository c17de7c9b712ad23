// Errors a user can cause when configuring a weight-sharing method (one-shot, ENAS, DARTS, GDAS,
// FBNet, ProxylessNAS): a method name that is not registered, an unknown option, a wrong type,
// a space the method has no supernet for, an unreadable checkpoint. Each message says what was
// wrong and what to do.
import { NasforgeError } from '../../util/index.js';
export type OneShotErrorCode = 'unknown-method' | 'invalid-option' | 'unsupported-space' | 'checkpoint' | 'nonfinite-loss' | 'data';

export class OneShotError extends NasforgeError {
  constructor(
    message: string,
    override readonly code: OneShotErrorCode,
  ) {
    super(message, code);
    this.name = 'OneShotError';
  }
}
