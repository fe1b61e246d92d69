/**
 * The simulation loop and its resume.
 *
 * Resume design (kill -9 safe):
 * 1. The first run copies the business tables into <sim>.snapshot_* and stores
 *    the seed; state at seq n = snapshot + fold(events 1..n).
 * 2. Generation is sequential and deterministic (snapshot, seed); each event is
 *    one transaction that also inserts its log row (seq is the primary key, so
 *    nothing is ever applied twice).
 * 3. Several transactions run at once, but never two sharing an entity key, so
 *    an event missing after a crash (a gap below the highest logged seq) shares
 *    no key with any later committed event and can still be applied.
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
import type { SimStore } from './pg-store.js';

export const DEFAULT_SEED = 1;

export interface SimulationOptions {
  store: SimStore;
  /** Seed of a new event log; must match the stored one when resuming. */
  seed?: number;
  /** Drop the event log and snapshot first: a new simulation from the current tables. */
  reset?: boolean;
  /** Events per second, or 'max' for as fast as the connections allow. */
  rate: number | 'max';
  /** Transactions in flight at once. */
  concurrency: number;
  /** Stop after this many new events (gap recovery not counted). */
  events?: number;
  /** Stop after this long (paced: exactly rate × duration events). */
  durationMs?: number;
  signal?: AbortSignal;
  logger?: Logger;
  /** Timestamp of new events (default: wall clock). */
  now?: () => string;
  onProgress?: (progress: Progress) => void;
  /** Called when an event's transaction has committed, with performance.now(). */
  onApplied?: (event: GeneratedEvent, at: number) => void;
}

export interface Progress {
  applied: number;
  lastSeq: number;
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
      for (const gap of gaps) await store.apply(gap);
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

async function pump(generator: Generator, options: SimulationOptions, now: () => string) {
  const byType: Partial<Record<DomainEventType, number>> = {};
  let applied = 0;
  const dispatcher = createDispatcher<GeneratedEvent>({
    concurrency: options.concurrency,
    apply: (event) => options.store.apply(event),
    onApplied: (event) => {
      applied++;
      byType[event.event.type] = (byType[event.event.type] ?? 0) + 1;
      options.onApplied?.(event, performance.now());
    },
  });
  const paced = options.rate !== 'max';
  const interval = options.rate === 'max' ? 0 : 1000 / options.rate;
  const t0 = performance.now();
  const elapsed = () => performance.now() - t0;
  const progress = (): Progress => ({
    applied,
    lastSeq: generator.state.seq,
    inFlight: dispatcher.inFlight,
    elapsedMs: elapsed(),
    ratePerSec: applied / Math.max(elapsed() / 1000, 1e-3),
  });
  const ticker = options.onProgress && setInterval(() => options.onProgress?.(progress()), 500);
  let stoppedBy: SimulationSummary['stoppedBy'] = 'signal';
  try {
    for (let k = 0; ; k++) {
      if (options.events !== undefined && k >= options.events) {
        stoppedBy = 'events';
        break;
      }
      // Paced: event k is due at t0 + k·interval on the monotonic clock (no drift).
      const due = k * interval;
      if (options.durationMs !== undefined && (paced ? due : elapsed()) >= options.durationMs) {
        stoppedBy = 'duration';
        break;
      }
      if (options.signal?.aborted) break;
      const wait = due - elapsed();
      if (paced && wait > 0) {
        try {
          await sleep(wait, undefined, { signal: options.signal });
        } catch {
          break; // aborted
        }
      }
      await dispatcher.submit(generator.next(now()));
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
