// Search spaces: one folder per space, each with its published presets.
export * as darts from './darts/index.js';
export * as nasnet from './nasnet/index.js';
export * as cells from './cells/index.js';
export * as nasBenchMacro from './nas-bench-macro/index.js';
export * as baselines from './baselines/index.js';
export * as core from './core/index.js';
export {
  type SearchSpace, type AnySearchSpace, type Stack, type InputSpec, type Cost, type Preset, type SpaceNetwork,
  type Decision, type Genotype, SpaceError, defineSpace, findPreset,
} from './core/index.js';
export { SPACES, getSpace, spaceNames } from './registry.js';
export * as nasBench201 from './nas-bench-201/index.js';
