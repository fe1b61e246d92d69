/**
 * Every event of the simulator's event log (`sim.event_log`) has its change in the stream.
 * Each event names the table, key and what its change must show.
 */
import type { DomainEvent, LoggedEvent } from '@mdp/schemas';
import type { Change } from '../avro/decoder.js';
import { canonical, keyString, sameDecimal } from './canonical.js';
import { atWatermark, type Watermark } from './completeness.js';
import type { Violation } from './violations.js';

interface Expectation {
  table: string;
  id: number;
  shows: (c: Change) => boolean;
  what: string;
}

const num = (v: unknown) => Number(v);

function expectationsOf(event: DomainEvent): Expectation[] {
  switch (event.type) {
    case 'customer_registered':
      return [
        {
          table: 'customers',
          id: event.customer.id,
          what: 'insert',
          shows: (c) => (c.op === 'c' || c.op === 'r') && c.after?.email === event.customer.email,
        },
      ];
    case 'customer_moved':
      return [
        {
          table: 'customers',
          id: event.customerId,
          what: 'address update',
          shows: (c) =>
            c.after?.street === event.street &&
            c.after.city === event.city &&
            c.after.country === event.country,
        },
      ];
    case 'customer_erased':
      return [
        { table: 'customers', id: event.customerId, what: 'delete', shows: (c) => c.op === 'd' },
      ];
    case 'product_added':
      return [
        {
          table: 'products',
          id: event.product.id,
          what: 'insert',
          shows: (c) => (c.op === 'c' || c.op === 'r') && c.after?.sku === event.product.sku,
        },
      ];
    case 'product_repriced':
      return [
        {
          table: 'products',
          id: event.productId,
          what: `price ${event.unitPrice}`,
          shows: (c) => sameDecimal(c.after?.unit_price, event.unitPrice),
        },
      ];
    case 'product_restocked':
      return [
        {
          table: 'products',
          id: event.productId,
          what: `stock +${event.quantity}`,
          shows: (c) =>
            c.op === 'u' && num(c.after?.stock) - num(c.before?.stock) === event.quantity,
        },
      ];
    case 'order_placed':
      return [
        {
          table: 'orders',
          id: event.order.id,
          what: 'insert',
          shows: (c) => c.op === 'c' || c.op === 'r',
        },
        {
          table: 'products',
          id: event.order.product_id,
          what: `stock -${event.order.quantity}`,
          shows: (c) =>
            c.op === 'u' && num(c.before?.stock) - num(c.after?.stock) === event.order.quantity,
        },
      ];
    case 'order_paid':
    case 'order_shipped':
    case 'order_delivered':
    case 'order_cancelled': {
      const status = event.type.slice('order_'.length);
      return [
        {
          table: 'orders',
          id: event.orderId,
          what: `status ${status}`,
          shows: (c) => c.after?.status === status,
        },
      ];
    }
  }
}

/**
 * Matches the event log to the stream as both arrive (bounded state). Each event's expected
 * changes wait, per key and in log order, for the first change that shows them; a change
 * that arrives before its event was read waits for it, but only while no watermark has seen
 * it: the simulator writes an event and its changes in one transaction, so an event a change
 * answers was read with the first watermark that sees the change. An event still waiting at a
 * verdict is missing, unless its key's first change was a snapshot read (its earlier history
 * was never streamed). Only the changes to `tables` are expected (validate --tables).
 */
export function createEventLogMatcher(tables: ReadonlySet<string>) {
  const waiting = new Map<string, (Expectation & { logged: LoggedEvent })[]>();
  const held = new Map<string, Change[]>();
  const firstOp = new Map<string, Change['op']>();
  let watermark: Watermark | undefined;
  let read = 0;
  let lastSeq = -Infinity;

  function hold(tableKey: string, change: Change) {
    const list = held.get(tableKey) ?? [];
    list.push(change);
    held.set(tableKey, list);
  }

  return {
    /** The next in-order change of `table`, keyed by `keyString` of its record key. */
    observe(table: string, key: string, change: Change): void {
      const tableKey = `${table}|${key}`;
      if (!firstOp.has(tableKey)) firstOp.set(tableKey, change.op);
      const queue = waiting.get(tableKey);
      const found = queue?.findIndex((want) => want.shows(change)) ?? -1;
      if (found >= 0) {
        queue!.splice(found, 1);
        if (!queue!.length) waiting.delete(tableKey);
      } else if (!watermark || !atWatermark(change, watermark)) hold(tableKey, change);
    },
    /** The event log read at `next` (the whole log: events already read are skipped). */
    expect(events: Iterable<LoggedEvent>, next: Watermark): void {
      watermark = next;
      for (const logged of events) {
        if (logged.seq <= lastSeq) continue;
        lastSeq = logged.seq;
        read += 1;
        for (const want of expectationsOf(logged.event)) {
          if (!tables.has(want.table)) continue;
          const tableKey = `${want.table}|${keyString({ id: canonical(BigInt(want.id)) })}`;
          const candidates = held.get(tableKey);
          const found = candidates?.findIndex((c) => want.shows(c)) ?? -1;
          if (found >= 0) candidates!.splice(found, 1);
          else {
            const queue = waiting.get(tableKey) ?? [];
            queue.push({ ...want, logged });
            waiting.set(tableKey, queue);
          }
        }
      }
      // What this watermark sees answers no event yet to be read.
      for (const [tableKey, changes] of held) {
        const later = changes.filter((c) => !atWatermark(c, next));
        if (later.length) held.set(tableKey, later);
        else held.delete(tableKey);
      }
    },
    /** The events read so far, and one violation per event still without its change. */
    verdict(): { events: number; violations: Violation[] } {
      const missing: { seq: number; violation: Violation }[] = [];
      for (const [tableKey, queue] of waiting) {
        if (firstOp.get(tableKey) === 'r') continue;
        const key = tableKey.slice(tableKey.indexOf('|') + 1);
        for (const { table, what, logged } of queue)
          missing.push({
            seq: logged.seq,
            violation: {
              check: 'event-log',
              kind: 'event-missing',
              table,
              key,
              detail: `event #${logged.seq} ${logged.event.type}: no ${what} change in the stream`,
            },
          });
      }
      missing.sort((a, b) => a.seq - b.seq);
      return { events: read, violations: missing.map((m) => m.violation) };
    },
  };
}
