// Drop path (Larsson et al.'s FractalNet regulariser as NASNet and DARTS use it): in training,
// each sample's whole path is zeroed with probability p and kept ones are scaled by 1/(1-p),
// so the expected output equals the input.
import { type Tensor, bernoulli, empty, noGrad } from '../torch/index.js';
import { type Layer, Module } from './module.js';

function checkProb(p: number): void {
  if (!(p >= 0 && p < 1)) throw new RangeError(`drop path probability must be in [0, 1), got ${p}`);
}

/** The per-sample keep mask, already divided by keepProb, shaped (N, 1, 1, ...) like x. */
function scaledMask(x: Tensor, keepProb: number): Tensor {
  const shape = x.shape.map((d, i) => (i === 0 ? d : 1));
  return noGrad(() => {
    const probs = empty(shape, { dtype: x.dtype, device: x.device });
    const m = bernoulli(probs, keepProb);
    probs.dispose();
    return m.div_(keepProb);
  });
}

/**
 * Drop whole samples' paths of an NCHW (or any N-first) tensor with probability p. Returns `x`
 * itself when nothing is dropped (p = 0 or not training), otherwise a new tensor.
 */
export function dropPath(x: Tensor, p: number, training: boolean): Tensor {
  checkProb(p);
  if (!training || p === 0) return x;
  // One multiply by the tiny pre-scaled mask: the full-size tensor is touched once.
  const mask = scaledMask(x, 1 - p);
  const out = x.mul(mask);
  mask.dispose();
  return out;
}

/**
 * Drop path in place, as DARTS' utils.drop_path: no new tensor. Only for a tensor nothing else
 * reads and whose producer's backward does not need it (a cell op's output: batch norm,
 * pooling, zero). Returns `x`.
 */
export function dropPath_(x: Tensor, p: number, training: boolean): Tensor {
  checkProb(p);
  if (!training || p === 0) return x;
  const mask = scaledMask(x, 1 - p);
  x.mul_(mask);
  mask.dispose();
  return x;
}

/** Drop path as a layer; `p` may be changed between epochs (DARTS ramps it linearly). */
export class DropPath extends Module implements Layer {
  constructor(public p = 0) {
    super();
    checkProb(p);
  }

  forward(x: Tensor): Tensor {
    return dropPath(x, this.p, this.training);
  }
}
