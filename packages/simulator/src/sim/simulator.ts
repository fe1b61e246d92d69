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
 *
 * A lost connection (PostgreSQL restarted, a backend terminated) does not end
 * a run: the batches in flight are let finish, then the store reconnects with
 * capped exponential backoff and jitter (and waits until no old backend is
 * left), the event log tells which events of the lost batches committed, the
 * others are sent again in seq order, and the schedule goes on (events that
 * fell due meanwhile go as catch-up batches). That is point 3 and 4 above in
 * the running process: an event missing after the loss shares no key with a
 * later committed one. After `giveUpAfterMs` without a connection the run
 * ends with SIM_PG_UNREACHABLE. Anything but a lost connection ends it at once.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pino, { type Logger } from 'pino';
import { createDispatcher } from './dispatcher.js';
import type { AnyDomain } from './domain.js';
import { SimError } from './errors.js';
import { createGenerator, type GeneratedEvent, type Generator } from './generator.js';
import { batchOf, createLedger, type Batch } from './ledger.js';
import { dueBatchSize, msUntilDue } from './pacing.js';
import type { SimStore } from './pg-store.js';
import { DEFAULT_RECONNECT, backoffMs, isRetriable, type ReconnectPolicy } from './retry.js';

export const DEFAULT_SEED = 1;
export const DEFAULT_BATCH_SIZE = 100;
/** How often a run makes its commits so far durable (see pump). */
const SYNC_POINT_MS = 1_000;

