/** A training run that cannot go on: a bad recipe, a non-finite loss, an unusable checkpoint. */
export class TrainError extends Error {
  constructor(readonly code: 'RECIPE' | 'NONFINITE_LOSS' | 'CHECKPOINT', message: string) {
    super(message);
    this.name = 'TrainError';
  }
}
