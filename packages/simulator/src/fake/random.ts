/**
 * The simulator's one PRNG (sfc32, seeded through splitmix32), used by
 * `sim:gen` and `sim:run` alike. Deterministic across platforms: only 32-bit
 * integer arithmetic, no Math.random. It is also faker's `Randomizer`: the
 * Faker instances of fakes.ts draw from it, so names and addresses come from
 * the same seeded stream as our own choices.
 *
 * A simulation never saves this state: on restart, sim:run regenerates its
 * events from the snapshot and the seed (simulator.ts), so a seed is all a
 * stream needs.
 */
import type { Randomizer } from '@faker-js/faker';

export interface Random extends Randomizer {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Restarts the stream; several numbers are mixed into one seed (mixSeed). */
  seed(seed: number | readonly number[]): void;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

export function createRandom(seed: number | readonly number[]): Random {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const next32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  const reseed = (value: number | readonly number[]) => {
    let s = typeof value === 'number' ? value >>> 0 : mixSeed(...value);
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    a = splitmix();
    b = splitmix();
    c = splitmix();
    d = splitmix();
    for (let i = 0; i < 12; i++) next32();
  };
  reseed(seed);

  const next = () => next32() / 0x1_0000_0000;
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    seed: reseed,
    int,
    between: (min, max) => min + int(max - min + 1),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[int(items.length)] as T;
    },
  };
}

/** Mixes numbers into one 32-bit seed (murmur3's finalizer per step). */
function mixSeed(...parts: number[]): number {
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