export interface SimulationOptions {
  /** The business simulated (the store must be made for the same domain). */
  domain: AnyDomain;
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
  /** Reconnecting after a lost connection (default: 100 ms doubling to 5 s, give up after 2 min). */
  reconnect?: Partial<ReconnectPolicy>;
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
  byType: Record<string, number>;
  lastSeq: number;
  elapsedMs: number;
  ratePerSec: number;
  stoppedBy: 'events' | 'duration' | 'signal';
  /** Times the run lost its connection to PostgreSQL and carried on. */
  reconnects: number;
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
    const { seed, created, replaced } = await store.setup(options.seed, DEFAULT_SEED);
    if (replaced.length > 0)
      log.info(
        { replaced, simSchema: store.simSchema },
        `${replaced.join(', ')} replaced since the simulation began (sim:load --replace): event log and snapshot dropped, a new simulation starts from the tables as they are`,
      );
    const snapshot = await store.loadSnapshot();
    const generator = createGenerator({ domain: options.domain, seed, tables: snapshot });
    const { lastLogged, gaps } = await replay(store, generator, now);
    if (gaps.length > 0) {
      log.warn(
        { seqs: gaps.map((g) => g.seq) },
        'applying events missing from the log after a crash',
      );
      const size = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
      for (let i = 0; i < gaps.length; i += size) await store.apply(gaps.slice(i, i + size));
    }
    await checkCounts(store, options.domain, generator);
    await store.syncPoint(); // what the log holds now survives a PostgreSQL crash
    log.info(
      { seed, created, resumedAfter: lastLogged, recovered: gaps.length, schema: store.schema },
      created ? 'new simulation' : 'resuming simulation',
    );
    const result = await pump(generator, options, now, log);
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

async function checkCounts(
  store: SimStore,
  domain: AnyDomain,
  generator: Generator,
): Promise<void> {
  const actual = await store.counts();
  for (const { name } of domain.tables) {
    const expected = [...domain.rows(generator.state, name)].length;
    if (Number(actual[name]) !== expected)
      throw new SimError(
        'SIM_STATE_MISMATCH',
        `${store.schema}.${name} has ${actual[name]} rows, but snapshot + event log give ${expected}: ` +
          `rows changed outside the simulator. Pass --reset to start a new simulation from them`,
      );
  }
}

/**
 * Generates and applies events. Paced, event k is due at t0 + k/rate on the
 * monotonic clock (an absolute schedule: no drift, no accumulated sleeps); a
 * batch holds the one event that is due, plus those that fell due meanwhile if
 * the run is behind. At full speed each batch takes `batchSize` events.
 */
async function pump(
  generator: Generator,
  options: SimulationOptions,
  now: () => string,
  log: Logger,
) {
  const { store, signal } = options;
  const policy: ReconnectPolicy = { ...DEFAULT_RECONNECT, ...options.reconnect };
  const byType: Record<string, number> = {};
  let applied = 0;
  let reconnects = 0;
  const paced = options.rate !== 'max';
  const interval = options.rate === 'max' ? 0 : 1000 / options.rate;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const firstSeq = generator.state.seq + 1;
  const t0 = performance.now();
  const elapsed = () => performance.now() - t0;
  const ledger = createLedger(firstSeq - 1);
  const confirm = (events: readonly GeneratedEvent[]) => {
    const at = performance.now();
    for (const event of events) {
      applied++;
      byType[event.event.type] = (byType[event.event.type] ?? 0) + 1;
      options.onApplied?.(event, at, paced ? t0 + (event.seq - firstSeq) * interval : undefined);
    }
  };
  /** An event reported applied that PostgreSQL lost in a crash: it will be applied again. */
  const unconfirm = (event: GeneratedEvent) => {
    applied--;
    byType[event.event.type] = (byType[event.event.type] ?? 1) - 1;
  };
  // Sync point about once a second: a synchronous commit flushes the WAL of
  // every earlier commit, so the events committed before it are durable.
  let syncing = false;
  let outage = false;
  const syncTimer = setInterval(() => {
    if (syncing || outage) return;
    syncing = true;
    const upTo = ledger.committedUpTo(generator.state.seq);
    void store
      .syncPoint()
      .then(
        () => ledger.durable(upTo),
        () => undefined, // a lost connection shows up in the next apply()
      )
      .finally(() => (syncing = false));
  }, SYNC_POINT_MS);
  const dispatcher = createDispatcher<Batch>({
    concurrency: options.concurrency,
    apply: (batch) => store.apply(batch.events),
    onApplied: (batch) => {
      ledger.committed(batch);
      confirm(batch.events);
    },
  });
  const send = async (batch: Batch) => {
    ledger.sent(batch);
    await dispatcher.submit(batch);
  };
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

  /**
   * Reconnects, then settles from the event log what is not known to be
   * durable (the ledger's `settle`): what committed is counted, what a
   * PostgreSQL crash lost is uncounted, and both kinds of lost events are sent
   * again, in seq order, first thing after the reconnect.
   */
  const resolve = async () => {
    await store.reconnect();
    const logged = await store.loggedSeqs(ledger.durableUpTo + 1, generator.state.seq);
    const settled = ledger.settle(logged, batchSize);
    confirm(settled.committed);
    for (const event of settled.lostInCrash) unconfirm(event);
    return {
      committed: settled.committed.length,
      again: settled.again.length - settled.lostInCrash.length,
      lostInCrash: settled.lostInCrash.length,
    };
  };

  /** After a failure: a lost connection is ridden out (or given up on); anything else is thrown. */
  const recover = async (err: unknown) => {
    const failures = await dispatcher.settle();
    // Anything but a lost connection (first the one that stopped the run) ends it.
    for (const failure of [err, ...failures]) if (!isRetriable(failure)) throw failure as Error;
    outage = true;
    const since = performance.now();
    let last = err;
    log.warn(
      { err, inDoubt: ledger.inDoubt(), where: store.where },
      `lost the connection to PostgreSQL: ${messageOf(err)}; reconnecting`,
    );
    for (let attempt = 0; ; attempt++) {
      const left = since + policy.giveUpAfterMs - performance.now();
      const gone = () =>
        `PostgreSQL at ${store.where} is unreachable: ${messageOf(err)}` +
        (last === err ? '' : `; last try: ${messageOf(last)}`) +
        `; ${attempt} reconnects failed in ${((performance.now() - since) / 1000).toFixed(1)} s; ` +
        `events in doubt: ${ledger.inDoubt()} (the next sim:run settles them from the event log). ` +
        'Check `pnpm stack:status` and `pnpm stack:logs postgres`';
      if (left <= 0) throw new SimError('SIM_PG_UNREACHABLE', gone(), { cause: last });
      try {
        await sleep(Math.min(backoffMs(attempt, policy), left), undefined, { signal });
        const settled = await untilAborted(resolve(), signal);
        reconnects++;
        outage = false;
        log.warn(
          { attempts: attempt + 1, ms: Math.round(performance.now() - since), ...settled },
          `reconnected to PostgreSQL at ${store.where}: of the events in doubt ${settled.committed} had committed, ` +
            `${settled.again} are sent again` +
            (settled.lostInCrash
              ? `, and ${settled.lostInCrash} committed ones lost in a PostgreSQL crash too`
              : '') +
            '; carrying on',
        );
        return;
      } catch (next) {
        if (signal?.aborted)
          throw new SimError('SIM_PG_UNREACHABLE', `stopped by a signal while ${gone()}`, {
            cause: last,
          });
        if (!isRetriable(next)) throw next;
        last = next;
        log.warn(
          { err: next, attempt: attempt + 1 },
          `PostgreSQL still unreachable: ${messageOf(next)}`,
        );
      }
    }
  };

  let stoppedBy: SimulationSummary['stoppedBy'] = 'signal';
  let k = 0;
  try {
    for (;;) {
      try {
        // After a reconnect, first the events of lost batches, in seq order.
        for (const batch of ledger.batchesInDoubt()) await dispatcher.submit(batch);
        while (!signal?.aborted) {
          const limit = limitAt(k);
          if (limit) {
            stoppedBy = limit;
            break;
          }
          const wait = msUntilDue(k, elapsed(), interval);
          if (paced && wait > 0) {
            try {
              await sleep(wait, undefined, { signal });
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
          await send(batchOf(events));
        }
        await dispatcher.drain();
        break;
      } catch (err) {
        await recover(err);
      }
    }
  } finally {
    if (ticker) clearInterval(ticker);
    clearInterval(syncTimer);
    await dispatcher.settle();
  }
  const elapsedMs = elapsed();
  return {
    applied,
    byType,
    elapsedMs,
    ratePerSec: applied / Math.max(elapsedMs / 1000, 1e-3),
    stoppedBy,
    reconnects,
  };
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** `promise`, or a rejection as soon as `signal` aborts (the promise is left to settle alone). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  promise.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
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
