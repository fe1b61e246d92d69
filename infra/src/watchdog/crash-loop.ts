/**
 * When a crashing service has been restarted often enough to stop trying: at
 * `limit` restarts within `windowMs`. process-compose restarts a crashed service
 * after 2 s for ever and its restart count never goes back to zero, so the
 * window is kept here, from the counts it reports.
 */
export interface CrashLoopGuard {
  /** Records `restarts` (process-compose's count for `service`) at `now`; true: give up on it. */
  observe(service: string, restarts: number, now: number): boolean;
  /** Starts `service`'s history afresh (it was started again by hand). */
  forget(service: string): void;
  /** The restarts of `service` within the window at `now`. */
  recent(service: string, now: number): number;
}

export function createCrashLoopGuard(limit: number, windowMs: number): CrashLoopGuard {
  const last = new Map<string, number>();
  const times = new Map<string, number[]>();
  const prune = (service: string, now: number): number[] => {
    const kept = (times.get(service) ?? []).filter((at) => now - at < windowMs);
    times.set(service, kept);
    return kept;
  };
  return {
    observe(service, restarts, now) {
      const before = last.get(service);
      last.set(service, restarts);
      // The first count seen is where the history starts: older restarts are not timed.
      if (before !== undefined && restarts > before)
        times.set(service, [
          ...(times.get(service) ?? []),
          ...Array.from({ length: restarts - before }, () => now),
        ]);
      return prune(service, now).length >= limit;
    },
    forget(service) {
      times.delete(service);
    },
    recent: (service, now) => prune(service, now).length,
  };
}
