// How progressive search grows an architecture one block at a time. A space may say so itself
// (`space.progressive`: NAS-Bench-Macro grows layer by layer, NAS-Bench-201 node by node);
// every other space is grown by a rule over its decision names:
//   a decision's unit is its name without the last dot-part ("normal.node2.op1" → "normal.node2",
//   "block3.kernel" → "block3"; a name without a dot is its own unit: "layer3"), a unit's part
//   is the unit without its last dot-part ("normal", or "" for "block3"), and block b holds
//   the units that come b-th in their part. So a cell space grows node b of the normal AND
//   the reduction cell together (PNAS searches one cell shape for both), a layer-wise space
//   grows one layer (or block) at a time. Decisions of blocks not yet grown take their first
//   choice.
import { type AnySearchSpace } from '../../spaces/index.js';
import { type RandomSource } from '../../util/index.js';
import { StrategyError } from '../errors.js';

export interface Growth {
  /** decision indices of each block, in growth order */
  readonly blocks: readonly (readonly number[])[];
  /** each decision's value while its block is not grown */
  readonly fill: readonly number[];
}

function stripLast(name: string): string {
  const i = name.lastIndexOf('.');
  return i < 0 ? name : name.slice(0, i);
}

/** The generic rule of this file's header, over the space's ordered decision names. */
export function genericGrowth(space: AnySearchSpace): Growth {
  const ds = space.decisions();
  const ordinals = new Map<string, Map<string, number>>();
  const blockOf = ds.map((d) => {
    const unit = d.name.includes('.') ? stripLast(d.name) : d.name;
    const part = unit.includes('.') ? stripLast(unit) : '';
    const units = ordinals.get(part) ?? new Map<string, number>();
    ordinals.set(part, units);
    if (!units.has(unit)) units.set(unit, units.size);
    return units.get(unit)!;
  });
  const count = Math.max(...blockOf) + 1;
  const blocks = Array.from({ length: count }, (_, b) => blockOf.flatMap((x, i) => (x === b ? [i] : [])));
  return { blocks, fill: ds.map(() => 0) };
}

/** The space's own growth when it has one (checked), else the generic rule. */
export function growthOf(space: AnySearchSpace): Growth {
  const own = space.progressive;
  if (own === undefined) return genericGrowth(space);
  const ds = space.decisions();
  const where = `space '${space.name}': progressive growth`;
  const all = own.blocks.flat();
  const ok =
    own.blocks.every((b) => b.length > 0) &&
    all.length === ds.length &&
    new Set(all).size === ds.length &&
    all.every((i) => Number.isInteger(i) && i >= 0 && i < ds.length);
  if (!ok) throw new StrategyError(`${where} must list every decision index 0..${ds.length - 1} in exactly one non-empty block`, 'invalid-option');
  const badFill = own.fill.length !== ds.length || own.fill.some((v, i) => !Number.isInteger(v) || v < 0 || v >= ds[i]!.choices.length);
  if (badFill) throw new StrategyError(`${where} needs one valid fill choice per decision (${ds.length})`, 'invalid-option');
  return { blocks: own.blocks.map((b) => [...b]), fill: [...own.fill] };
}

/** How many leading blocks `values` needs: 1 + the last block with a value other than its fill (0: all fill). */
export function levelOf(g: Growth, values: readonly number[]): number {
  for (let b = g.blocks.length - 1; b >= 0; b--) {
    if (g.blocks[b]!.some((i) => values[i] !== g.fill[i])) return b + 1;
  }
  return 0;
}

/** Every setting of `block`'s decisions on a copy of `parent`, or `cap` random ones when there are more. */
export function expandBlock(space: AnySearchSpace, parent: readonly number[], block: readonly number[], cap: number, rng: RandomSource): number[][] {
  const sizes = block.map((i) => space.decisions()[i]!.choices.length);
  const total = sizes.reduce((a, b) => a * b, 1);
  const at = (k: number): number[] => {
    const v = [...parent];
    block.forEach((i, j) => {
      v[i] = k % sizes[j]!;
      k = Math.floor(k / sizes[j]!);
    });
    return v;
  };
  if (total <= cap) return Array.from({ length: total }, (_, k) => at(k));
  return Array.from({ length: cap }, () => {
    const v = [...parent];
    block.forEach((i, j) => {
      v[i] = rng.int(sizes[j]!);
    });
    return v;
  });
}

/** Every one-decision change of `parent` (the refinement once every block is grown). */
export function neighbours(space: AnySearchSpace, parent: readonly number[]): number[][] {
  const out: number[][] = [];
  space.decisions().forEach((d, i) => {
    for (let c = 0; c < d.choices.length; c++) {
      if (c === parent[i]) continue;
      const v = [...parent];
      v[i] = c;
      out.push(v);
    }
  });
  return out;
}
