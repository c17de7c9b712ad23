// Spaces draw from the data layer's seeded xoshiro128** generator: the same seed gives the same
// genotypes on every machine, independent of libtorch's generator.
export { Rng } from '../../data/index.js';

/** What a space needs from a generator (Rng satisfies it). */
export interface RandomSource {
  /** uniform integer in [0, n) */
  int(n: number): number;
  /** uniform in [0, 1) */
  next(): number;
}
