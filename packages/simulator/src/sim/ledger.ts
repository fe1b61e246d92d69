/**
 * The durability ledger of a run: what the simulator knows of each event it
 * sent, which is what makes a lost connection or a PostgreSQL crash lose or
 * double nothing (see simulator.ts). An event is
 * - in doubt from when its batch is sent until its commit is known;
 * - unsure until it is durable: commits are asynchronous (synchronous_commit
 *   off), so a PostgreSQL crash may lose a committed event until a sync point
 *   after its commit has flushed the WAL;
 * - durable from then on, and forgotten.
 * After a reconnect, the event log says which unsure events survived: `settle`.
 * No I/O here: the simulator feeds it and asks it.
 */
import type { GeneratedEvent } from './generator.js';

/** Consecutive events applied on one connection in one round trip, one transaction each. */
export interface Batch {
  seq: number;
  keys: string[];
  events: GeneratedEvent[];
}

export const batchOf = (events: GeneratedEvent[]): Batch => ({
  seq: events[0]!.seq,
  keys: [...new Set(events.flatMap((e) => e.keys))],
  events,
});

/** What the event log told of the unsure events after a reconnect. */
interface Settlement {
  /** In doubt and logged: they committed (the run counts them now). */
  readonly committed: readonly GeneratedEvent[];
  /** Counted as committed but not logged: lost in a PostgreSQL crash (the run uncounts them). */
  readonly lostInCrash: readonly GeneratedEvent[];
  /** Not logged, in seq order: to be sent again (the lost in doubt and the lost in the crash). */
  readonly again: readonly GeneratedEvent[];
}

export interface Ledger {
  /** Highest seq known durable. */
  readonly durableUpTo: number;
  sent(batch: Batch): void;
  committed(batch: Batch): void;
  /** Highest seq with every event up to it committed, given the last generated seq. */
  committedUpTo(lastSeq: number): number;
  /** A sync point taken when every event up to `upTo` had committed has succeeded. */
  durable(upTo: number): void;
  /** Seqs of the events in doubt, for messages: "none" or "3 (10..12)". */
  inDoubt(): string;
  /** The batches in doubt, in seq order: sent again first after a reconnect. */
  batchesInDoubt(): Batch[];
  /** Reads the event log's answer (`logged`: the logged seqs above durableUpTo) and resets. */
  settle(logged: ReadonlySet<number>, batchSize: number): Settlement;
}

export function createLedger(lastLoggedSeq: number): Ledger {
  /** Batches sent whose commit is not known yet, by first seq. */
  const pending = new Map<number, Batch>();
  /** Every sent event above durableUpTo, in seq order. */
  const unsure = new Map<number, GeneratedEvent>();
  let durableUpTo = lastLoggedSeq;
  const inDoubtSeqs = () => [...pending.values()].flatMap((b) => b.events.map((e) => e.seq));

  return {
    get durableUpTo() {
      return durableUpTo;
    },
    sent(batch) {
      pending.set(batch.seq, batch);
      for (const event of batch.events) unsure.set(event.seq, event);
    },
    committed(batch) {
      pending.delete(batch.seq);
    },
    committedUpTo(lastSeq) {
      return pending.size === 0 ? lastSeq : Math.min(...pending.keys()) - 1;
    },
    durable(upTo) {
      durableUpTo = Math.max(durableUpTo, upTo);
      for (const seq of unsure.keys()) {
        if (seq > durableUpTo) break;
        unsure.delete(seq);
      }
    },
    inDoubt() {
      const seqs = inDoubtSeqs();
      return seqs.length === 0
        ? 'none'
        : `${seqs.length} (${Math.min(...seqs)}..${Math.max(...seqs)})`;
    },
    batchesInDoubt() {
      return [...pending.values()].sort((a, b) => a.seq - b.seq);
    },
    settle(logged, batchSize) {
      const inDoubt = new Set(inDoubtSeqs());
      const committed: GeneratedEvent[] = [];
      const lostInCrash: GeneratedEvent[] = [];
      const again: GeneratedEvent[] = [];
      for (const event of unsure.values()) {
        if (logged.has(event.seq)) {
          if (inDoubt.has(event.seq)) committed.push(event);
          continue;
        }
        again.push(event);
        if (!inDoubt.has(event.seq)) lostInCrash.push(event);
      }
      // The lost events are the newest of each key (the WAL is cut at one point):
      // sent again in seq order they keep each key's order.
      pending.clear();
      for (let i = 0; i < again.length; i += batchSize) {
        const batch = batchOf(again.slice(i, i + batchSize));
        pending.set(batch.seq, batch);
      }
      return { committed, lostInCrash, again };
    },
  };
}
