// A small residual network (He et al. 2016, the CIFAR variant's shape: 3 stages of basic blocks,
// widths w, 2w, 4w, stride 2 between stages, global pooling). The hand-designed baseline that
// searched networks are compared with.
import { BatchNorm2d, Conv2d, Linear, Module, Sequential } from '../../nn/index.js';
import { type Tensor, tidy } from '../../torch/index.js';

class BasicBlock extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly shortcut: Sequential | null;

  constructor(cin: number, cout: number, stride: number) {
    super();
    this.conv1 = this.child('conv1', new Conv2d(cin, cout, 3, { stride, padding: 1, bias: false }));
    this.bn1 = this.child('bn1', new BatchNorm2d(cout));
    this.conv2 = this.child('conv2', new Conv2d(cout, cout, 3, { padding: 1, bias: false }));
    this.bn2 = this.child('bn2', new BatchNorm2d(cout));
    this.shortcut =
      stride !== 1 || cin !== cout ? this.child('shortcut', new Sequential(new Conv2d(cin, cout, 1, { stride, bias: false }), new BatchNorm2d(cout))) : null;
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const h = this.bn1.forward(this.conv1.forward(x)).relu();
      const y = this.bn2.forward(this.conv2.forward(h));
      const s = this.shortcut ? this.shortcut.forward(x) : x;
      return y.add(s).relu();
    });
  }
}

export interface ResNetOptions {
  inChannels: number;
  classes: number;
  /** width of the first stage */
  width?: number;
  /** basic blocks per stage */
  blocks?: number;
}

export class ResNet extends Module {
  readonly stem: Sequential;
  readonly stages: BasicBlock[] = [];
  readonly fc: Linear;

  constructor(o: ResNetOptions) {
    super();
    const w = o.width ?? 16;
    const n = o.blocks ?? 1;
    this.stem = this.child('stem', new Sequential(new Conv2d(o.inChannels, w, 3, { padding: 1, bias: false }), new BatchNorm2d(w)));
    let cin = w;
    [w, 2 * w, 4 * w].forEach((cout, s) => {
      for (let b = 0; b < n; b++) {
        const block = new BasicBlock(cin, cout, s > 0 && b === 0 ? 2 : 1);
        this.stages.push(this.child(`block${s}_${b}`, block));
        cin = cout;
      }
    });
    this.fc = this.child('fc', new Linear(cin, o.classes));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      let h = this.stem.forward(x).relu();
      for (const b of this.stages) h = b.forward(h);
      return this.fc.forward(h.mean([2, 3]));
    });
  }
}

/** Named baselines for `nasforge train --model`. */
export const BASELINES: Record<string, (inChannels: number, classes: number) => ResNet> = {
  'resnet-small': (c, k) => new ResNet({ inChannels: c, classes: k, width: 16, blocks: 1 }),
  'resnet-20': (c, k) => new ResNet({ inChannels: c, classes: k, width: 16, blocks: 3 }),
};
