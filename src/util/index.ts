// Engine-free helpers every layer may import (nothing here loads libtorch): plain JSON and
// canonical keys, seeded random numbers, name suggestions and the NasforgeError base.
export { NasforgeError, isNasforgeError } from './errors.js';
export {
  type Json,
  type JsonProblem,
  MAX_JSON_DEPTH,
  JsonError,
  plainJsonProblem,
  parseJson,
  canonicalJson,
  jsonRoundTrip,
} from './json.js';
export { Rng, type RandomSource } from './random.js';
export { editDistance, nearestNames, didYouMean } from './names.js';
export { readOptions, showValue, typeWords, type OptionValue, type OptionFailure, type ReadOptions } from './options.js';
