// Finding spaces and presets by name, with "did you mean" suggestions for near misses.
import { didYouMean } from '../../util/index.js';
import { SpaceError } from './errors.js';
import { type AnySearchSpace, type Preset, type SearchSpace, type Stack } from './space.js';

/** The space called `name` among `spaces`; throws SpaceError('unknown-space') with suggestions. */
export function findSpace(spaces: readonly AnySearchSpace[], name: string): AnySearchSpace {
  const hit = spaces.find((s) => s.name === name);
  if (hit) return hit;
  const names = spaces.map((s) => s.name);
  throw new SpaceError(`unknown search space '${name}'.${didYouMean(name, names)} Known spaces: ${names.join(', ')}`, 'unknown-space', '', names.join(', '));
}

/** A space's preset by name; throws SpaceError('unknown-preset') with suggestions. */
export function findPreset<G extends object, S extends Stack>(space: SearchSpace<G, S>, name: string): Preset<G, S> {
  const hit = Object.hasOwn(space.presets, name) ? space.presets[name] : undefined;
  if (hit) return hit;
  const names = Object.keys(space.presets);
  const known = names.length ? `Its presets: ${names.join(', ')}` : 'It has no presets';
  throw new SpaceError(`space '${space.name}' has no preset '${name}'.${didYouMean(name, names)} ${known}`, 'unknown-preset', '', names.join(', '));
}

export interface PresetHit {
  readonly space: AnySearchSpace;
  readonly preset: Preset<object, Stack>;
}

/**
 * The preset called `name` and the space it belongs to: in the space called `spaceName` when
 * given (as findPreset, adding where the preset is when another space has it), else in
 * whichever of `spaces` holds it, since a preset names its space. A name held by several
 * spaces throws SpaceError('ambiguous-preset') naming them; one held by none,
 * SpaceError('unknown-preset') with suggestions.
 */
export function findPresetAmong(spaces: readonly AnySearchSpace[], name: string, spaceName?: string): PresetHit {
  const holders = spaces.filter((s) => Object.hasOwn(s.presets, name));
  if (spaceName !== undefined) {
    const space = findSpace(spaces, spaceName);
    try {
      return { space, preset: findPreset(space, name) };
    } catch (e) {
      if (!(e instanceof SpaceError) || holders.length === 0) throw e;
      throw new SpaceError(`${e.message}. '${name}' is a preset of ${holders.map((s) => `'${s.name}'`).join(' and ')}.`, e.code, e.path, e.allowed);
    }
  }
  if (holders.length === 1) return { space: holders[0]!, preset: holders[0]!.presets[name]! };
  if (holders.length > 1) {
    const names = holders.map((s) => s.name);
    throw new SpaceError(
      `preset '${name}' belongs to several search spaces: ${names.join(', ')}; name the space too`,
      'ambiguous-preset',
      '',
      names.join(', '),
    );
  }
  const all = [...new Set(spaces.flatMap((s) => Object.keys(s.presets)))];
  throw new SpaceError(
    `no search space has a preset '${name}'.${didYouMean(name, all)} Presets: ${spaces
      .filter((s) => Object.keys(s.presets).length)
      .map((s) => `${Object.keys(s.presets).join(', ')} (${s.name})`)
      .join('; ')}`,
    'unknown-preset',
    '',
    all.join(', '),
  );
}
