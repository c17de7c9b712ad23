// Shape-only dry runs that count multiply-accumulates (MACs). The engine has no forward hooks,
// so the layers that do the arithmetic (Conv2d, Linear) consult the active trace themselves:
// inside `traceMacs` they add their MACs and return zeros of their output's shape instead of
// computing it, so every other op (batch norm, pooling, adds, concatenation, slicing) still runs
// and a network's own forward decides the shapes. Code that calls `F.conv2d` / `F.linear`
// directly (supernets, sliced weights) is counted the same way through the dry-run hook that
// `traceMacs` installs in torch/functional.ts; the modules answer before reaching F, so nothing
// is counted twice, and outside a trace F pays one null check. Counted as the NAS papers (and
// NAS-Bench-Macro's `flops`) count: conv out.numel·(cin/groups)·kh·kw, linear in·out per row;
// biases, batch norm, activations and pooling are not counted.
//
// `withoutInit` builds modules without drawing initial values: a network built only to be
// counted never reads its weights, so counting is cheap and leaves the global random stream
// (and so every seeded run) untouched.
import { EngineError, F, type Tensor, noGrad, tidy, zeros } from '../torch/index.js';
import { type Layer, type Module } from './module.js';

interface MacTrace {
  macs: number;
}

let active: MacTrace | null = null;
let initSkips = 0;

/**
 * Runs `fn` as a dry run and returns its value with the MACs of the convolutions and linear
 * maps in it: Conv2d and Linear modules, and direct F.conv2d / F.linear calls.
 */
export function traceMacs<T>(fn: () => T): { value: T; macs: number } {
  const outer = active;
  const trace: MacTrace = { macs: 0 };
  active = trace;
  const outerHook = F.setDryRunHook(FUNCTIONAL_DRY_RUN);
  try {
    return { value: fn(), macs: trace.macs };
  } finally {
    active = outer;
    F.setDryRunHook(outerHook);
  }
}

/**
 * MACs of one forward pass of `net` on zeros of `inputShape` ((N, C, H, W); N = 1 for the
 * usual per-image count), as a dry run in evaluation mode; `net`'s modes are restored after.
 */
export function countMacs(net: Module & Layer, inputShape: readonly number[]): number {
  const modes = [...net.namedModules()].map(([, m]) => m.training);
  net.eval(); // a dry run must not move batch-norm statistics or drop paths
  try {
    return tidy(() =>
      noGrad(
        () =>
          traceMacs(() => {
            net.forward(zeros(inputShape));
          }).macs,
      ),
    );
  } finally {
    [...net.namedModules()].forEach(([, m], i) => {
      m.training = modes[i]!;
    });
  }
}

/** Whether a dry run is active (layers then count instead of computing). */
export function tracing(): boolean {
  return active !== null;
}

/** Builds inside `fn` leave parameters uninitialised (for networks that are only counted). */
export function withoutInit<T>(fn: () => T): T {
  initSkips++;
  try {
    return fn();
  } finally {
    initSkips--;
  }
}

/** Whether initialisers should leave tensors as they are. */
export function initSkipped(): boolean {
  return initSkips > 0;
}

type Pair = number | readonly [number, number];
const two = (p: Pair): [number, number] => (typeof p === 'number' ? [p, p] : [p[0], p[1]]);

export interface ConvGeometry {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly groups: number;
}

/** PyTorch's output size: ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1 per spatial axis. */
export function convOutputShape(c: ConvGeometry, inShape: readonly number[]): number[] {
  if (inShape.length !== 4 || inShape[1] !== c.inChannels) {
    throw new EngineError(`expected input (N, ${c.inChannels}, H, W), got [${inShape.join(', ')}]`, 'conv2d');
  }
  const [k, s, p, d] = [two(c.kernel), two(c.stride), two(c.padding), two(c.dilation)];
  const out = [0, 1].map((i) => Math.floor((inShape[i + 2]! + 2 * p[i]! - d[i]! * (k[i]! - 1) - 1) / s[i]!) + 1);
  if (out[0]! < 1 || out[1]! < 1) {
    throw new EngineError(`input [${inShape.join(', ')}] is too small for kernel ${k.join('x')} (output would be ${out.join('x')})`, 'conv2d');
  }
  return [inShape[0]!, c.outChannels, out[0]!, out[1]!];
}

/** In a dry run: counts the convolution and returns zeros of its output's shape; otherwise null. */
export function traceConv2d(c: ConvGeometry, x: Tensor): Tensor | null {
  if (active === null) return null;
  const shape = convOutputShape(c, x.shape);
  const [kh, kw] = two(c.kernel);
  active.macs += shape.reduce((a, b) => a * b, 1) * (c.inChannels / c.groups) * kh * kw;
  return zeros(shape, { dtype: x.dtype, device: x.device });
}

/** In a dry run: counts the linear layer and returns zeros of its output's shape; otherwise null. */
export function traceLinear(l: { readonly inFeatures: number; readonly outFeatures: number }, x: Tensor): Tensor | null {
  if (active === null) return null;
  const s = x.shape;
  if (s.length < 1 || s[s.length - 1] !== l.inFeatures) {
    throw new EngineError(`expected input (..., ${l.inFeatures}), got [${s.join(', ')}]`, 'linear');
  }
  const shape = [...s.slice(0, -1), l.outFeatures];
  active.macs += (shape.reduce((a, b) => a * b, 1) / l.outFeatures) * l.inFeatures * l.outFeatures;
  return zeros(shape, { dtype: x.dtype, device: x.device });
}

/** F.conv2d and F.linear inside a trace: the geometry is read off the weight (OIHW; out × in). */
const FUNCTIONAL_DRY_RUN: F.DryRunHook = {
  conv2d(x, weight, o) {
    const [outChannels, inPerGroup, kh, kw] = weight.shape as [number, number, number, number];
    const groups = o.groups ?? 1;
    return traceConv2d(
      {
        inChannels: inPerGroup * groups,
        outChannels,
        kernel: [kh, kw],
        stride: o.stride ?? 1,
        padding: o.padding ?? 0,
        dilation: o.dilation ?? 1,
        groups,
      },
      x,
    )!;
  },
  linear(x, weight) {
    const [outFeatures, inFeatures] = weight.shape as [number, number];
    return traceLinear({ inFeatures, outFeatures }, x)!;
  },
};
