// The small fixed problem of test/fixtures/optim.json (made by make_optim_fixtures.py with
// PyTorch), rebuilt in nasforge: same initial parameters, same loss, same optimiser options.
import { readFileSync } from 'node:fs';
import { type DType, type Tensor, tensor, tidy } from '../../src/torch/index.js';
import { Adam, AdamW, type Optimizer, type GroupOptions, RMSProp, SGD } from '../../src/optim/index.js';

export interface Snapshot {
  W: number[];
  b: number[];
  u: number[];
}
export interface OptimizerCase {
  name: string;
  kind: 'sgd' | 'rmsprop' | 'adam' | 'adamw';
  options: Record<string, unknown>;
  bGroup: Record<string, unknown> | null;
  skipB: number[];
  trajectory: Snapshot[];
}
export interface Fixture {
  problem: { W0: number[][]; b0: number[]; u0: number[]; X: number[][]; Y: number[][]; steps: number };
  optimizers: OptimizerCase[];
  schedules: {
    cosine: { bases: number[]; total: number; etaMin: number; lrs: number[][] };
    step: { bases: number[]; stepSize: number; gamma: number; lrs: number[][] };
    exponential: { bases: number[]; gamma: number; lrs: number[][] };
  };
  clip: { maxNorm: number; normType: number | 'inf'; shapes: number[][]; grads: number[][]; total: number; clipped: number[][] }[];
}

export const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/optim.json', import.meta.url), 'utf8')) as Fixture;

export class Problem {
  readonly W: Tensor;
  readonly b: Tensor;
  /** Never in the loss: its gradient stays null and the optimiser must leave it alone. */
  readonly u: Tensor;
  private readonly X: Tensor;
  private readonly Y: Tensor;

  constructor(readonly dtype: DType = 'float64') {
    const p = fixture.problem;
    const o = { dtype, requiresGrad: true };
    this.W = tensor(p.W0, undefined, o).keep();
    this.b = tensor(p.b0, undefined, o).keep();
    this.u = tensor(p.u0, undefined, o).keep();
    this.X = tensor(p.X, undefined, { dtype }).keep();
    this.Y = tensor(p.Y, undefined, { dtype }).keep();
  }

  /** Fill W.grad and b.grad from 0.5·|W·X + b − Y|² + 0.05·ΣW⁴ + 0.1·Σb³ (grads set, not summed). */
  backward(): void {
    this.W.grad = null;
    this.b.grad = null;
    tidy(() => {
      const r = this.W.matmul(this.X).add(this.b.unsqueeze(1)).sub(this.Y);
      const loss = r.mul(r).sum().mul(0.5).add(this.W.pow(4).sum().mul(0.05)).add(this.b.pow(3).sum().mul(0.1));
      loss.backward();
    });
  }

  snapshot(): Snapshot {
    return { W: this.W.toArray(), b: this.b.toArray(), u: this.u.toArray() };
  }

  /** The optimiser of a fixture case: b in its own group when the case says so. */
  optimizer(c: Pick<OptimizerCase, 'kind' | 'options' | 'bGroup'>): Optimizer<GroupOptions> {
    const groups = (c.bGroup === null ? [{ params: [this.W, this.b, this.u] }] : [{ params: [this.W, this.u] }, { params: [this.b], ...c.bGroup }]) as never;
    const o = c.options as never;
    switch (c.kind) {
      case 'sgd':
        return new SGD(groups, o);
      case 'rmsprop':
        return new RMSProp(groups, o);
      case 'adam':
        return new Adam(groups, o);
      case 'adamw':
        return new AdamW(groups, o);
    }
  }

  /** One training step as the fixture made it: fresh grads, b's dropped on `skipB` steps. */
  step(opt: Optimizer<GroupOptions>, stepIndex: number, skipB: readonly number[]): void {
    this.backward();
    if (skipB.includes(stepIndex)) this.b.grad = null;
    opt.step();
  }

  dispose(): void {
    for (const t of [this.W, this.b, this.u, this.X, this.Y]) t.dispose();
  }
}

/** Largest absolute difference between two equally long number lists. */
export function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
