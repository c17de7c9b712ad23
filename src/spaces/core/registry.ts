// Finding spaces and presets by name, with "did you mean" suggestions for near misses.
import { didYouMean } from '../../util/index.js';
import { SpaceError } from './errors.js';
import { type AnySearchSpace, type Preset, type SearchSpace, type Stack } from './space.js';

/** The space called `name` among `spaces`; throws SpaceError('unknown-space') with suggestions. */
export function findSpace(spaces: readonly AnySearchSpace[], name: string): AnySearchSpace {
  const hit = spaces.find((s) => s.name === name);
  if (hit) return hit;
  const names = spaces.map((s) => s.name);
  throw new SpaceError(`unknown search space '${name}'.${didYouMean(name, names)} Known spaces: ${names.join(', ')}`,
    'unknown-space', '', names.join(', '));
}

/** A space's preset by name; throws SpaceError('unknown-preset') with suggestions. */
export function findPreset<G extends object, S extends Stack>(space: SearchSpace<G, S>, name: string): Preset<G, S> {
  const hit = Object.prototype.hasOwnProperty.call(space.presets, name) ? space.presets[name] : undefined;
  if (hit) return hit;
  const names = Object.keys(space.presets);
  const known = names.length ? `Its presets: ${names.join(', ')}` : 'It has no presets';
  throw new SpaceError(`space '${space.name}' has no preset '${name}'.${didYouMean(name, names)} ${known}`,
    'unknown-preset', '', names.join(', '));
}
