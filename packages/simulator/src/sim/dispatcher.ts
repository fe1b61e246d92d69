/**
 * Runs up to `concurrency` items (batches of events) at once, started in seq order,
 * and never two at once that share a key. So events on the same entity commit
 * in seq order, and an event that is missing after a crash shares no key with
 * any later event that did commit (see resume in simulator.ts).
 */
export interface Dispatchable {
  seq: number;
  keys: readonly string[];
}

export interface Dispatcher<T extends Dispatchable> {
  /** Waits until `item` may start, then starts it. Throws the first failure of any earlier item. */
  submit(item: T): Promise<void>;
  /** Waits for every started item; throws the first failure. */
  drain(): Promise<void>;
  /**
   * Waits for every started item and returns the failures, forgetting them:
   * submit() works again (after a lost connection has been dealt with).
   */
  settle(): Promise<unknown[]>;
  readonly inFlight: number;
}

export function createDispatcher<T extends Dispatchable>(options: {
  concurrency: number;
  apply: (item: T) => Promise<void>;
  onApplied?: (item: T) => void;
}): Dispatcher<T> {
  const limit = Math.max(1, options.concurrency);
  const running = new Set<Promise<void>>();
  const busy = new Map<string, Promise<void>>();
  let failures: unknown[] = [];

  const raise = () => {
    if (failures.length > 0) throw failures[0];
  };

  const start = (item: T) => {
    const task: Promise<void> = Promise.resolve()
      .then(() => options.apply(item))
      .then(
        () => options.onApplied?.(item),
        (error: unknown) => {
          failures.push(error);
        },
      )
      .finally(() => {
        running.delete(task);
        for (const key of item.keys) if (busy.get(key) === task) busy.delete(key);
      });
    running.add(task);
    for (const key of item.keys) busy.set(key, task);
  };

  return {
    get inFlight() {
      return running.size;
    },
    async submit(item) {
      raise();
      for (;;) {
        if (running.size >= limit) {
          await Promise.race(running);
          continue;
        }
        const blocker = item.keys.map((key) => busy.get(key)).find((task) => task !== undefined);
        if (blocker) {
          await blocker;
          continue;
        }
        break;
      }
      raise();
      start(item);
    },
    async drain() {
      while (running.size > 0) await Promise.all(running);
      raise();
    },
    async settle() {
      while (running.size > 0) await Promise.all(running);
      const settled = failures;
      failures = [];
      return settled;
    },
  };
}
