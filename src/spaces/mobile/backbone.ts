// The stem, head and classifier that the layer-wise mobile spaces (fbnet, proxylessnas) share:
// their released networks open with a 3x3 stride-2 conv → BN → activation and close with a 1x1
// conv → BN → activation, global average pooling and a linear classifier.
import { type Tensor, F } from '../../torch/index.js';
import { BatchNorm2d, Conv2d, type Linear, ReLU, ReLU6, Sequential, type Layer } from '../../nn/index.js';

export type MobileActivation = 'relu' | 'relu6';

/** Conv without bias (padding k/2) → BN → activation: the stems' and heads' unit. */
export function convBnAct(cIn: number, cOut: number, kernel: number, stride: number, activation: MobileActivation): Sequential {
  return new Sequential(
    new Conv2d(cIn, cOut, kernel, { stride, padding: kernel >> 1, bias: false }),
    new BatchNorm2d(cOut),
    activation === 'relu' ? new ReLU() : new ReLU6(),
  );
}

/**
 * The network's tail on the last searchable layer's output: `head` (the 1x1 conv unit), global
 * average pooling, `classifier`. Consumes `features` (frees it) and every tensor it makes but
 * the logits.
 */
export function headAndClassify(features: Tensor, head: Layer, classifier: Linear): Tensor {
  const h = head.forward(features);
  features.dispose();
  const pooled = F.globalAvgPool(h);
  h.dispose();
  const logits = classifier.forward(pooled);
  pooled.dispose();
  return logits;
}
