/**
 * Test helper: proves an event log and a domain's tables agree (tables =
 * snapshot + fold(log), one transaction per event) and, for retail, that the
 * business rules hold in SQL.
 */
import { ORDER_TRANSITIONS } from '@mdp/schemas';
import type pg from 'pg';
import { expect } from 'vitest';
import { createSimStore } from '../src/sim/pg-store.js';
import { retail } from '../src/domains/retail/domain.js';
import type { AnyDomain } from '../src/sim/domain.js';
import { fold, tablesOf, type Logged } from '../src/sim/fold.js';
import { connectionFromEnv } from './sim-fixture.js';

export async function readLog(
  schema: string,
  simSchema: string,
  domain: AnyDomain = retail,
): Promise<Logged[]> {
  const store = createSimStore({
    domain,
    connection: connectionFromEnv(),
    schema,
    simSchema,
  });
  await store.open();
  try {
    const all: Logged[] = [];
    for (
      let batch = await store.readLog(0, 5000);
      batch.length > 0;
      batch = await store.readLog(all.at(-1)!.seq, 5000)
    )
      all.push(...batch);
    return all;
  } finally {
    await store.close();
  }
}

/**
 * Log seqs are 1..n without gaps, each event committed in a transaction of its
 * own, and the domain's tables = snapshot + fold(log). Returns the log's length.
 */
export async function expectFolded(
  admin: pg.Client,
  domain: AnyDomain,
  schema: string,
  simSchema: string,
): Promise<number> {
  const store = createSimStore({
    domain,
    connection: connectionFromEnv(),
    schema,
    simSchema,
  });
  await store.open();
  let snapshot, tables;
  try {
    snapshot = await store.loadSnapshot();
    tables = await store.readTables();
  } finally {
    await store.close();
  }
  const log = await readLog(schema, simSchema, domain);
  expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
  expect(tablesOf(domain, fold(domain, snapshot, log))).toEqual(tables);
  const { rows } = await admin.query<{ n: number }>(
    `SELECT count(DISTINCT xmin::text)::int AS n FROM ${simSchema}.event_log`,
  );
  expect(rows[0]!.n).toBe(log.length);
  return log.length;
}

/** expectFolded for retail, and its business rules hold in SQL. */
export async function expectConsistent(
  admin: pg.Client,
  schema: string,
  simSchema: string,
): Promise<number> {
  const events = await expectFolded(admin, retail, schema, simSchema);

  const q = async (sql: string) => Number((await admin.query<{ n: string }>(sql)).rows[0]!.n);
  expect(await q(`SELECT count(*) AS n FROM ${schema}.products WHERE stock < 0`)).toBe(0);
  expect(
    await q(
      `SELECT count(*) AS n FROM ${schema}.orders WHERE status NOT IN ('placed','paid','shipped','delivered','cancelled')`,
    ),
  ).toBe(0);
  // Every status change in the log is an allowed forward move from the previous status
  // (the snapshot's for the first change), so a cancelled order was never shipped.
  const allowed = Object.entries(ORDER_TRANSITIONS)
    .flatMap(([from, tos]) => tos.map((to) => `('${from}','${to}')`))
    .join(',');
  expect(
    await q(`
      WITH ev AS (
        SELECT seq, COALESCE((payload->>'orderId')::int, (payload->'order'->>'id')::int) AS id,
               CASE type WHEN 'order_placed' THEN 'placed' ELSE substr(type, 7) END AS status
        FROM ${simSchema}.event_log WHERE type LIKE 'order_%'),
      moves AS (
        SELECT ev.status AS "to", COALESCE(lag(ev.status) OVER (PARTITION BY ev.id ORDER BY seq), s.status) AS "from"
        FROM ev LEFT JOIN ${simSchema}.snapshot_orders s ON s.id = ev.id)
      SELECT count(*) AS n FROM moves
      WHERE "from" IS NOT NULL AND ("from", "to") NOT IN (VALUES ${allowed})`),
  ).toBe(0);
  // An erased customer is gone with all their orders.
  expect(
    await q(`SELECT count(*) AS n FROM ${simSchema}.event_log l
             WHERE type = 'customer_erased' AND (
               EXISTS (SELECT 1 FROM ${schema}.customers c WHERE c.id = (l.payload->>'customerId')::int)
               OR EXISTS (SELECT 1 FROM ${schema}.orders o WHERE o.customer_id = (l.payload->>'customerId')::int))`),
  ).toBe(0);
  return events;
}
