/**
 * The paced schedule: event k (0-based in a run) is due k × interval ms after
 * the run starts, on the monotonic clock (absolute: no drift, no accumulated
 * sleeps). Pure, so the batching decision is tested without a clock.
 */

/** How long to wait before event `k` is due (≤ 0: it is due now). */
export function msUntilDue(k: number, elapsedMs: number, intervalMs: number): number {
  return k * intervalMs - elapsedMs;
}

/**
 * How many events, from event `k` on, to send in one round trip now: event `k`
 * itself plus those that also fell due while the run was behind, at most
 * `most`. On schedule this is 1; at full speed (`intervalMs` 0) it is `most`.
 */
export function dueBatchSize(
  k: number,
  elapsedMs: number,
  intervalMs: number,
  most: number,
): number {
  if (intervalMs <= 0) return most;
  let n = 1;
  while (n < most && (k + n) * intervalMs <= elapsedMs) n++;
  return n;
}
