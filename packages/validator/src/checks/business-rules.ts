/** The business rules of DESIGN.md, checked on the stream: status only forward, stock ≥ 0, cancelled never shipped. */
import { canTransition, ORDER_STATUSES, type OrderStatus } from '@mdp/schemas';
import { filter, map, type OperatorFunction } from 'rxjs';
import { createStateStore, type StateStore } from '../streams/operators.js';
import type { OrderingVerdict } from './ordering.js';
import { tableOf } from './ordering.js';
import type { Violation } from './violations.js';

const isStatus = (s: unknown): s is OrderStatus =>
  typeof s === 'string' && (ORDER_STATUSES as readonly string[]).includes(s);

/** Takes only in-order changes (duplicates and reorderings are reported by the ordering check). */
export function checkBusinessRules(
  statuses: StateStore<OrderStatus> = createStateStore(),
): OperatorFunction<OrderingVerdict, Violation> {
  return (source) =>
    source.pipe(
      filter((v) => v.kind === 'in-order'),
      map(({ change, key }): Violation | undefined => {
        const table = tableOf(change.topic);
        const at = `${change.topic}/${change.partition}@${change.offset}`;
        const after = change.after;
        if (table === 'products' && after && typeof after.stock === 'number' && after.stock < 0) {
          return {
            check: 'business-rules',
            kind: 'negative-stock',
            table,
            key,
            at,
            detail: `stock is ${after.stock}`,
          };
        }
        if (table !== 'orders') return undefined;
        const storeKey = key;
        if (change.op === 'd') {
          statuses.delete(storeKey);
          return undefined;
        }
        if (!after || !isStatus(after.status)) return undefined;
        const previous =
          statuses.get(storeKey) ??
          (isStatus(change.before?.status) ? change.before.status : undefined);
        statuses.put(storeKey, after.status);
        if (
          previous === undefined ||
          previous === after.status ||
          canTransition(previous, after.status)
        )
          return undefined;
        const kind =
          previous === 'cancelled' && after.status === 'shipped'
            ? 'cancelled-shipped'
            : 'status-backwards';
        return {
          check: 'business-rules',
          kind,
          table,
          key,
          at,
          detail: `status ${previous} → ${after.status}`,
        };
      }),
      filter((v): v is Violation => v !== undefined),
    );
}
