import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DomainEvent } from '@mdp/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/generate/write.js';
import { createLoader, listCsvFiles } from '../../src/load/loader.js';
import { retail } from '../../src/domains/retail/domain.js';
import { createGenerator, type GeneratedEvent } from '../../src/sim/generator.js';
import { createSimStore, type SimStoreOptions } from '../../src/sim/pg-store.js';
import { canonical, runSimulation, type SimulationOptions } from '../../src/sim/simulator.js';
import { expectConsistent, readLog } from '../sim-check.js';
import { connectionFromEnv, createTestSchemas, type TestSchemas } from '../sim-fixture.js';

const made: TestSchemas[] = [];
const fresh = async () => {
  const db = await createTestSchemas('simrun');
  made.push(db);
  return db;
};
afterAll(async () => {
  for (const db of made) await db.drop();
});

const storeFor = (db: TestSchemas, extra: Partial<SimStoreOptions> = {}) =>
  createSimStore({
    domain: retail,
    connection: connectionFromEnv(),
    schema: db.schema,
    simSchema: db.simSchema,
    concurrency: 4,
    ...extra,
  });
const simulate = (db: TestSchemas, options: Partial<SimulationOptions> = {}) =>
  runSimulation({ domain: retail, store: storeFor(db), rate: 'max', concurrency: 4, ...options });
const errorCode = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (err: { code?: string }) => err.code,
  );

