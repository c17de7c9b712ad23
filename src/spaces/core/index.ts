// The search-space core: the SearchSpace interface every space implements, categorical
// decisions, canonical genotype JSON, typed errors and `defineSpace` (JSON, random numbers and names come from src/util).
export {
  type Genotype,
  type SearchSpace,
  type AnySearchSpace,
  type Stack,
  type InputSpec,
  type Cost,
  type Preset,
  type SpaceNetwork,
  type AuxiliaryHeadNetwork,
  auxiliaryHeadOf,
  type ArchGraph,
  type ArchGraphPart,
  type ArchGraphNode,
  type ArchGraphEdge,
} from './space.js';
export {
  type Decision,
  type Choice,
  checkDecisionValues,
  sampleDecisionValues,
  mutateDecisionValues,
  oneHot,
  oneHotLength,
  decisionSpaceSize,
} from './decisions.js';
export { SpaceError, type SpaceErrorCode, genotypeError, stackError } from './errors.js';
export { checkPlainJson } from './json.js';
export { defineSpace, type SpaceSpec } from './define.js';
export { networkCost, countBuilt } from './cost.js';
export { findSpace, findPreset, findPresetAmong, type PresetHit } from './registry.js';
