// The SearchSpace interface: what every space (cell or macro, tabular or not) offers to the
// strategies (decisions, sample, mutate, key, encode) and to the evaluators (build, cost).
import { type Layer, type Module } from '../../nn/index.js';
import { type Decision } from './decisions.js';
import { type RandomSource } from '../../util/index.js';

/**
 * A genotype: plain JSON data (no classes, functions or undefined) that fully names one
 * architecture in one space. Each space has its own type; `validate` checks the data.
 */
export type Genotype = object;

/**
 * The macro skeleton a genotype is stacked into (searching small and training big is only a
 * different stack). These fields are shared by the spaces that have them; a space's own stack
 * type adds more (auxiliary head, drop path, width multiplier...).
 */
export interface Stack {
  /** output classes */
  classes?: number;
  /** initial channels (the first stage's width, or the stem's) */
  channels?: number;
  /** cells (or searchable layers) in the whole network, for cell spaces */
  cells?: number;
}

/** The image a network is costed on: batch 1, `channels` × `size` × `size`. */
export interface InputSpec {
  size: number;
  channels: number;
}

/**
 * The deployed network's parameters and multiply-accumulates (conv and linear MACs) of one
 * forward pass at batch 1, as the papers count them.
 */
export interface Cost {
  /** parameters of the network that is deployed: a training-only auxiliary head is not counted */
  params: number;
  /** MACs of the inference forward pass (which never runs the auxiliary head) */
  macs: number;
  /** parameters of the auxiliary head, trained and then dropped; 0 where the network has none */
  auxiliaryParams: number;
}

/** A published architecture of a space, with the skeleton it was published with. */
export interface Preset<G extends Genotype, S extends Stack> {
  readonly genotype: G;
  /** fields that differ from the space's default stack */
  readonly stack?: Partial<S>;
  /** the input it was published for, when not the space's default */
  readonly input?: Partial<InputSpec>;
  readonly description: string;
}

/**
 * A drawable picture of one genotype (what `nasforge draw` renders): one or more parts (a cell
 * space's normal and reduction cells, a layer space's one sequence), each a DAG of nodes and
 * edges. Ops sit on edges in cell spaces and on nodes in layer spaces.
 */
export interface ArchGraph {
  readonly parts: readonly ArchGraphPart[];
}

export interface ArchGraphPart {
  /** e.g. 'normal', 'reduce', 'layers' */
  readonly name: string;
  readonly nodes: readonly ArchGraphNode[];
  readonly edges: readonly ArchGraphEdge[];
}

export interface ArchGraphNode {
  /** unique within its part */
  readonly id: string;
  readonly label: string;
  /** input and output nodes are drawn apart from the inner ones; `op` marks a node that is an op */
  readonly kind: 'input' | 'node' | 'op' | 'output';
}

export interface ArchGraphEdge {
  readonly from: string;
  readonly to: string;
  /** the op the edge applies (cell spaces); none for plain data flow */
  readonly label?: string;
}

/** A classifier built from a genotype: (N, C, H, W) → (N, classes) logits. */
export type SpaceNetwork = Module & Layer;

/**
 * A network with a training-only classifier (NASNet's and DARTS' auxiliary head, weight 0.4 in
 * their training): it is not part of the deployed network, so `cost` counts it apart.
 */
export interface AuxiliaryHeadNetwork {
  readonly auxiliaryHead: Module | null;
}

/** The auxiliary head of `net`, or null when it has none. */
export function auxiliaryHeadOf(net: Module): Module | null {
  const head = (net as Partial<AuxiliaryHeadNetwork>).auxiliaryHead;
  return head ?? null;
}

/**
 * A search space. Genotypes `G` are plain JSON data; `S` is the space's stack.
 * Contract (checked for every registered space by test/spaces/core.test.ts):
 * - `toDecisions(fromDecisions(v))` equals `v`; decisions never change after construction;
 * - `sample` draws every decision uniformly and independently from the given generator;
 * - `mutate` changes exactly one decision to a different value and returns a valid genotype;
 * - `key` is equal for genotypes that build the same network, and survives a JSON round trip;
 * - `encode` has the same length for every genotype of the space;
 * - every valid genotype builds and runs forward and backward.
 */
export interface SearchSpace<G extends Genotype = Genotype, S extends Stack = Stack> {
  /** the registry name, fixed (stored in studies): e.g. 'nas-bench-macro' */
  readonly name: string;
  /** one line: what the space is and where it comes from */
  readonly description: string;
  /** the skeleton `build` uses for fields a caller leaves out */
  readonly defaultStack: Readonly<S>;
  /** the input `cost` assumes when none is given (32 for CIFAR spaces, 224 for ImageNet ones) */
  readonly defaultInput: Readonly<InputSpec>;
  /**
   * The smallest skeleton and input that still run every op of the space: what the contract
   * tests and smoke runs build (e.g. 3 cells of 4 channels on 16x16 images).
   */
  readonly tiny: { readonly stack: Partial<S>; readonly input: Readonly<InputSpec> };
  /** named published architectures (may be empty) */
  readonly presets: Readonly<Record<string, Preset<G, S>>>;

  /** The ordered categorical decisions (the same list on every call). */
  decisions(): readonly Decision[];
  /** The genotype named by one choice index per decision; throws SpaceError on a bad vector. */
  fromDecisions(values: readonly number[]): G;
  /** The choice index per decision that `fromDecisions` maps back to `g`. */
  toDecisions(g: G): number[];
  /** A uniformly random genotype (each decision drawn independently). */
  sample(rng: RandomSource): G;
  /** A one-step neighbour: exactly one decision changed. */
  mutate(g: G, rng: RandomSource): G;
  /** The canonical key: equal for equivalent genotypes. */
  key(g: G): string;
  /** Returns `g` typed as a genotype of this space, or throws SpaceError with the path to the bad value. */
  validate(g: unknown): G;
  /** A fixed-length numeric vector for predictors. */
  encode(g: G): number[];
  /** The trainable classifier of `g` on `stack` (over the default stack). */
  build(g: G, stack?: Partial<S>): SpaceNetwork;
  /**
   * Parameters and MACs of `build(g, stack)` on one `input` image, counted from the built
   * network: `params` without an auxiliary head, which `auxiliaryParams` counts.
   */
  cost(g: G, stack?: Partial<S>, input?: Partial<InputSpec>): Cost;
  /** The genotype of a space-specific short form, e.g. NAS-Bench-Macro's "22212220". */
  parse?(text: string): G;
  /** A drawing of `g` as nodes and edges (optional: spaces with a cell or layer structure offer it). */
  graph?(g: G): ArchGraph;
  /**
   * How a cell (or network) grows one block at a time, for progressive search (PNAS): `blocks`
   * lists decision indices in growth order (every decision in exactly one block); `fill[i]` is
   * decision i's value while its block is not yet grown (it must mean "absent": an identity
   * layer, a `none` edge). Spaces without it are grown by the strategy's generic rule.
   */
  readonly progressive?: { readonly blocks: readonly (readonly number[])[]; readonly fill: readonly number[] };
}

/** A space with its genotype and stack types erased, as the registry holds them. */
export type AnySearchSpace = SearchSpace<Genotype, Stack>;
