/**
 * The simulation loop and its resume.
 *
 * Resume design (kill -9 safe):
 * 1. The first run copies the business tables into <sim>.snapshot_* and stores
 *    the seed; state at seq n = snapshot + fold(events 1..n).
 * 2. Generation is sequential and deterministic (snapshot, seed); each event is
 *    one transaction that also inserts its log row (seq is the primary key, so
 *    nothing is ever applied twice).
 * 3. Consecutive events go in batches (one round trip, still one transaction
 *    each, applied in order, stopping at a failure). Several batches run at
 *    once, but never two sharing an entity key, so an event missing after a
 *    crash (a gap below the highest logged seq) shares no key with any later
 *    committed event and can still be applied.
 * 4. On start, events are regenerated from the snapshot: logged seqs are checked
 *    against the regenerated event (same type and payload) and folded in, gaps
 *    are applied, then row counts are checked before new events are generated.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DomainEventType } from '@mdp/schemas';
import pino, { type Logger } from 'pino';
import { createDispatcher } from './dispatcher.js';
import { SimError } from './errors.js';
import { createGenerator, type GeneratedEvent, type Generator } from './generator.js';
import { dueBatchSize, msUntilDue } from './pacing.js';
import type { SimStore } from './pg-store.js';

export const DEFAULT_SEED = 1;
export const DEFAULT_BATCH_SIZE = 100;

export interface SimulationOptions {
  store: SimStore;
  /** Seed of a new event log; must match the stored one when resuming. */
  seed?: number;
  /** Drop the event log and snapshot first: a new simulation from the current tables. */
  reset?: boolean;
  /** Events per second, or 'max' for as fast as the connections allow. */
  rate: number | 'max';
  /** Batches in flight at once, each on its own connection. */
  concurrency: number;
  /**
   * Most events sent in one round trip (default 100). Each event is still its
   * own transaction; a paced run sends one event a batch unless it is behind.
   */
  batchSize?: number;
  /** Stop after this many new events (gap recovery not counted). */
  events?: number;
  /** Stop after this long (paced: exactly rate × duration events). */
  durationMs?: number;
  signal?: AbortSignal;
  logger?: Logger;
  /** Timestamp of new events (default: wall clock). */
  now?: () => string;
  onProgress?: (progress: Progress) => void;
  /**
   * Called when an event's transaction has committed, with performance.now()
   * then and, when paced, when the schedule wanted it (same clock).
   */
  onApplied?: (event: GeneratedEvent, at: number, due: number | undefined) => void;
}

export interface Progress {
  applied: number;
  lastSeq: number;
  /** Batches in flight. */
  inFlight: number;
  elapsedMs: number;
  ratePerSec: number;
}

export interface SimulationSummary {
  seed: number;
  /** Highest seq in the log when this run started (0 for a new log). */
  resumedAfter: number;
  /** Events missing from the log after a crash, applied before new ones. */
  recovered: number;
  /** New events applied by this run. */
  applied: number;
  byType: Partial<Record<DomainEventType, number>>;
  lastSeq: number;
  elapsedMs: number;
  ratePerSec: number;
  stoppedBy: 'events' | 'duration' | 'signal';
}

export async function runSimulation(options: SimulationOptions): Promise<SimulationSummary> {
  const { store } = options;
  const log = options.logger ?? pino({ level: 'silent' });
  const now = options.now ?? (() => new Date().toISOString());
  await store.open();
  try {
    if (options.reset) {
      await store.reset();
      log.info({ simSchema: store.simSchema }, 'event log and snapshot dropped (--reset)');
    }
    const { seed, created } = await store.setup(options.seed, DEFAULT_SEED);
    const snapshot = await store.loadSnapshot();
    const generator = createGenerator({ seed, snapshot });
    const { lastLogged, gaps } = await replay(store, generator, now);
    if (gaps.length > 0) {
      log.warn(
        { seqs: gaps.map((g) => g.seq) },
        'applying events missing from the log after a crash',
      );
      const size = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
      for (let i = 0; i < gaps.length; i += size) await store.apply(gaps.slice(i, i + size));
    }
    await checkCounts(store, generator);
    log.info(
      { seed, created, resumedAfter: lastLogged, recovered: gaps.length, schema: store.schema },
      created ? 'new simulation' : 'resuming simulation',
    );
    const result = await pump(generator, options, now);
    return {
      seed,
      resumedAfter: lastLogged,
      recovered: gaps.length,
      lastSeq: generator.state.seq,
      ...result,
    };
  } finally {
    await store.close();
  }
}

