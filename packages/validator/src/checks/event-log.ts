/**
 * Every event of the simulator's event log (`sim.event_log`) has its change in the stream.
 * Each event names the table, key and what its change must show; events are matched in
 * log order to the first unused change of that key that shows it.
 */
import type { DomainEvent, LoggedEvent } from '@mdp/schemas';
import type { Change } from '../avro/decoder.js';
import { canonical, keyString, sameDecimal } from './canonical.js';
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
 * `changes` per table, keyed by `keyString` of the record key; returns one violation per
 * unmatched event. Only the changes to `tables` are expected (validate --tables).
 */
export function checkEventLog(
  events: Iterable<LoggedEvent>,
  changesByKey: ReadonlyMap<string, readonly Change[]>,
  tables: ReadonlySet<string>,
): { events: number; violations: Violation[] } {
  const used = new Set<Change>();
  const violations: Violation[] = [];
  let count = 0;
  for (const logged of events) {
    count += 1;
    for (const want of expectationsOf(logged.event)) {
      if (!tables.has(want.table)) continue;
      const key = keyString({ id: canonical(BigInt(want.id)) });
      const candidates = changesByKey.get(`${want.table}|${key}`) ?? [];
      const snapshotted = candidates.length > 0 && candidates[0]!.op === 'r';
      const match = candidates.find((c) => !used.has(c) && want.shows(c));
      if (match) used.add(match);
      else if (!snapshotted) {
        violations.push({
          check: 'event-log',
          kind: 'event-missing',
          table: want.table,
          key,
          detail: `event #${logged.seq} ${logged.event.type}: no ${want.what} change in the stream`,
        });
      }
    }
  }
  return { events: count, violations };
}
