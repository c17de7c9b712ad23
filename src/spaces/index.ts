// Search spaces: one folder per space, each with its published presets.
export * as darts from './darts/index.js';
export * as nasnet from './nasnet/index.js';
export * as cells from './cells/index.js';
export * as nasBenchMacro from './nas-bench-macro/index.js';
export * as baselines from './baselines/index.js';
export * as core from './core/index.js';
export {
  type SearchSpace,
  type AnySearchSpace,
  type Stack,
  type InputSpec,
  type Cost,
  type Preset,
  type SpaceNetwork,
  type Decision,
  type Genotype,
  SpaceError,
  defineSpace,
  findPreset,
  type PresetHit,
  type ArchGraph,
  type ArchGraphPart,
  type ArchGraphNode,
  type ArchGraphEdge,
} from './core/index.js';
export { SPACES, getSpace, getPreset, spaceNames } from './registry.js';
export * as nasBench201 from './nas-bench-201/index.js';
export * as enas from './enas/index.js';
export * as graph from './graph/index.js';
export * as fbnet from './fbnet/index.js';
export * as proxylessnas from './proxylessnas/index.js';
export * as mnasnet from './mnasnet/index.js';
export * as mobilenetv3 from './mobilenetv3/index.js';
