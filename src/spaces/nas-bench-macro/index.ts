// NAS-Bench-Macro: the 8-layer MobileNetV2-style macro space of the tabular benchmark.
export {
  type MacroStack,
  MacroNetwork,
  buildMacroNetwork,
  checkMacroArch,
  MACRO_LAYERS,
  MACRO_STAGES,
  MACRO_CHOICES,
} from './network.js';
export { nasBenchMacroSpace, canonicalMacroArch, type MacroGenotype, type MacroSpaceStack } from './space.js';
