// The NAS-Bench-Macro network (Su et al., CVPR 2021): a MobileNetV2-style macro space of 8
// searchable layers in three stages of 2, 3 and 3; each stage's first layer has stride 2 and
// doubles the channels (32 → 64 → 128 → 256). Per layer: 0 identity (a 1x1 conv + BN where the
// shape changes), 1 inverted residual k3 e3, 2 inverted residual k5 e6, with ReLU as the
// benchmark's code uses (in place after batch norm, as there). Parameter counts equal the
// benchmark file's `params`.
import { type Tensor, F } from '../../torch/index.js';
import { BatchNorm2d, Conv2d, Identity, InplaceReLU, Linear, MBConv, Module, Sequential, type Layer, type LayerModule } from '../../nn/index.js';

export const MACRO_LAYERS = 8;
export const MACRO_STAGES: readonly number[] = [2, 3, 3];
/** the choice digits: 0 identity, 1 MB k3 e3, 2 MB k5 e6 */
export const MACRO_CHOICES = ['id', 'ir_3x3_t3', 'ir_5x5_t6'] as const;

export interface MacroStack {
  classes?: number;
  /** stem width; the benchmark's is 32 */
  channels?: number;
}

/** Throws a RangeError unless `arch` is 8 digits of 0, 1 or 2 (e.g. "22212220"). */
export function checkMacroArch(arch: string): void {
  if (typeof arch !== 'string' || !/^[012]{8}$/.test(arch)) {
    throw new RangeError(
      `NAS-Bench-Macro arch must be 8 digits, each 0 (identity), 1 (MB k3 e3) or 2 (MB k5 e6), e.g. "22212220"; got ${JSON.stringify(arch)}`,
    );
  }
}

function layer(choice: string, cIn: number, cOut: number, stride: number): LayerModule {
  if (choice === '1') return new MBConv(cIn, cOut, { kernel: 3, expansion: 3, stride, activation: 'relu' });
  if (choice === '2') return new MBConv(cIn, cOut, { kernel: 5, expansion: 6, stride, activation: 'relu' });
  if (stride === 1 && cIn === cOut) return new Identity();
  return new Sequential(new Conv2d(cIn, cOut, 1, { stride, bias: false }), new BatchNorm2d(cOut));
}

export class MacroNetwork extends Module implements Layer {
  readonly stem: Sequential;
  readonly features: Sequential;
  readonly out: Sequential;
  readonly classifier: Linear;

  constructor(
    readonly arch: string,
    stack: MacroStack = {},
  ) {
    super();
    checkMacroArch(arch);
    const classes = stack.classes ?? 10;
    let c = stack.channels ?? 32;
    if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`NAS-Bench-Macro: classes must be a positive integer, got ${classes}`);
    if (!Number.isInteger(c) || c < 1) throw new RangeError(`NAS-Bench-Macro: channels must be a positive integer, got ${c}`);
    this.stem = this.child('stem', new Sequential(new Conv2d(3, c, 3, { padding: 1, bias: false }), new BatchNorm2d(c), new InplaceReLU()));
    const layers: LayerModule[] = [];
    let k = 0;
    for (const n of MACRO_STAGES) {
      for (let i = 0; i < n; i++) {
        const first = i === 0;
        layers.push(layer(arch[k++]!, c, first ? 2 * c : c, first ? 2 : 1));
        if (first) c *= 2;
      }
    }
    this.features = this.child('features', new Sequential(...layers));
    this.out = this.child('out', new Sequential(new Conv2d(c, 1280, 1, { bias: false }), new BatchNorm2d(1280), new InplaceReLU()));
    this.classifier = this.child('classifier', new Linear(1280, classes));
  }

  forward(x: Tensor): Tensor {
    const s = this.stem.forward(x);
    const f = this.features.forward(s);
    if (f !== s) s.dispose();
    const h = this.out.forward(f);
    f.dispose();
    const pooled = F.globalAvgPool(h);
    h.dispose();
    const logits = this.classifier.forward(pooled);
    pooled.dispose();
    return logits;
  }
}

export function buildMacroNetwork(arch: string, stack: MacroStack = {}): MacroNetwork {
  return new MacroNetwork(arch, stack);
}
