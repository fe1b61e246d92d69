/** The business rules of DESIGN.md, checked on the stream: status only forward, stock ≥ 0, cancelled never shipped. */
import { canTransition, ORDER_STATUSES, type OrderStatus } from '@mdp/schemas';
import { filter, map, merge, share, type Observable } from 'rxjs';
import type { Change } from '../avro/decoder.js';
import {
  aggregateByKey,
  createStateStore,
  type Keyed,
  type Processor,
  type StateStore,
} from '../streams/operators.js';
import { tableOf } from './ordering.js';
import type { Violation } from './violations.js';

const isStatus = (s: unknown): s is OrderStatus =>
  typeof s === 'string' && (ORDER_STATUSES as readonly string[]).includes(s);

const at = (change: Change) => `${change.topic}/${change.partition}@${change.offset}`;

/** An order's status as of its last change, and the step that change took (if it moved it). */
export interface OrderStatusState {
  status?: OrderStatus;
  step?: { from: OrderStatus; to: OrderStatus; change: Change };
}

function nextStatus(state: OrderStatusState, change: Change): OrderStatusState | undefined {
  if (change.op === 'd') return undefined;
  const to = change.after?.status;
  if (!isStatus(to)) return { status: state.status };
  const from = state.status ?? (isStatus(change.before?.status) ? change.before.status : undefined);
  return {
    status: to,
    ...(from !== undefined && from !== to ? { step: { from, to, change } } : {}),
  };
}

/** Per order (a state store of its status), a status that moves backwards, or shipped after cancelled. */
function statusOnlyForward(
  statuses: StateStore<OrderStatusState>,
): Processor<Keyed<Change>, Violation> {
  return (changes) =>
    changes.pipe(
      filter(({ value }) => tableOf(value.topic) === 'orders'),
      aggregateByKey<Change, OrderStatusState>(statuses, () => ({}), nextStatus),
      map(({ key, value }) => ({ key, step: value?.step })),
      filter(({ step }) => step !== undefined && !canTransition(step.from, step.to)),
      map(({ key, step }) => ({
        check: 'business-rules',
        kind:
          step!.from === 'cancelled' && step!.to === 'shipped'
            ? 'cancelled-shipped'
            : 'status-backwards',
        table: 'orders',
        key,
        at: at(step!.change),
        detail: `status ${step!.from} → ${step!.to}`,
      })),
    );
}

/** A product whose stock goes below zero. Stateless. */
const stockNeverNegative: Processor<Keyed<Change>, Violation> = (changes) =>
  changes.pipe(
    filter(({ value }) => {
      const stock = value.after?.stock;
      return tableOf(value.topic) === 'products' && typeof stock === 'number' && stock < 0;
    }),
    map(({ key, value }) => ({
      check: 'business-rules',
      kind: 'negative-stock',
      table: 'products',
      key,
      at: at(value),
      detail: `stock is ${String(value.after!.stock)}`,
    })),
  );

/** Takes in-order changes keyed by their record key (duplicates and reorderings are the ordering check's). */
export function checkBusinessRules(
  statuses: StateStore<OrderStatusState> = createStateStore(),
): Processor<Keyed<Change>, Violation> {
  return (changes: Observable<Keyed<Change>>) => {
    const shared = changes.pipe(share());
    return merge(shared.pipe(statusOnlyForward(statuses)), shared.pipe(stockNeverNegative));
  };
}
