// Convolution and linear FLOPs (2 per multiply-add) of one forward pass of the DARTS cell
// supernet, counted from its structure: what "achieved GFLOP/s" divides by. Pools, batch norms
// and the weighted sums are memory-bound and not counted (as a conv ceiling would not count
// them either). For GDAS, each edge runs one op: the count is the mean over the 7 computed
// primitives plus 'none' (the expectation under uniform sampling, which τ = 10 is close to).
export interface SupernetShape {
  cells: number;
  channels: number;
  batch: number;
  size: number;
  classes: number;
  inputChannels: number;
}

const SEARCH_OPS = ['max_pool_3x3', 'avg_pool_3x3', 'skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5'];

/** Multiply-adds of primitive `op` on an edge of C channels whose output is `hw` pixels (per image). */
function opMacs(op: string, c: number, hw: number, stride: number): number {
  const dw = (k: number): number => k * k * c * hw;
  const pw = c * c * hw;
  switch (op) {
    case 'sep_conv_3x3':
      return 2 * (dw(3) + pw);
    case 'sep_conv_5x5':
      return 2 * (dw(5) + pw);
    case 'dil_conv_3x3':
      return dw(3) + pw;
    case 'dil_conv_5x5':
      return dw(5) + pw;
    case 'skip_connect':
      return stride === 2 ? 2 * c * (c / 2) * hw : 0;
    default:
      return 0;
  }
}

/** Forward FLOPs per batch: all ops on every edge (`mode` 'all', DARTS) or the uniform-sample mean ('sample', GDAS). */
export function supernetForwardFlops(s: SupernetShape, mode: 'all' | 'sample'): number {
  const C = s.channels;
  let macs = s.inputChannels * 3 * C * 9 * s.size * s.size; // stem
  let [cPP, cP, c] = [3 * C, 3 * C, C];
  let [hPP, hP] = [s.size, s.size]; // resolutions of the two cell inputs
  let reductionPrev = false;
  for (let i = 0; i < s.cells; i++) {
    const reduction = i === Math.floor(s.cells / 3) || i === Math.floor((2 * s.cells) / 3);
    if (reduction) c *= 2;
    const hIn = hP; // both preprocessed inputs have s1's resolution
    macs += reductionPrev ? 2 * cPP * (c / 2) * hIn * hIn : cPP * c * hPP * hPP;
    macs += cP * c * hP * hP;
    const hOut = reduction ? hIn / 2 : hIn;
    for (let node = 0; node < 4; node++) {
      for (let j = 0; j < 2 + node; j++) {
        const stride = reduction && j < 2 ? 2 : 1;
        const per = SEARCH_OPS.map((op) => opMacs(op, c, hOut * hOut, stride));
        const sum = per.reduce((a, b) => a + b, 0);
        macs += mode === 'all' ? sum : sum / 8;
      }
    }
    reductionPrev = reduction;
    [cPP, cP, hPP, hP] = [cP, 4 * c, hP, hOut];
  }
  macs += cP * s.classes;
  return 2 * macs * s.batch;
}

/**
 * FLOPs of one search step as multiples of a forward pass: a backward pass for the weights
 * costs about 2 forwards (input and weight gradients), one for α alone about 1 (input
 * gradients only). DARTS first order: α step (1 + 1) + weight step (1 + 2) = 5; second order:
 * ∇w L_train (3) + ∇α,w L_val at w' (3) + two ∇α L_train for the Hessian-vector product (2 + 2)
 * + weight step (3) = 13; GDAS: weight step (3) + α step (2) = 5, on sampled paths.
 */
export const STEP_FORWARDS = { darts1: 5, darts2: 13, gdas: 5 } as const;
