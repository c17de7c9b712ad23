// When a training loss has diverged. Non-finite is diverged. So is a finite loss that exploded:
// above DIVERGENCE_FACTOR × a reference taken at the start, the larger of ln(classes) (the
// cross-entropy of a uniform prediction, where a fresh classifier starts) and the first step's
// loss (computed before any update, so the learning rate cannot have spoilt it yet; a bad
// initialisation can start above ln(classes)). Why 100×: a loss of 100·ln(10) ≈ 230 means the
// right class gets probability e^-230 on average (logits hundreds apart: weights blown up past
// recovery), while a training that works stays near or below its start. Measured on
// resnet-small and Fashion-MNIST: lr 10, far too high but recovering, peaks at 25× and comes
// back; lr 1e3 passes 1000× at its second step, lr 1e6 reaches 1e17× there, both NaN soon
// after. So no working run is stopped, and a broken one stops at once rather than training
// on to a 10% test accuracy on a finite loss.

/** A finite loss above this many times the reference has exploded. */
export const DIVERGENCE_FACTOR = 100;

/** The reference a run's losses are judged against: max(ln(classes), the first step's loss). */
export function lossReference(firstLoss: number, classes: number): number {
  const uniform = classes > 1 ? Math.log(classes) : 0;
  return Number.isFinite(firstLoss) ? Math.max(uniform, firstLoss) : uniform;
}

/** Why `loss` counts as diverged against `reference`, or null when it does not. */
export function divergence(loss: number, reference: number): 'non-finite' | 'exploded' | null {
  if (!Number.isFinite(loss)) return 'non-finite';
  return loss > DIVERGENCE_FACTOR * reference ? 'exploded' : null;
}
