// A supernet for layer-wise spaces (FBNet, ProxylessNAS, ...): a fixed stem, searchable layers
// that each hold every candidate block of their position, and a fixed head (1x1 conv, global
// average pooling, classifier). How a layer combines its candidates is the method's business:
// the forward pass takes a `Mixer` that runs one candidate (a path), a weighted sum of all
// (FBNet, DARTS-like), binary gates (ProxylessNAS) or dropped paths (one-shot); see mixers.ts.
import { F, type Tensor } from '../../../torch/index.js';
import { Module, Sequential, type Layer, type LayerModule } from '../../../nn/index.js';

/** One searchable layer: its candidates, registered by position ('0', '1', ...). */
export class SupernetLayer extends Module implements Layer {
  readonly candidates: LayerModule[];
  /** the candidate `forward` runs when the layer is used on its own */
  active = 0;

  constructor(
    readonly choices: readonly string[],
    make: (name: string) => LayerModule,
  ) {
    super();
    this.candidates = choices.map((c, i) => this.child(String(i), make(c)));
  }

  /** Candidate `k` on `x` (may return `x` itself for an identity). */
  run(k: number, x: Tensor): Tensor {
    const c = this.candidates[k];
    if (c === undefined) throw new RangeError(`supernet layer has ${this.candidates.length} candidates; there is no candidate ${k}`);
    return c.forward(x);
  }

  forward(x: Tensor): Tensor {
    return this.run(this.active, x);
  }
}

/** The fixed end of the network: features → global average pooling → logits. */
export class PoolHead extends Module implements Layer {
  constructor(
    readonly out: LayerModule,
    readonly classifier: LayerModule,
  ) {
    super();
    this.child('out', out);
    this.child('classifier', classifier);
  }

  forward(x: Tensor): Tensor {
    const h = this.out.forward(x);
    const pooled = F.globalAvgPool(h);
    if (h !== x) h.dispose();
    const logits = this.classifier.forward(pooled);
    pooled.dispose();
    return logits;
  }
}

/** How a layer turns its input into its output: `layer` is its position. */
export type Mixer = (layer: number, cell: SupernetLayer, x: Tensor) => Tensor;

export interface LayerwiseParts {
  /** the space the supernet belongs to */
  space: string;
  /** runs before the searchable layers */
  stem: LayerModule;
  /** the candidate names of each searchable layer (the space's decisions' choices) */
  choices: readonly (readonly string[])[];
  /** the block `name` at searchable layer `layer` */
  candidate(layer: number, name: string): LayerModule;
  head: PoolHead;
  /** input channels the stem expects */
  inChannels: number;
}

export class LayerwiseSupernet extends Module {
  readonly space: string;
  readonly stem: LayerModule;
  readonly layers: Sequential;
  readonly head: PoolHead;
  readonly inChannels: number;

  constructor(parts: LayerwiseParts) {
    super();
    this.space = parts.space;
    this.inChannels = parts.inChannels;
    this.stem = this.child('stem', parts.stem);
    this.layers = this.child('layers', new Sequential(...parts.choices.map((ch, i) => new SupernetLayer(ch, (n) => parts.candidate(i, n)))));
    this.head = this.child('head', parts.head);
  }

  get searchable(): SupernetLayer[] {
    return this.layers.layers as SupernetLayer[];
  }

  /** Candidate names per layer. */
  get choices(): string[][] {
    return this.searchable.map((l) => [...l.choices]);
  }

  /** Logits of `x` with each searchable layer's output given by `mix`. */
  forward(x: Tensor, mix: Mixer): Tensor {
    let h = this.stem.forward(x);
    this.searchable.forEach((cell, i) => {
      const next = mix(i, cell, h);
      if (next !== h && h !== x) h.dispose();
      h = next;
    });
    const logits = this.head.forward(h);
    if (h !== x) h.dispose();
    return logits;
  }

  /** Logits of the architecture that picks candidate `path[i]` at layer i. */
  forwardPath(x: Tensor, path: readonly number[]): Tensor {
    this.checkPath(path);
    return this.forward(x, (i, cell, h) => cell.run(path[i]!, h));
  }

  checkPath(path: readonly number[]): void {
    const layers = this.searchable;
    if (path.length !== layers.length || !path.every((k, i) => Number.isInteger(k) && k >= 0 && k < layers[i]!.candidates.length)) {
      throw new RangeError(
        `a path of the ${this.space} supernet picks one of each layer's ${layers.map((l) => l.candidates.length).join('/')} candidates; got [${path.join(', ')}]`,
      );
    }
  }

  /** The stand-alone network of one path (shares this supernet's weights), e.g. to time or evaluate it. */
  pathNetwork(path: readonly number[]): PathNetwork {
    this.checkPath(path);
    return new PathNetwork(this, path);
  }
}

/** One path through a supernet as a Layer (the supernet is its only child). */
export class PathNetwork extends Module implements Layer {
  constructor(
    readonly supernet: LayerwiseSupernet,
    readonly path: readonly number[],
  ) {
    super();
    this.child('supernet', supernet);
  }

  forward(x: Tensor): Tensor {
    return this.supernet.forwardPath(x, this.path);
  }
}
