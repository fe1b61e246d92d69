/**
 * Seeded randomness for the generator: a small, fast PRNG (mulberry32) and a
 * hash that derives an independent stream per entity, so any row can be
 * produced on its own (orders see their customer's country and creation time
 * without keeping customers in memory) and the same seed gives the same bytes.
 */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

/** Mixes numbers into one 32-bit seed (murmur3's finalizer per step). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    h = (h + Math.floor(part / 0x100000000)) >>> 0;
  }
  return h >>> 0;
}

/** A seed from user text: integers stand for themselves, other text is hashed. */
export function seedFromText(text: string): number {
  if (/^\d+$/.test(text) && Number(text) <= 0xffffffff) return Number(text);
  let h = 2166136261;
  for (const char of text) h = Math.imul(h ^ char.codePointAt(0)!, 16777619);
  return h >>> 0;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (probability) => next() < probability,
  };
}
