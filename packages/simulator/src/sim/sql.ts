/**
 * One SQL statement per event: data-modifying CTEs change the business rows
 * and insert the event's log row, all in one statement, hence one transaction
 * and one round trip. `<sim>.check(ok, what)` raises SQLSTATE MDP01 (rolling the
 * whole statement back) when the rows are not in the state the event expects,
 * so PostgreSQL itself refuses a rule violation even if the tables were changed
 * behind the simulator's back.
 */
import type { DomainEvent } from '@mdp/schemas';
import type { GeneratedEvent } from './generator.js';

export interface Statement {
  name: string;
  text: string;
  values: unknown[];
}

export { CUSTOMER_COLUMNS, PRODUCT_COLUMNS, ORDER_COLUMNS } from '@mdp/schemas';

/** SQLSTATE raised by `<sim>.check` when an event's precondition fails in the database. */
export const CHECK_SQLSTATE = 'MDP01';

export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Idempotent DDL of the simulator's own schema (never part of the publication). */
export function setupSql(simSchema: string): string {
  const sim = ident(simSchema);
  return `
    CREATE SCHEMA IF NOT EXISTS ${sim};
    CREATE TABLE IF NOT EXISTS ${sim}.meta (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      seed bigint NOT NULL,
      source_schema text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE IF NOT EXISTS ${sim}.event_log (
      seq bigint PRIMARY KEY CHECK (seq > 0),
      type text NOT NULL,
      payload jsonb NOT NULL,
      at timestamptz NOT NULL
    );
    CREATE OR REPLACE FUNCTION ${sim}.check(ok boolean, what text) RETURNS boolean
      LANGUAGE plpgsql AS $fn$
      BEGIN
        IF ok IS NOT TRUE THEN RAISE EXCEPTION '%', what USING ERRCODE = '${CHECK_SQLSTATE}'; END IF;
        RETURN true;
      END $fn$;`;
}

