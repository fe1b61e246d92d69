/** Summaries of latency samples. Percentiles by the nearest-rank method. */

export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/**
 * The p-th percentile (0 < p ≤ 100) of the samples by nearest rank: the smallest
 * sample with at least p % of the samples at or below it. NaN when there are none.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} is not in (0, 100]`);
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function summarize(samples: readonly number[]): Summary {
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    max: samples.length ? samples.reduce((m, x) => Math.max(m, x), -Infinity) : NaN,
  };
}
