// `defineSpace`: a space described by its decisions, the two maps between decision vectors and
// genotypes, a validator and a builder gets sampling, mutation, one-hot encoding, canonical
// keys, stack merging and cost for free, all through the decisions, so every space obeys the
// same contract.
import { countBuilt } from './cost.js';
import { type Decision, checkDecisionValues, mutateDecisionValues, oneHot, sampleDecisionValues } from './decisions.js';
import { SpaceError, genotypeError, stackError } from './errors.js';
import { checkPlainJson } from './json.js';
import { canonicalJson } from '../../util/index.js';
import { type RandomSource } from '../../util/index.js';
import { type ArchGraph, type Cost, type InputSpec, type Preset, type SearchSpace, type SpaceNetwork, type Stack } from './space.js';

export interface SpaceSpec<G extends object, S extends Stack> {
  name: string;
  description: string;
  /** every stack field the space reads, with its default (unknown fields are refused) */
  defaultStack: S;
  /** default {size: 32, channels: 3} */
  defaultInput?: InputSpec;
  presets?: Record<string, Preset<G, S>>;
  /** the tiny skeleton and input for tests (default: the default stack on the default input) */
  tiny?: { stack?: Partial<S>; input?: Partial<InputSpec> };
  decisions: readonly Decision[];
  /** the genotype of a checked decision vector */
  fromDecisions(values: readonly number[]): G;
  /** the decision vector of a validated genotype (exact inverse of fromDecisions) */
  toDecisions(g: G): number[];
  /** checks a plain-JSON object's structure and values (throw with `genotypeError`) and returns it typed */
  validate(g: object): G;
  /** the canonical key of a validated genotype; default: its canonical JSON */
  key?(g: G): string;
  /** the network of a validated genotype on a complete stack (check the stack with `stackError`) */
  build(g: G, stack: S): SpaceNetwork;
  /** a space-specific short form of a genotype */
  parse?(text: string): G;
  /** a drawing of a validated genotype (nodes and edges) */
  graph?(g: G): ArchGraph;
  /**
   * A one-step neighbour with the space's own proposal distribution (e.g. hidden state or op
   * with equal odds, as in aging evolution); must still change exactly one decision.
   * Default: one decision drawn uniformly, moved to a uniformly drawn other value.
   */
  mutate?(g: G, rng: RandomSource): G;
}

export function defineSpace<G extends object, S extends Stack>(spec: SpaceSpec<G, S>): SearchSpace<G, S> {
  const { name, decisions } = spec;
  const defaultInput: InputSpec = spec.defaultInput ?? { size: 32, channels: 3 };
  const fields = Object.keys(spec.defaultStack);

  const validate = (g: unknown): G => {
    if (g === null || typeof g !== 'object' || Array.isArray(g)) throw genotypeError(name, '', g, 'a JSON object');
    checkPlainJson(name, g);
    return spec.validate(g);
  };
  const fromDecisions = (values: readonly number[]): G => {
    checkDecisionValues(name, decisions, values);
    return spec.fromDecisions(values);
  };
  const toDecisions = (g: G): number[] => spec.toDecisions(validate(g));

  const stackOf = (partial: Partial<S> = {}): S => {
    const out: Record<string, unknown> = { ...(spec.defaultStack as object) };
    for (const [k, v] of Object.entries(partial)) {
      if (v === undefined) continue;
      if (!fields.includes(k)) {
        throw new SpaceError(`${name} has no stack field '${k}'; its fields are: ${fields.join(', ')}`, 'invalid-stack', k, fields.join(', '));
      }
      out[k] = v;
    }
    return out as S;
  };
  const build = (g: G, stack?: Partial<S>): SpaceNetwork => spec.build(validate(g), stackOf(stack));

  return {
    name,
    description: spec.description,
    defaultStack: spec.defaultStack,
    defaultInput,
    presets: spec.presets ?? {},
    tiny: { stack: spec.tiny?.stack ?? {}, input: { ...defaultInput, ...stripUndefined(spec.tiny?.input ?? {}) } },
    decisions: () => decisions,
    fromDecisions,
    toDecisions,
    sample: (rng) => spec.fromDecisions(sampleDecisionValues(decisions, rng)),
    mutate: (g, rng) => (spec.mutate ? spec.mutate(validate(g), rng) : spec.fromDecisions(mutateDecisionValues(name, decisions, toDecisions(g), rng))),
    key: (g) => {
      const v = validate(g);
      return spec.key ? spec.key(v) : canonicalJson(v);
    },
    validate,
    encode: (g) => oneHot(decisions, toDecisions(g)),
    build,
    cost: (g: G, stack?: Partial<S>, input?: Partial<InputSpec>): Cost => {
      const full = { ...defaultInput, ...stripUndefined(input ?? {}) };
      for (const f of ['size', 'channels'] as const) {
        if (!Number.isInteger(full[f]) || full[f] < 1) throw stackError(name, `input.${f}`, full[f], 'a positive integer');
      }
      return countBuilt(() => build(g, stack), full);
    },
    ...(spec.parse ? { parse: spec.parse } : {}),
    ...(spec.graph ? { graph: (g: G) => spec.graph!(validate(g)) } : {}),
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
