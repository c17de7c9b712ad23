// Reads test/fixtures/nn.json (PyTorch reference values, made by make_nn_fixtures.py), builds
// the same layers in nasforge, and compares forward outputs, gradients and buffers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { F, type Tensor, arange, callAten, full, tensor, tidy } from '../../src/torch/index.js';
import {
  AuxiliaryHead,
  AvgPool2d,
  BatchNorm2d,
  Closing2d,
  Conv2d,
  Dilation2d,
  Embedding,
  Erosion2d,
  Flatten,
  GlobalAvgPool,
  HSigmoid,
  HSwish,
  LSTMCell,
  type LayerModule,
  Linear,
  MBConv,
  MaxPool2d,
  type Module,
  Opening2d,
  ReLU,
  ReLU6,
  Sigmoid,
  SqueezeExcite,
  StackedLSTM,
  Swish,
  cellOp,
} from '../../src/nn/index.js';

export interface Fingerprint {
  sum: number;
  abs: number;
  step: number;
  values: number[];
}
export interface TensorSpec {
  shape: number[];
  dtype?: 'int64';
  data?: number[];
  /** base64 of little-endian float32 bytes */
  f32?: string;
  fill?: number;
  det?: number;
  scale?: number;
  offset?: number;
  fingerprint?: Fingerprint;
}
export interface Case {
  name: string;
  module: { kind: string; args: unknown[] };
  train: boolean;
  state: Record<string, TensorSpec>;
  inputs: TensorSpec[];
  cotangents: TensorSpec[];
  outputs: TensorSpec[];
  grads: Record<string, TensorSpec>;
  buffersAfter: Record<string, TensorSpec>;
  numParameters: number;
}
export interface Fixture {
  torch: string;
  cases: Case[];
  makeDivisibleQuarter: Record<string, number>;
  auxHeadParams: Record<string, number>;
}

let cached: Fixture | undefined;
export function fixture(): Fixture {
  cached ??= JSON.parse(readFileSync(fileURLToPath(new URL('../../../test/fixtures/nn.json', import.meta.url)), 'utf8')) as Fixture;
  return cached;
}

export function casesOf(kinds: readonly string[]): Case[] {
  return fixture().cases.filter((c) => kinds.includes(c.module.kind));
}

/** PyTorch's state-dict name → nasforge's (the same: nasforge keeps PyTorch's names). */
export function nfName(name: string): string {
  return name;
}

function decodeF32(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(4 * i);
  return out;
}

/** The tensor a spec describes (values, a constant, or the shared formula sin(k·2.39996 + det)·scale + offset). */
export function build(spec: TensorSpec): Tensor {
  if (spec.data !== undefined) return tensor(spec.data, spec.shape, spec.dtype === 'int64' ? { dtype: 'int64' } : {});
  if (spec.f32 !== undefined) return tensor(decodeF32(spec.f32), spec.shape);
  if (spec.fill !== undefined) return full(spec.shape, spec.fill);
  if (spec.det !== undefined) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    return tidy(() => {
      const wave = (callAten('sin', arange(0, n, 1, { dtype: 'float32' }).mul(2.39996).add(spec.det!)) as Tensor).mul(spec.scale ?? 1);
      return (spec.offset ? wave.add(spec.offset) : wave).reshape(spec.shape);
    });
  }
  throw new Error(`spec with shape [${spec.shape}] has neither data, f32, fill nor det`);
}

export const TOL = 1e-5;

/**
 * |actual − expected| ≤ tol·(1 + |expected|) elementwise (absolute and relative tolerance
 * both tol, as torch.testing's float32 atol), or on a fingerprint's sums and samples.
 */
export function assertClose(actual: Tensor, expected: TensorSpec, what: string, tol = TOL): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const got = actual.toArray();
  const check = (a: number, e: number, where: string, scale = 1): void => {
    const err = Math.abs(a - e);
    if (!(err <= tol * (scale + Math.abs(e)))) {
      assert.fail(`${what}${where}: got ${a}, PyTorch ${e} (|diff| ${err.toExponential(2)})`);
    }
  };
  if (expected.fingerprint !== undefined) {
    const fp = expected.fingerprint;
    let sum = 0;
    let abs = 0;
    for (const v of got) {
      sum += v;
      abs += Math.abs(v);
    }
    check(sum, fp.sum, ' sum', fp.abs);
    check(abs, fp.abs, ' abs-sum');
    fp.values.forEach((e, i) => check(got[i * fp.step]!, e, `[${i * fp.step}]`));
    return;
  }
  const want = expected.data ?? (expected.f32 !== undefined ? Array.from(decodeF32(expected.f32)) : new Array<number>(got.length).fill(expected.fill ?? NaN));
  assert.equal(got.length, want.length, `${what}: element count`);
  got.forEach((a, i) => check(a, want[i]!, `[${i}]`));
}

type Runner = (m: LayerModule & Module, inputs: Tensor[]) => Tensor[];
interface Built {
  module: Module;
  run: Runner;
}

const one: Runner = (m, xs) => [m.forward(xs[0]!)];
const stateless = (m: LayerModule): Built => ({ module: m, run: one });

