// Ordered categorical decisions: the form every space can be read and written in. An RL
// controller emits one choice index per decision, an encoder one-hot codes them, and random
// sampling and one-step mutation work on them without knowing the space.
import { SpaceError } from './errors.js';
import { type RandomSource } from '../../util/index.js';

export type Choice = string | number;

export interface Decision {
  /** what is decided, e.g. "layer3" or "normal.node2.input1" */
  readonly name: string;
  /** the options, in a fixed order (a decision's value is an index into this list) */
  readonly choices: readonly Choice[];
}

/** Throws unless `values` holds one valid choice index per decision. */
export function checkDecisionValues(space: string, decisions: readonly Decision[], values: readonly number[]): void {
  if (!Array.isArray(values) || values.length !== decisions.length) {
    throw new SpaceError(
      `${space}: expected ${decisions.length} decision values, got ${Array.isArray(values) ? values.length : typeof values}`,
      'invalid-decisions',
      '',
      `${decisions.length} integers`,
    );
  }
  decisions.forEach((d, i) => {
    const v = values[i];
    if (!Number.isInteger(v) || v! < 0 || v! >= d.choices.length) {
      const allowed = `0..${d.choices.length - 1} (${d.choices.join(', ')})`;
      throw new SpaceError(`${space}: decision ${i} (${d.name}) is ${JSON.stringify(v)}; allowed: ${allowed}`, 'invalid-decisions', `[${i}]`, allowed);
    }
  });
}

/** One uniform, independent draw per decision. */
export function sampleDecisionValues(decisions: readonly Decision[], rng: RandomSource): number[] {
  return decisions.map((d) => rng.int(d.choices.length));
}

/**
 * A one-step neighbour (aging evolution's mutation): one decision, drawn uniformly among those
 * with a choice to make, moves to a different value drawn uniformly among its other choices.
 */
export function mutateDecisionValues(space: string, decisions: readonly Decision[], values: readonly number[], rng: RandomSource): number[] {
  const open = decisions.flatMap((d, i) => (d.choices.length > 1 ? [i] : []));
  if (open.length === 0) throw new SpaceError(`${space}: no decision has more than one choice, so nothing can mutate`, 'invalid-decisions');
  const i = open[rng.int(open.length)]!;
  const n = decisions[i]!.choices.length;
  const out = [...values];
  out[i] = (values[i]! + 1 + rng.int(n - 1)) % n;
  return out;
}

/** The length of `oneHot`'s vector: the total number of choices. */
export function oneHotLength(decisions: readonly Decision[]): number {
  return decisions.reduce((n, d) => n + d.choices.length, 0);
}

/** Each decision's value one-hot coded, concatenated in decision order (a fixed length per space). */
export function oneHot(decisions: readonly Decision[], values: readonly number[]): number[] {
  const out = new Array<number>(oneHotLength(decisions)).fill(0);
  let offset = 0;
  decisions.forEach((d, i) => {
    out[offset + values[i]!] = 1;
    offset += d.choices.length;
  });
  return out;
}

/** How many distinct decision vectors there are (the space's size before deduplicating by key). */
export function decisionSpaceSize(decisions: readonly Decision[]): number {
  return decisions.reduce((n, d) => n * d.choices.length, 1);
}
