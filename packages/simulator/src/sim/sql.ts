/**
 * The simulator's SQL: its own schema (meta, event log) and two routines it
 * installs there, so that applying events costs one round trip per batch:
 *
 * - `<sim>.apply_event(seq, at, event)` changes the business rows for one
 *   domain event and inserts its log row. It checks each rule again in the
 *   database (the row is there and in the state the event expects, stock
 *   stays ≥ 0, no open order blocks an erasure) and raises SQLSTATE MDP01 when
 *   one fails, so PostgreSQL refuses a violation even if the tables were
 *   changed behind the simulator's back.
 * - `CALL <sim>.apply_events(batch)` applies a JSON array of events in order
 *   and COMMITs after each one: one transaction per event, with its log row.
 *   An error rolls back the failing event and stops the batch; the events
 *   before it stay committed, the ones after it are never tried.
 *
 * The statements inside PL/pgSQL are planned once per connection, so an event
 * costs no parse or plan.
 */
import { CUSTOMER_COLUMNS, ORDER_COLUMNS, PRODUCT_COLUMNS } from '@mdp/schemas';
import type { GeneratedEvent } from './generator.js';

export { CUSTOMER_COLUMNS, PRODUCT_COLUMNS, ORDER_COLUMNS } from '@mdp/schemas';

/** SQLSTATE raised by `<sim>.check` when an event's precondition fails in the database. */
export const CHECK_SQLSTATE = 'MDP01';

export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Idempotent DDL of the simulator's own schema (never part of the publication). */
export function setupSql(schema: string, simSchema: string): string {
  const sim = ident(simSchema);
  return `
    CREATE SCHEMA IF NOT EXISTS ${sim};
    CREATE TABLE IF NOT EXISTS ${sim}.meta (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      seed bigint NOT NULL,
      source_schema text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    -- the business tables' OIDs when the snapshot was taken: a reload (sim:load
    -- --replace) creates new tables, and the next run starts a new simulation
    ALTER TABLE ${sim}.meta ADD COLUMN IF NOT EXISTS table_oids jsonb;
    CREATE TABLE IF NOT EXISTS ${sim}.event_log (
      seq bigint PRIMARY KEY CHECK (seq > 0),
      type text NOT NULL,
      payload jsonb NOT NULL,
      at timestamptz NOT NULL
    );
    CREATE OR REPLACE FUNCTION ${sim}.check(ok boolean, what text) RETURNS void
      LANGUAGE plpgsql AS $fn$
      BEGIN
        IF ok IS NOT TRUE THEN RAISE EXCEPTION '%', what USING ERRCODE = '${CHECK_SQLSTATE}'; END IF;
      END $fn$;
    ${applyEventSql(schema, simSchema)}
    CREATE OR REPLACE PROCEDURE ${sim}.apply_events(batch jsonb)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        item jsonb;
      BEGIN
        FOR i IN 0 .. jsonb_array_length(batch) - 1 LOOP
          item := batch -> i;
          PERFORM ${sim}.apply_event((item ->> 'seq')::bigint, (item ->> 'at')::timestamptz, item -> 'event');
          COMMIT;
        END LOOP;
      END $fn$;`;
}

/** `<sim>.apply_event`: one domain event on the business tables of `schema`, plus its log row. */
function applyEventSql(schema: string, simSchema: string): string {
  const sim = ident(simSchema);
  const t = (table: string) => `${ident(schema)}.${ident(table)}`;
  const insertFrom = (table: string, columns: readonly string[], json: string) => {
    const list = columns.map(ident).join(', ');
    return `INSERT INTO ${t(table)} (${list})
              SELECT ${list} FROM jsonb_populate_record(NULL::${t(table)}, ${json});`;
  };
  const check = (what: string) => `PERFORM ${sim}.check(FOUND, '${what}');`;
  const advance = (from: string, to: string) => `
          UPDATE ${t('orders')} SET status = '${to}', updated_at = event_at
            WHERE id = (ev ->> 'orderId')::bigint AND status = '${from}';
          ${check(`order is missing or not ${from}`)}`;
  return `
    CREATE OR REPLACE FUNCTION ${sim}.apply_event(event_seq bigint, event_at timestamptz, ev jsonb)
      RETURNS void LANGUAGE plpgsql AS $fn$
      DECLARE
        kind text := ev ->> 'type';
        target bigint;
        amount integer;
        item bigint;
      BEGIN
        CASE kind
        WHEN 'customer_registered' THEN
          ${insertFrom('customers', CUSTOMER_COLUMNS, `ev -> 'customer'`)}
        WHEN 'customer_moved' THEN
          UPDATE ${t('customers')} SET street = ev ->> 'street', city = ev ->> 'city', country = ev ->> 'country'
            WHERE id = (ev ->> 'customerId')::bigint;
          ${check('customer is missing')}
        WHEN 'customer_erased' THEN
          target := (ev ->> 'customerId')::bigint;
          PERFORM ${sim}.check(NOT EXISTS (SELECT 1 FROM ${t('orders')}
            WHERE customer_id = target AND status IN ('placed', 'paid', 'shipped')), 'customer has open orders');
          DELETE FROM ${t('orders')} WHERE customer_id = target;
          DELETE FROM ${t('customers')} WHERE id = target;
          ${check('customer is missing')}
        WHEN 'product_added' THEN
          ${insertFrom('products', PRODUCT_COLUMNS, `ev -> 'product'`)}
        WHEN 'product_repriced' THEN
          UPDATE ${t('products')} SET unit_price = (ev ->> 'unitPrice')::numeric
            WHERE id = (ev ->> 'productId')::bigint;
          ${check('product is missing')}
        WHEN 'product_restocked' THEN
          UPDATE ${t('products')} SET stock = stock + (ev ->> 'quantity')::integer
            WHERE id = (ev ->> 'productId')::bigint;
          ${check('product is missing')}
        WHEN 'order_placed' THEN
          amount := (ev -> 'order' ->> 'quantity')::integer;
          UPDATE ${t('products')} SET stock = stock - amount
            WHERE id = (ev -> 'order' ->> 'product_id')::bigint AND stock >= amount;
          ${check('product is missing or has too little stock')}
          ${insertFrom('orders', ORDER_COLUMNS, `ev -> 'order'`)}
        WHEN 'order_paid' THEN ${advance('placed', 'paid')}
        WHEN 'order_shipped' THEN ${advance('paid', 'shipped')}
        WHEN 'order_delivered' THEN ${advance('shipped', 'delivered')}
        WHEN 'order_cancelled' THEN
          UPDATE ${t('orders')} SET status = 'cancelled', updated_at = event_at
            WHERE id = (ev ->> 'orderId')::bigint AND status IN ('placed', 'paid')
            RETURNING product_id, quantity INTO item, amount;
          ${check('order is missing or neither placed nor paid')}
          UPDATE ${t('products')} SET stock = stock + amount WHERE id = item;
          ${check('the product of the order is missing')}
        ELSE
          PERFORM ${sim}.check(false, format('unknown event type %s', kind));
        END CASE;
        INSERT INTO ${sim}.event_log (seq, type, payload, at) VALUES (event_seq, kind, ev, event_at);
      END $fn$;`;
}

/** The argument of `CALL <sim>.apply_events($1)`: the events as one JSON array. */
export function batchJson(events: readonly GeneratedEvent[]): string {
  return JSON.stringify(events.map(({ seq, at, event }) => ({ seq, at, event })));
}
