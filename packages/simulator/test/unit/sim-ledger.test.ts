import { describe, expect, it } from 'vitest';
import type { GeneratedEvent } from '../../src/sim/generator.js';
import { batchOf, createLedger } from '../../src/sim/ledger.js';

const event = (seq: number): GeneratedEvent => ({
  seq,
  at: '2026-12-03T00:00:00.000Z',
  event: { type: 'order_paid' },
  writes: [],
  keys: [`o:${seq}`],
});
const batch = (...seqs: number[]) => batchOf(seqs.map(event));
const seqsOf = (events: readonly GeneratedEvent[]) => events.map((e) => e.seq);

describe('the durability ledger', () => {
  it('knows up to where every event committed, and what is in doubt', () => {
    const ledger = createLedger(10);
    expect(ledger.committedUpTo(10)).toBe(10);
    expect(ledger.inDoubt()).toBe('none');
    const [a, b, c] = [batch(11, 12), batch(13), batch(14, 15)];
    for (const x of [a, b, c]) ledger.sent(x);
    ledger.committed(b); // out of order: 11..12 still in doubt
    expect(ledger.committedUpTo(15)).toBe(10);
    expect(ledger.inDoubt()).toBe('4 (11..15)');
    ledger.committed(a);
    expect(ledger.committedUpTo(15)).toBe(13);
    expect(ledger.batchesInDoubt()).toEqual([c]);
    ledger.committed(c);
    expect(ledger.committedUpTo(15)).toBe(15);
  });

  it('forgets an event once a sync point after its commit succeeded, never moving back', () => {
    const ledger = createLedger(0);
    ledger.sent(batch(1, 2, 3));
    ledger.committed(batch(1, 2, 3));
    ledger.durable(2);
    ledger.durable(1);
    expect(ledger.durableUpTo).toBe(2);
    // only 3 is unsure: a crash that lost everything asks for 3 alone again
    expect(seqsOf(ledger.settle(new Set(), 100).again)).toEqual([3]);
  });

  it('settles from the event log: committed, lost in doubt, lost in a crash', () => {
    const ledger = createLedger(0);
    ledger.sent(batch(1, 2)); // committed, then a crash loses 2 (asynchronous commit)
    ledger.committed(batch(1, 2));
    ledger.sent(batch(3, 4)); // in doubt when the connection went: 3 committed, 4 did not
    ledger.sent(batch(5)); // in doubt, not committed
    const settled = ledger.settle(new Set([1, 3]), 2);
    expect(seqsOf(settled.committed)).toEqual([3]);
    expect(seqsOf(settled.lostInCrash)).toEqual([2]);
    expect(seqsOf(settled.again)).toEqual([2, 4, 5]);
    // sent again in seq order, in batches of the run's size
    expect(ledger.batchesInDoubt().map((b) => seqsOf(b.events))).toEqual([[2, 4], [5]]);
    expect(ledger.inDoubt()).toBe('3 (2..5)');
  });

  it('settles to nothing when the log holds every event', () => {
    const ledger = createLedger(0);
    ledger.sent(batch(1, 2));
    const settled = ledger.settle(new Set([1, 2]), 100);
    expect(seqsOf(settled.committed)).toEqual([1, 2]);
    expect(settled.again).toEqual([]);
    expect(ledger.batchesInDoubt()).toEqual([]);
  });
});
