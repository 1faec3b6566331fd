/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the same stream on every
 * machine and every run, so a bootstrap interval in a stored report can be reproduced exactly.
 * Not for cryptography.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

export function createRng(seed: number): Rng {
  // Fold any number (negative, fractional, > 2^32) into an unsigned 32-bit state.
  let state = (Math.trunc(seed) >>> 0) ^ 0x9e3779b9;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
  };
}
