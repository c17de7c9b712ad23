// Errors a user can cause with a strategy: a misspelt name, a bad option, a state that does not
// belong to this space or kind, a metric the evaluator did not give, an objective spec that
// cannot be read.
import { NasforgeError } from '../util/index.js';

export type StrategyErrorCode = 'unknown-strategy' | 'invalid-option' | 'invalid-state' | 'missing-metric' | 'invalid-objective';

export class StrategyError extends NasforgeError {
  constructor(
    message: string,
    override readonly code: StrategyErrorCode,
  ) {
    super(message, code);
    this.name = 'StrategyError';
  }
}
