// Search spaces: one folder per space, each with its published presets.
export * as darts from './darts/index.js';
export * as nasBenchMacro from './nas-bench-macro/index.js';
export * as baselines from './baselines/index.js';
