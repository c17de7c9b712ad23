// Evaluation: loss, top-1 and top-5 accuracy over a loader, in eval mode without autograd.
import { type DataLoader } from '../data/index.js';
import { type Module } from '../nn/index.js';
import { F, type Tensor, noGrad, tidy } from '../torch/index.js';
import { type ClassifierOutput, logitsOf } from './model.js';

export interface EvalMetrics {
  loss: number;
  /** fractions in [0, 1] (the CLI and studies report `100 * top1` as `*Accuracy`, in percent) */
  top1: number;
  top5: number;
  examples: number;
}

/** Count of rows whose target is among the k largest logits. */
export function topkCorrect(logits: Tensor, target: Tensor, k: number): number {
  return tidy(() => {
    const kk = Math.min(k, logits.shape[1]!);
    const { indices } = logits.topk(kk, 1);
    return indices.eq(target.unsqueeze(1)).sum().item(); // a target appears at most once per row
  });
}

export function evaluate(model: Module & { forward(x: Tensor): ClassifierOutput }, loader: DataLoader, epoch = 0): EvalMetrics {
  const wasTraining = model.training;
  model.eval();
  let loss = 0;
  let c1 = 0;
  let c5 = 0;
  let n = 0;
  try {
    noGrad(() => {
      for (let b = 0; b < loader.length; b++) {
        tidy(() => {
          const { x, y } = loader.batchAt(epoch, b);
          const logits = logitsOf(model.forward(x));
          const m = y.shape[0]!;
          loss += F.crossEntropy(logits, y, { reduction: 'sum' }).item();
          c1 += topkCorrect(logits, y, 1);
          c5 += topkCorrect(logits, y, 5);
          n += m;
        });
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return { loss: loss / Math.max(n, 1), top1: c1 / Math.max(n, 1), top5: c5 / Math.max(n, 1), examples: n };
}