/** The nasforge layer for a fixture case, and how to run it on the case's inputs. */
export function buildModule(kind: string, args: unknown[]): Built {
  const a = args as never[];
  switch (kind) {
    case 'conv2d':
      return stateless(new Conv2d(a[0], a[1], a[2], a[3]));
    case 'batchnorm2d':
      return stateless(new BatchNorm2d(a[0], a[1]));
    case 'linear':
      return stateless(new Linear(a[0], a[1], a[2]));
    case 'maxpool2d':
      return stateless(new MaxPool2d(a[0], a[1], a[2]));
    case 'avgpool2d':
      return stateless(new AvgPool2d(a[0], a[1], a[2], a[3]));
    case 'relu':
      return stateless(new ReLU());
    case 'relu6':
      return stateless(new ReLU6());
    case 'hswish':
      return stateless(new HSwish());
    case 'hsigmoid':
      return stateless(new HSigmoid());
    case 'swish':
      return stateless(new Swish());
    case 'sigmoid':
      return stateless(new Sigmoid());
    case 'globalavgpool':
      return stateless(new GlobalAvgPool());
    case 'flatten':
      return stateless(new Flatten());
    case 'se':
      return stateless(new SqueezeExcite(a[0], a[1], a[2]));
    case 'se_mnasnet':
      return stateless(SqueezeExcite.mnasnet(a[0], a[1], a[2]));
    case 'se_mobilenetv3':
      return stateless(SqueezeExcite.mobilenetV3(a[0]));
    case 'dilation2d':
      return stateless(new Dilation2d(a[0], a[1], a[2], a[3]));
    case 'erosion2d':
      return stateless(new Erosion2d(a[0], a[1], a[2], a[3]));
    case 'opening2d':
      return stateless(new Opening2d(a[0], a[1], a[2], a[3]));
    case 'closing2d':
      return stateless(new Closing2d(a[0], a[1], a[2], a[3]));
    case 'auxhead':
      return stateless(new AuxiliaryHead(a[0], a[1], a[2]));
    case 'cellop':
      return stateless(cellOp(a[0], a[1], a[2], a[3]));
    case 'mbconv':
      return stateless(new MBConv(a[0], a[1], a[2]));
    case 'embedding': {
      const m = new Embedding(a[0], a[1]);
      return { module: m, run: (_m, xs) => [m.forward(xs[0]!)] };
    }
    case 'lstmcell': {
      const m = new LSTMCell(a[0], a[1], a[2]);
      return {
        module: m,
        run: (_m, [x, h, c]) => {
          const s = m.forward(x!, { h: h!, c: c! });
          return [s.h, s.c];
        },
      };
    }
    case 'stackedlstm': {
      const m = new StackedLSTM(a[0], a[1], a[2]);
      // inputs as nn.LSTM takes them: x (T, B, I), h0 and c0 (layers, B, H); outputs y, h_n, c_n
      return {
        module: m,
        run: (_m, [x, h0, c0]) => {
          let states = m.cells.map((_, l) => ({ h: h0!.select(0, l), c: c0!.select(0, l) }));
          const ys: Tensor[] = [];
          for (let t = 0; t < x!.shape[0]!; t++) {
            const r = m.forward(x!.select(0, t), states);
            ys.push(r.output);
            states = r.states;
          }
          return [F.stack(ys), F.stack(states.map((s) => s.h)), F.stack(states.map((s) => s.c))];
        },
      };
    }
    default:
      throw new Error(`no nasforge layer for fixture kind '${kind}'`);
  }
}

/** Load a case's state into a module by name (strict: every name must match). */
export function loadState(m: Module, state: Record<string, TensorSpec>): void {
  const sd: Record<string, Tensor> = {};
  for (const [k, spec] of Object.entries(state)) sd[nfName(k)] = build(spec);
  try {
    m.loadStateDict(sd, true);
  } finally {
    for (const t of Object.values(sd)) t.dispose();
  }
}

/**
 * Run one case: load the state, forward, backward of Σ outputs·cotangents, and compare
 * outputs, input gradients, parameter gradients, buffers after the step and the parameter count.
 */
export function checkCase(c: Case, tol = TOL): void {
  const { module: m, run } = buildModule(c.module.kind, c.module.args);
  try {
    loadState(m, c.state);
    m.train(c.train);
    assert.equal(m.numParameters(), c.numParameters, `${c.name}: numParameters`);
    tidy(() => {
      const inputs = c.inputs.map((s) => {
        const t = build(s);
        if (s.dtype !== 'int64') t.requiresGrad = true;
        return t;
      });
      const outs = run(m as LayerModule & Module, inputs);
      assert.equal(outs.length, c.outputs.length, `${c.name}: number of outputs`);
      outs.forEach((o, i) => assertClose(o, c.outputs[i]!, `${c.name} output ${i}`, tol));
      const terms = outs.map((o, i) => o.mul(build(c.cotangents[i]!)).sum());
      const loss = terms.reduce((acc, t) => acc.add(t));
      loss.backward();
      const sd = m.stateDict();
      for (const [k, spec] of Object.entries(c.grads)) {
        const target = k.startsWith('input') ? inputs[Number(k.slice(5))]! : sd[nfName(k)];
        assert.ok(target, `${c.name}: no tensor for gradient '${k}'`);
        const g = target.grad;
        assert.ok(g, `${c.name}: no gradient reached '${k}'`);
        assertClose(g, spec, `${c.name} grad ${k}`, tol);
      }
      for (const [k, spec] of Object.entries(c.buffersAfter)) assertClose(sd[nfName(k)]!, spec, `${c.name} buffer ${k}`);
    });
  } finally {
    m.dispose();
  }
}
