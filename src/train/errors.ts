import { NasforgeError } from '../util/index.js';

export type TrainErrorCode = 'invalid-recipe' | 'diverged' | 'checkpoint';

/** A training run that cannot go on: a bad recipe, a diverged loss, an unusable checkpoint. */
export class TrainError extends NasforgeError {
  constructor(
    message: string,
    override readonly code: TrainErrorCode,
  ) {
    super(message, code);
    this.name = 'TrainError';
  }
}