describe('simulation on PostgreSQL', () => {
  let db: TestSchemas;
  beforeAll(async () => {
    db = await fresh();
  });

  it('applies N events, one log row each; the rules hold and tables = snapshot + fold(log)', async () => {
    const summary = await simulate(db, { events: 500, seed: 9 });
    expect(summary).toMatchObject({
      applied: 500,
      resumedAfter: 0,
      recovered: 0,
      lastSeq: 500,
      stoppedBy: 'events',
    });
    expect(Object.values(summary.byType).reduce((a, b) => a + b, 0)).toBe(500);
    expect(await expectConsistent(db.admin, db.schema, db.simSchema)).toBe(500);
  });

  it('resumes where the log ends, keeps its seed and refuses another one', async () => {
    const summary = await simulate(db, { events: 100 });
    expect(summary).toMatchObject({ seed: 9, resumedAfter: 500, lastSeq: 600 });
    expect(await errorCode(simulate(db, { events: 1, seed: 10 }))).toBe('SIM_SEED_MISMATCH');
    expect(await expectConsistent(db.admin, db.schema, db.simSchema)).toBe(600);
  });

  it('gives the same events for the same seed and starting data', async () => {
    const other = await fresh();
    await simulate(other, { events: 600, seed: 9, concurrency: 8 });
    const strip = (log: Awaited<ReturnType<typeof readLog>>) =>
      log.map((e) => canonical(e.event).replace(/"\d{4}-\d\d-\d\dT[^"]*"/g, '"<time>"'));
    expect(strip(await readLog(other.schema, other.simSchema))).toEqual(
      strip(await readLog(db.schema, db.simSchema)),
    );
  });

  it('paces by the monotonic clock: rate × duration events', async () => {
    const paced = await fresh();
    const summary = await simulate(paced, { rate: 200, durationMs: 1000 });
    expect(summary).toMatchObject({ applied: 200, stoppedBy: 'duration' });
  });

  it('applies events missing from the log after a crash (gaps), exactly once', async () => {
    const gappy = await fresh();
    await simulate(gappy, { events: 40, seed: 3 });
    // Replay the log, then apply 20 more events except one that shares no key
    // with any later one: the state a crash with several in flight can leave.
    const store = storeFor(gappy);
    await store.open();
    const generator = createGenerator({
      domain: retail,
      seed: 3,
      tables: await store.loadSnapshot(),
    });
    for (const logged of await store.readLog(0, 1000)) generator.next(logged.at);
    const more: GeneratedEvent[] = Array.from({ length: 20 }, () =>
      generator.next(new Date().toISOString()),
    );
    const missing = more.find((e, i) =>
      more.slice(i + 1).every((later) => later.keys.every((k) => !e.keys.includes(k))),
    );
    expect(missing).toBeDefined();
    for (const e of more) if (e !== missing) await store.apply([e]);
    await store.close();

    const summary = await simulate(gappy, { events: 5 });
    expect(summary).toMatchObject({ recovered: 1, resumedAfter: 60, lastSeq: 65, applied: 5 });
    expect(await expectConsistent(gappy.admin, gappy.schema, gappy.simSchema)).toBe(65);
  });

  it('refuses a log that does not match snapshot + seed, and tables changed behind its back', async () => {
    const broken = await fresh();
    await simulate(broken, { events: 30, seed: 4 });
    await broken.admin.query(
      `DELETE FROM ${broken.schema}.orders WHERE status = 'delivered' AND id = (SELECT min(id) FROM ${broken.schema}.orders WHERE status = 'delivered')`,
    );
    expect(await errorCode(simulate(broken, { events: 1 }))).toBe('SIM_STATE_MISMATCH');
    await broken.admin.query(
      `UPDATE ${broken.simSchema}.event_log SET payload = jsonb_set(payload, '{type}', '"x"') WHERE seq = 7`,
    );
    expect(await errorCode(simulate(broken, { events: 1 }))).toBe('SIM_LOG_DIVERGED');
    // --reset starts a new simulation from the tables as they are now.
    const summary = await simulate(broken, { events: 10, reset: true, seed: 5 });
    expect(summary).toMatchObject({ resumedAfter: 0, lastSeq: 10, seed: 5 });
    expect(await expectConsistent(broken.admin, broken.schema, broken.simSchema)).toBe(10);
  });

  it('starts a new simulation by itself after sim:load --replace of the tables', async () => {
    const reloaded = await fresh();
    await simulate(reloaded, { events: 20, seed: 3 });
    const dir = await mkdtemp(join(tmpdir(), 'mdp-sim-reload-'));
    try {
      await generateDataset({ out: dir, seed: 9, scale: 1 });
      await createLoader({ client: reloaded.admin }).load({
        files: await listCsvFiles(dir),
        schema: reloaded.schema,
        replace: true,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const summary = await simulate(reloaded, { events: 10 });
    expect(summary).toMatchObject({ resumedAfter: 0, lastSeq: 10 });
    expect(await expectConsistent(reloaded.admin, reloaded.schema, reloaded.simSchema)).toBe(10);
    // and resumes that one on the next run
    expect(await simulate(reloaded, { events: 5 })).toMatchObject({
      resumedAfter: 10,
      lastSeq: 15,
    });
  });

  it('refuses a second simulator on the same event log', async () => {
    const holder = storeFor(db);
    await holder.open();
    try {
      const second = runSimulation({
        domain: retail,
        store: storeFor(db, { lockTimeoutMs: 200 }),
        rate: 'max',
        concurrency: 1,
        events: 1,
      });
      expect(await errorCode(second)).toBe('SIM_LOCKED');
    } finally {
      await holder.close();
    }
  });

  it('refuses to start without the business tables', async () => {
    const empty = await fresh();
    await empty.admin.query(`DROP TABLE ${empty.schema}.orders`);
    expect(await errorCode(simulate(empty, { events: 1 }))).toBe('SIM_NO_TABLES');
  });

  it('has PostgreSQL refuse an event whose rows changed behind its back (nothing half-done)', async () => {
    const changed = await fresh();
    const store = storeFor(changed);
    await store.open();
    await store.setup(1, 1);
    const generator = createGenerator({
      domain: retail,
      seed: 1,
      tables: await store.loadSnapshot(),
    });
    let event = generator.next(new Date().toISOString());
    while (event.event.type !== 'order_placed') event = generator.next(new Date().toISOString());
    const productId = event.event.order.product_id;
    await changed.admin.query(`UPDATE ${changed.schema}.products SET stock = 0 WHERE id = $1`, [
      productId,
    ]);
    expect(await errorCode(store.apply([event]))).toBe('SIM_APPLY_FAILED');
    await store.close();
    const rows = await changed.admin.query(
      `SELECT count(*)::int AS n FROM ${changed.simSchema}.event_log`,
    );
    expect(rows.rows[0]).toEqual({ n: 0 });
    const order = await changed.admin.query(
      `SELECT 1 FROM ${changed.schema}.orders WHERE id = $1`,
      [event.event.order.id],
    );
    expect(order.rowCount).toBe(0);
  });

  it('applies a batch in order, one transaction each, and stops at the first refused event', async () => {
    const changed = await fresh();
    const store = storeFor(changed);
    await store.open();
    await store.setup(2, 1);
    const generator = createGenerator({
      domain: retail,
      seed: 2,
      tables: await store.loadSnapshot(),
    });
    const events: GeneratedEvent<DomainEvent>[] = [];
    // The first order placed after a few events, on a product no earlier event touches.
    let bad = -1;
    while (bad < 0 || events.length < bad + 4) {
      const event = generator.next(new Date().toISOString());
      const i = events.push(event) - 1;
      const product = `products:${event.event.type === 'order_placed' ? event.event.order.product_id : ''}`;
      if (bad < 0 && i >= 3 && event.event.type === 'order_placed')
        if (events.slice(0, i).every((e) => !e.keys.includes(product))) bad = i;
    }
    const placed = events[bad]!.event as Extract<DomainEvent, { type: 'order_placed' }>;
    await changed.admin.query(`UPDATE ${changed.schema}.products SET stock = 0 WHERE id = $1`, [
      placed.order.product_id,
    ]);
    expect(await errorCode(store.apply(events))).toBe('SIM_APPLY_FAILED');
    await store.close();
    const { rows } = await changed.admin.query<{ seq: number; xid: string }>(
      `SELECT seq::int, xmin::text AS xid FROM ${changed.simSchema}.event_log ORDER BY seq`,
    );
    expect(rows.map((r) => r.seq)).toEqual(events.slice(0, bad).map((e) => e.seq));
    expect(new Set(rows.map((r) => r.xid)).size).toBe(bad); // one transaction per event
  });
});
