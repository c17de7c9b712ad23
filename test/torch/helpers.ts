// Shared assertions for the engine's tests.
import assert from 'node:assert/strict';

/** Every element of `actual` is within atol + rtol·|expected| of `expected`. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-6, rtol = 1e-5, what = ''): void {
  assert.equal(actual.length, expected.length, `${what} length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      assert.fail(
        `${what} element ${i}: ${a} != ${e} (atol ${atol}, rtol ${rtol})\n actual ${Array.from(actual).slice(0, 12).join(', ')}\n expected ${Array.from(expected).slice(0, 12).join(', ')}`,
      );
    }
  }
}

/** Relative error of an analytic against a numeric derivative, with a floor for tiny values. */
export function relError(analytic: number, numeric: number, floor = 1e-6): number {
  return Math.abs(analytic - numeric) / Math.max(Math.abs(analytic), Math.abs(numeric), floor);
}

/** Asserts that fn throws an Error whose message matches `pattern`; returns it. */
export function assertThrowsMessage(fn: () => unknown, pattern: RegExp): Error {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error, `expected an Error to be thrown, got ${String(caught)}`);
  assert.match(caught.message, pattern);
  return caught;
}

/** A small seeded generator (mulberry32) for choosing elements to check. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