/** Returns the statement that applies one generated event, with its log row. */
export function createStatements(
  schema: string,
  simSchema: string,
): (e: GeneratedEvent) => Statement {
  const t = (table: string) => `${ident(schema)}.${ident(table)}`;
  const sim = ident(simSchema);
  const log = (n: number) =>
    `log AS (INSERT INTO ${sim}.event_log (seq, type, payload, at)
       VALUES ($${n}::bigint, $${n + 1}::text, $${n + 2}::jsonb, $${n + 3}::timestamptz))`;
  const logValues = (e: GeneratedEvent) => [e.seq, e.event.type, JSON.stringify(e.event), e.at];
  const check = (condition: string, what: string) =>
    `SELECT ${sim}.check(${condition}, '${what}') AS ok`;
  const one = (cte: string) => `(SELECT count(*) FROM ${cte}) = 1`;

  const advance = (from: string, to: string) => ({
    text: `WITH upd AS (UPDATE ${t('orders')} SET status = '${to}', updated_at = $2::timestamptz
             WHERE id = $1::bigint AND status = '${from}' RETURNING id), ${log(3)}
           ${check(one('upd'), `order is missing or not ${from}`)}`,
    values: (e: GeneratedEvent, id: number) => [id, e.at, ...logValues(e)],
  });
  const paid = advance('placed', 'paid');
  const shipped = advance('paid', 'shipped');
  const delivered = advance('shipped', 'delivered');

  const texts = {
    customer_registered: `WITH ins AS (INSERT INTO ${t('customers')} (id, email, full_name, street, city, country, phone, created_at)
        VALUES ($1::bigint, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::timestamptz) RETURNING id), ${log(9)}
      ${check(one('ins'), 'customer not inserted')}`,
    customer_moved: `WITH upd AS (UPDATE ${t('customers')} SET street = $2::text, city = $3::text, country = $4::text
        WHERE id = $1::bigint RETURNING id), ${log(5)}
      ${check(one('upd'), 'customer is missing')}`,
    customer_erased: `WITH gone AS (DELETE FROM ${t('orders')} WHERE customer_id = $1::bigint RETURNING status),
        del AS (DELETE FROM ${t('customers')} WHERE id = $1::bigint RETURNING id), ${log(2)}
      ${check(`${one('del')} AND NOT EXISTS (SELECT 1 FROM gone WHERE status IN ('placed', 'paid', 'shipped'))`, 'customer is missing or has open orders')}`,
    product_added: `WITH ins AS (INSERT INTO ${t('products')} (id, sku, name, category, unit_price, stock, active, created_at)
        VALUES ($1::bigint, $2::text, $3::text, $4::text, $5::numeric, $6::int, $7::boolean, $8::timestamptz) RETURNING id), ${log(9)}
      ${check(one('ins'), 'product not inserted')}`,
    product_repriced: `WITH upd AS (UPDATE ${t('products')} SET unit_price = $2::numeric WHERE id = $1::bigint RETURNING id), ${log(3)}
      ${check(one('upd'), 'product is missing')}`,
    product_restocked: `WITH upd AS (UPDATE ${t('products')} SET stock = stock + $2::int WHERE id = $1::bigint RETURNING id), ${log(3)}
      ${check(one('upd'), 'product is missing')}`,
    order_placed: `WITH stock AS (UPDATE ${t('products')} SET stock = stock - $4::int
          WHERE id = $3::bigint AND stock >= $4::int RETURNING id),
        ins AS (INSERT INTO ${t('orders')} (id, customer_id, product_id, quantity, unit_price, status, placed_at, updated_at)
          VALUES ($1::bigint, $2::bigint, $3::bigint, $4::int, $5::numeric, 'placed', $6::timestamptz, $6::timestamptz) RETURNING id),
        ${log(7)}
      ${check(`${one('stock')} AND ${one('ins')}`, 'product is missing or has too little stock')}`,
    order_paid: paid.text,
    order_shipped: shipped.text,
    order_delivered: delivered.text,
    order_cancelled: `WITH upd AS (UPDATE ${t('orders')} SET status = 'cancelled', updated_at = $2::timestamptz
          WHERE id = $1::bigint AND status IN ('placed', 'paid') RETURNING product_id, quantity),
        stock AS (UPDATE ${t('products')} p SET stock = p.stock + upd.quantity FROM upd WHERE p.id = upd.product_id RETURNING p.id),
        ${log(3)}
      ${check(`${one('upd')} AND ${one('stock')}`, 'order is missing or neither placed nor paid')}`,
  } satisfies Record<DomainEvent['type'], string>;

  const values = (e: GeneratedEvent): unknown[] => {
    const ev = e.event;
    switch (ev.type) {
      case 'customer_registered': {
        const c = ev.customer;
        return [
          c.id,
          c.email,
          c.full_name,
          c.street,
          c.city,
          c.country,
          c.phone,
          c.created_at,
          ...logValues(e),
        ];
      }
      case 'customer_moved':
        return [ev.customerId, ev.street, ev.city, ev.country, ...logValues(e)];
      case 'customer_erased':
        return [ev.customerId, ...logValues(e)];
      case 'product_added': {
        const p = ev.product;
        return [
          p.id,
          p.sku,
          p.name,
          p.category,
          p.unit_price,
          p.stock,
          p.active,
          p.created_at,
          ...logValues(e),
        ];
      }
      case 'product_repriced':
        return [ev.productId, ev.unitPrice, ...logValues(e)];
      case 'product_restocked':
        return [ev.productId, ev.quantity, ...logValues(e)];
      case 'order_placed': {
        const o = ev.order;
        return [
          o.id,
          o.customer_id,
          o.product_id,
          o.quantity,
          o.unit_price,
          o.placed_at,
          ...logValues(e),
        ];
      }
      case 'order_paid':
        return paid.values(e, ev.orderId);
      case 'order_shipped':
        return shipped.values(e, ev.orderId);
      case 'order_delivered':
        return delivered.values(e, ev.orderId);
      case 'order_cancelled':
        return [ev.orderId, e.at, ...logValues(e)];
    }
  };

  return (e) => ({ name: `mdp_sim_${e.event.type}`, text: texts[e.event.type], values: values(e) });
}
