// Every registered search space, by its fixed name. A space is registered by adding it to
// SPACES (explicitly, not by import side effects); test/spaces/core.test.ts then checks the
// SearchSpace contract on it without a new test.
import { type AnySearchSpace, type PresetHit, findPresetAmong, findSpace } from './core/index.js';
import { nasBenchMacroSpace } from './nas-bench-macro/index.js';
import { dartsSpace } from './darts/index.js';
import { nasnetSpace } from './nasnet/index.js';
import { nb201Space } from './nas-bench-201/index.js';
import { enasMacroSpace, enasMicroSpace } from './enas/index.js';
import { fbnetSpace } from './fbnet/index.js';
import { proxylessSpace } from './proxylessnas/index.js';
import { mnasnetSpace } from './mnasnet/index.js';
import { mobilenetV3Space } from './mobilenetv3/index.js';

export const SPACES: readonly AnySearchSpace[] = [
  nasBenchMacroSpace,
  dartsSpace,
  nasnetSpace,
  nb201Space,
  enasMicroSpace,
  enasMacroSpace,
  fbnetSpace,
  proxylessSpace,
  mnasnetSpace,
  mobilenetV3Space,
];

/** The registered space called `name`; throws SpaceError('unknown-space') with "did you mean" help. */
export function getSpace(name: string): AnySearchSpace {
  return findSpace(SPACES, name);
}

export function spaceNames(): string[] {
  return SPACES.map((s) => s.name);
}

/**
 * The registered preset called `name` with its space: a preset implies its space, so `space`
 * is needed only for a name that several spaces hold (see findPresetAmong).
 */
export function getPreset(name: string, space?: string): PresetHit {
  return findPresetAmong(SPACES, name, space);
}
