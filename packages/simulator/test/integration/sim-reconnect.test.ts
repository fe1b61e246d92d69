/**
 * The simulator rides out a lost PostgreSQL connection (real PostgreSQL, no
 * mocks): backends terminated under a running `sim:run`, the database made
 * unreachable for one client through a TCP relay, a refused event that must
 * not be retried. Each run is then checked against the event log: gapless,
 * every event applied once, tables = snapshot + fold(log), rules hold, and the
 * log is what snapshot + seed generate (a later run replays and checks it).
 */
import { pollUntil } from '@mdp/schemas';
import { afterAll, describe, expect, it } from 'vitest';
import { retail } from '../../src/domains/retail/domain.js';
import { createSimStore } from '../../src/sim/pg-store.js';
import { runSimulation } from '../../src/sim/simulator.js';
import { expectConsistent } from '../sim-check.js';
import {
  connectionFromEnv,
  createTestSchemas,
  startScript,
  startSimRun,
  type CliRun,
  type TestSchemas,
} from '../sim-fixture.js';
import { startTcpProxy, type TcpProxy } from '../tcp-proxy.js';

const made: TestSchemas[] = [];
const proxies: TcpProxy[] = [];
const fresh = async () => {
  const db = await createTestSchemas('simre', { customers: 300, products: 60, orders: 800 });
  made.push(db);
  return db;
};
const relay = async () => {
  const proxy = await startTcpProxy({
    host: process.env.PGHOST!,
    port: Number(process.env.PGPORT),
  });
  proxies.push(proxy);
  return proxy;
};
afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  for (const db of made) await db.drop();
});

/** Events in the log; 0 until the simulator has made it. */
const logged = (db: TestSchemas) =>
  db.admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${db.simSchema}.event_log`).then(
    (r) => Number(r.rows[0]!.n),
    () => 0,
  );
const progress = (db: TestSchemas, n: number, what: string) =>
  pollUntil(what, async () => (await logged(db)) >= n, 60_000, 50);
/** Terminates every backend of the simulator on `db` (its run-lock session and its pool). */
const terminateSimulator = async (db: TestSchemas) =>
  (
    await db.admin.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1`,
      [`mdp-sim ${db.simSchema}`],
    )
  ).rows[0]!.n;
const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => err as { code?: string; retriable?: boolean; cause?: unknown },
  );
/** The JSON log lines (pino) a CLI run wrote to stderr. */
const logLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map(
      (line) => JSON.parse(line) as { level: number; err?: { code?: string; retriable?: boolean } },
    );
/** A later run replays the whole log against snapshot + seed (SIM_LOG_DIVERGED otherwise). */
const expectReplays = async (db: TestSchemas) => {
  const again = await (
    await startSimRun([
      '--rate',
      'max',
      '--events',
      '1',
      '--schema',
      db.schema,
      '--sim-schema',
      db.simSchema,
    ])
  ).done;
  expect(again.code, again.stderr).toBe(0);
};

describe('sim:run rides out a lost connection', () => {
  it('backends terminated three times at 50/s: exit 0 on SIGTERM, every event applied once', async () => {
    const db = await fresh();
    const run = await startSimRun([
      '--rate',
      '50/s',
      '--seed',
      '7',
      '--schema',
      db.schema,
      '--sim-schema',
      db.simSchema,
    ]);
    try {
      await progress(db, 50, '50 events before the first fault');
      for (let round = 1; round <= 3; round++) {
        expect(await terminateSimulator(db)).toBeGreaterThan(0);
        const after = await logged(db);
        await progress(db, after + 50, `50 events after termination ${round}`);
      }
    } finally {
      run.child.kill('SIGTERM');
    }
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/stopped by signal/);
    // Each termination was noticed (its run-lock session was among the backends) and ridden out.
    const lost = logLines(result.stderr).filter((l) => l.level === 40 && l.err?.retriable);
    expect(lost.length).toBeGreaterThanOrEqual(3);
    expect(Number(/(\d+) reconnects/.exec(result.stdout)?.[1])).toBeGreaterThanOrEqual(3);
    expect(await expectConsistent(db.admin, db.schema, db.simSchema)).toBeGreaterThanOrEqual(200);
    await expectReplays(db);
  });

  it('SIGTERM while PostgreSQL is unreachable ends the run (exit 1, SIM_PG_UNREACHABLE); the next run settles the events in doubt', async () => {
    const db = await fresh();
    const proxy = await relay();
    const viaProxy = { ...process.env, PGHOST: '127.0.0.1', PGPORT: String(proxy.port) };
    const args = ['--rate', '50/s', '--schema', db.schema, '--sim-schema', db.simSchema];
    // Giving up would take 10 minutes: only the signal can end this run in time.
    const run: CliRun = await startScript(
      'bin/sim-run.ts',
      [...args, '--give-up-after', '10m'],
      viaProxy,
    );
    try {
      await progress(db, 100, '100 events before the cut');
      await proxy.cut();
      await pollUntil(
        'the simulator to notice the lost connection',
        () => logLines(run.stderrSoFar()).some((l) => l.level === 40 && l.err?.retriable),
        60_000,
        50,
      );
    } finally {
      run.child.kill('SIGTERM');
    }
    const result = await run.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SIM_PG_UNREACHABLE');
    await proxy.mend();
    const next = await (await startSimRun([...args, '--events', '20'])).done;
    expect(next.code, next.stderr).toBe(0);
    expect(await expectConsistent(db.admin, db.schema, db.simSchema)).toBeGreaterThanOrEqual(120);
  });
});