/** Regenerates logged events from the snapshot, checking each; returns the gaps. */
async function replay(store: SimStore, generator: Generator, now: () => string) {
  const gaps: GeneratedEvent[] = [];
  let lastLogged = 0;
  for (;;) {
    const batch = await store.readLog(lastLogged, 10_000);
    if (batch.length === 0) break;
    for (const logged of batch) {
      while (generator.state.seq + 1 < logged.seq) gaps.push(generator.next(now()));
      const expected = generator.next(logged.at);
      if (canonical(expected.event) !== canonical(logged.event))
        throw new SimError(
          'SIM_LOG_DIVERGED',
          `event ${logged.seq} in ${store.simSchema}.event_log is ${canonical(logged.event)}, but snapshot + seed give ` +
            `${canonical(expected.event)}; the log was not made from this snapshot and seed (--reset starts over)`,
        );
      lastLogged = logged.seq;
    }
  }
  return { lastLogged, gaps };
}

async function checkCounts(store: SimStore, generator: Generator): Promise<void> {
  const actual = await store.counts();
  const { customers, products, orders } = generator.state;
  const expected = { customers: customers.size, products: products.size, orders: orders.size };
  for (const name of ['customers', 'products', 'orders'] as const)
    if (actual[name] !== expected[name])
      throw new SimError(
        'SIM_STATE_MISMATCH',
        `${store.schema}.${name} has ${actual[name]} rows, but snapshot + event log give ${expected[name]}: ` +
          `the tables changed outside the simulator (reloaded?). Pass --reset to start a new simulation from them`,
      );
}

/** Consecutive events applied on one connection in one round trip, one transaction each. */
interface Batch {
  seq: number;
  keys: string[];
  events: GeneratedEvent[];
}

const batchOf = (events: GeneratedEvent[]): Batch => ({
  seq: events[0]!.seq,
  keys: [...new Set(events.flatMap((e) => e.keys))],
  events,
});

/**
 * Generates and applies events. Paced, event k is due at t0 + k/rate on the
 * monotonic clock (an absolute schedule: no drift, no accumulated sleeps); a
 * batch holds the one event that is due, plus those that fell due meanwhile if
 * the run is behind. At full speed each batch takes `batchSize` events.
 */
async function pump(generator: Generator, options: SimulationOptions, now: () => string) {
  const byType: Partial<Record<DomainEventType, number>> = {};
  let applied = 0;
  const paced = options.rate !== 'max';
  const interval = options.rate === 'max' ? 0 : 1000 / options.rate;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const firstSeq = generator.state.seq + 1;
  const t0 = performance.now();
  const elapsed = () => performance.now() - t0;
  const dispatcher = createDispatcher<Batch>({
    concurrency: options.concurrency,
    apply: (batch) => options.store.apply(batch.events),
    onApplied: (batch) => {
      const at = performance.now();
      for (const event of batch.events) {
        applied++;
        byType[event.event.type] = (byType[event.event.type] ?? 0) + 1;
        options.onApplied?.(event, at, paced ? t0 + (event.seq - firstSeq) * interval : undefined);
      }
    },
  });
  const progress = (): Progress => ({
    applied,
    lastSeq: generator.state.seq,
    inFlight: dispatcher.inFlight,
    elapsedMs: elapsed(),
    ratePerSec: applied / Math.max(elapsed() / 1000, 1e-3),
  });
  const ticker = options.onProgress && setInterval(() => options.onProgress?.(progress()), 500);
  /** Whether event k (0-based in this run) is still to be made, or what stops the run. */
  const limitAt = (k: number): SimulationSummary['stoppedBy'] | undefined => {
    if (options.events !== undefined && k >= options.events) return 'events';
    if (
      options.durationMs !== undefined &&
      (paced ? k * interval : elapsed()) >= options.durationMs
    )
      return 'duration';
    return undefined;
  };
  let stoppedBy: SimulationSummary['stoppedBy'] = 'signal';
  try {
    for (let k = 0; !options.signal?.aborted;) {
      const limit = limitAt(k);
      if (limit) {
        stoppedBy = limit;
        break;
      }
      const wait = msUntilDue(k, elapsed(), interval);
      if (paced && wait > 0) {
        try {
          await sleep(wait, undefined, { signal: options.signal });
        } catch {
          break; // aborted
        }
      }
      const size = dueBatchSize(k, elapsed(), interval, batchSize);
      const events: GeneratedEvent[] = [];
      do {
        events.push(generator.next(now()));
        k++;
      } while (events.length < size && !limitAt(k));
      await dispatcher.submit(batchOf(events));
    }
  } finally {
    if (ticker) clearInterval(ticker);
    await dispatcher.drain();
  }
  const elapsedMs = elapsed();
  return {
    applied,
    byType,
    elapsedMs,
    ratePerSec: applied / Math.max(elapsedMs / 1000, 1e-3),
    stoppedBy,
  };
}

/** JSON with sorted keys: jsonb does not keep key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}
