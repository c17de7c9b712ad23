// Initialisers, drawn from the global seeded generator. PyTorch's defaults are reproduced so a
// network starts from the same distribution in both.
import { type Tensor, noGrad } from '../torch/index.js';
import { initSkipped } from './trace.js';

/** fan_in and fan_out of a weight (out, in, kh, kw) or (out, in). */
export function fans(w: Tensor): { fanIn: number; fanOut: number } {
  const s = w.shape;
  const receptive = s.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: (s[1] ?? 1) * receptive, fanOut: (s[0] ?? 1) * receptive };
}

export function uniform_(t: Tensor, low: number, high: number): Tensor {
  if (initSkipped()) return t; // a network built only to be counted (trace.ts)
  noGrad(() => t.uniform_(low, high));
  return t;
}

export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  if (initSkipped()) return t;
  noGrad(() => t.normal_(mean, std));
  return t;
}

export function constant_(t: Tensor, v: number): Tensor {
  noGrad(() => t.fill_(v));
  return t;
}

function gain(nonlinearity: 'relu' | 'linear' | 'leaky_relu', a = 0): number {
  if (nonlinearity === 'relu') return Math.SQRT2;
  if (nonlinearity === 'leaky_relu') return Math.sqrt(2 / (1 + a * a));
  return 1;
}

/** He/Kaiming uniform: U(−b, b), b = gain·sqrt(3/fan). */
export function kaimingUniform_(t: Tensor, o: { a?: number; mode?: 'fan_in' | 'fan_out'; nonlinearity?: 'relu' | 'linear' | 'leaky_relu' } = {}): Tensor {
  const f = fans(t);
  const fan = o.mode === 'fan_out' ? f.fanOut : f.fanIn;
  const bound = gain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0) * Math.sqrt(3 / fan);
  return uniform_(t, -bound, bound);
}

/** He/Kaiming normal: N(0, (gain/sqrt(fan))²). */
export function kaimingNormal_(t: Tensor, o: { a?: number; mode?: 'fan_in' | 'fan_out'; nonlinearity?: 'relu' | 'linear' | 'leaky_relu' } = {}): Tensor {
  const f = fans(t);
  const fan = o.mode === 'fan_out' ? f.fanOut : f.fanIn;
  return normal_(t, 0, gain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0) / Math.sqrt(fan));
}

export function xavierUniform_(t: Tensor, g = 1): Tensor {
  const f = fans(t);
  const bound = g * Math.sqrt(6 / (f.fanIn + f.fanOut));
  return uniform_(t, -bound, bound);
}

/** PyTorch's default for conv and linear weights: kaiming_uniform(a=√5) = U(±1/sqrt(fan_in)). */
export function defaultWeight_(t: Tensor): Tensor {
  return kaimingUniform_(t, { a: Math.sqrt(5) });
}

/** PyTorch's default for conv and linear biases: U(±1/sqrt(fan_in)). */
export function defaultBias_(b: Tensor, fanIn: number): Tensor {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return uniform_(b, -bound, bound);
}