/** Fresh schemas, and a store that reaches PostgreSQL through a relay the test can cut. */
const behindRelay = async () => {
  const db = await fresh();
  const proxy = await relay();
  const store = createSimStore({
    domain: retail,
    connection: { ...connectionFromEnv(), host: '127.0.0.1', port: proxy.port },
    schema: db.schema,
    simSchema: db.simSchema,
    concurrency: 4,
  });
  return { db, proxy, store };
};

describe('runSimulation after a lost connection', () => {
  it('reconnects through a relay that was cut and mended, and applies each event once', async () => {
    const { db, proxy, store } = await behindRelay();
    const stop = new AbortController();
    const running = runSimulation({
      domain: retail,
      store,
      rate: 100,
      concurrency: 4,
      seed: 3,
      signal: stop.signal,
    });
    try {
      for (let round = 1; round <= 2; round++) {
        await progress(db, round * 100, `progress before cut ${round}`);
        await proxy.cut();
        await proxy.mend();
      }
      await progress(db, 300, 'progress after the cuts');
    } finally {
      stop.abort();
    }
    const summary = await running;
    expect(summary.reconnects).toBeGreaterThanOrEqual(1);
    expect(summary.stoppedBy).toBe('signal');
    expect(await expectConsistent(db.admin, db.schema, db.simSchema)).toBe(summary.lastSeq);
    expect(summary.applied).toBe(summary.lastSeq); // counted once each, also the ones in doubt
  });

  it('gives up after the set time without a connection: SIM_PG_UNREACHABLE wrapping the last error', async () => {
    const { db, proxy, store } = await behindRelay();
    const running = runSimulation({
      domain: retail,
      store,
      rate: 50,
      concurrency: 2,
      reconnect: { giveUpAfterMs: 1_500 },
    });
    await progress(db, 20, '20 events before the cut');
    await proxy.cut();
    const err = await errorOf(running);
    expect(err?.code).toBe('SIM_PG_UNREACHABLE');
    expect(err?.retriable).toBe(false);
    expect((err?.cause as { code?: string } | undefined)?.code).toBe('ECONNREFUSED');
    await proxy.mend();
    // Nothing is half-done: a direct run settles the in-doubt events and goes on.
    const after = await runSimulation({
      domain: retail,
      store: createSimStore({
        domain: retail,
        connection: connectionFromEnv(),
        schema: db.schema,
        simSchema: db.simSchema,
      }),
      rate: 'max',
      concurrency: 2,
      events: 5,
    });
    expect(after.applied).toBe(5);
    await expectConsistent(db.admin, db.schema, db.simSchema);
  });

  it('does not retry an event PostgreSQL refuses (a business rule), even with time to spare', async () => {
    const db = await fresh();
    const store = createSimStore({
      domain: retail,
      connection: connectionFromEnv(),
      schema: db.schema,
      simSchema: db.simSchema,
      concurrency: 4,
    });
    const running = runSimulation({ domain: retail, store, rate: 200, concurrency: 4, seed: 2 });
    await progress(db, 20, '20 events before the sabotage');
    // Behind the simulator's back: no stock left, so the next order_placed is refused (MDP01).
    await db.admin.query(`UPDATE ${db.schema}.products SET stock = 0`);
    const err = await errorOf(running);
    expect(err?.code).toBe('SIM_APPLY_FAILED');
    expect(err?.retriable).toBe(false);
    expect((err?.cause as { code?: string } | undefined)?.code).toBe('MDP01');
  });
});
