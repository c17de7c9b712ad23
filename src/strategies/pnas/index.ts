// Progressive model-based search: PNAS and POPNASv3, with the growth rule they share.
export { ProgressiveSearch, type ProgressiveOptions, type Observation, type StepScoring } from './progressive.js';
export { pnasStrategy, popnasStrategy } from './factory.js';
export { type Growth, growthOf, genericGrowth, levelOf, expandBlock, neighbours } from './growth.js';
export { paretoFront, paretoSelect } from './pareto.js';
