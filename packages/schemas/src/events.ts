import type { Customer, DecimalString, IsoTimestamp, Order, Product } from './domain.js';

/**
 * Domain events of the simulator. The simulator's state is the fold of these;
 * each is applied to PostgreSQL as one transaction together with its row in
 * the event log.
 */
export type DomainEvent =
  | { type: 'customer_registered'; customer: Customer }
  | { type: 'customer_moved'; customerId: number; street: string; city: string; country: string }
  | { type: 'customer_erased'; customerId: number }
  | { type: 'product_added'; product: Product }
  | { type: 'product_repriced'; productId: number; unitPrice: DecimalString }
  | { type: 'product_restocked'; productId: number; quantity: number }
  | { type: 'order_placed'; order: Order }
  | { type: 'order_paid'; orderId: number }
  | { type: 'order_shipped'; orderId: number }
  | { type: 'order_delivered'; orderId: number }
  | { type: 'order_cancelled'; orderId: number };

export type DomainEventType = DomainEvent['type'];

/** An event as stored in the event log: its position and when it happened. */
export interface LoggedEvent {
  seq: number;
  at: IsoTimestamp;
  event: DomainEvent;
}

/** Schema of the event log: kept out of the publication, so Debezium never captures it. */
export const EVENT_LOG_SCHEMA = 'sim';
export const EVENT_LOG_TABLE = 'event_log';
