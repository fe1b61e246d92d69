/**
 * `sim:run` at 50/s while PostgreSQL itself is restarted through the stack CLI
 * (`pnpm stack restart postgres`, the e2e fault in small). Restarting cuts every
 * client of the server, so this file runs in its own group after the other
 * test files (vitest.config.ts). A Debezium connector attached to the same stack
 * reconnects by itself (the e2e fault suite proves that end to end).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { pollUntil } from '@mdp/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectConsistent } from '../sim-check.js';
import {
  connectionFromEnv,
  createTestSchemas,
  startSimRun,
  type TestSchemas,
} from '../sim-fixture.js';

describe('sim:run across a PostgreSQL restart', () => {
  let db: TestSchemas;
  beforeAll(async () => {
    db = await createTestSchemas('simrestart', { customers: 300, products: 60, orders: 800 });
    db.admin.on('error', () => undefined); // it dies in the restart
  });
  afterAll(async () => {
    // The admin connection died in the restart: drop the schemas on a new one.
    const admin = new pg.Client(connectionFromEnv());
    await admin.connect();
    await admin.query(
      `DROP SCHEMA IF EXISTS ${db.simSchema} CASCADE; DROP SCHEMA IF EXISTS ${db.schema} CASCADE`,
    );
    await admin.end();
    await db.admin.end().catch(() => undefined);
  });

  it('rides out the restart: exit 0 on SIGTERM, every event applied once, rules hold', async () => {
    const pool = new pg.Pool({ ...connectionFromEnv(), max: 1 });
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const logged = () =>
      pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${db.simSchema}.event_log`).then(
        (r) => Number(r.rows[0]!.n),
        () => -1, // not made yet, or PostgreSQL restarting
      );
    const run = await startSimRun([
      '--rate',
      '50/s',
      '--schema',
      db.schema,
      '--sim-schema',
      db.simSchema,
    ]);
    try {
      await pollUntil(
        '100 events before the restart',
        async () => (await logged()) >= 100,
        60_000,
        50,
      );
      // The settings of this stack (MDP_STATE, MDP_PORT_OFFSET) are in the environment.
      await promisify(execFile)('pnpm', ['--workspace-root', 'stack', 'restart', 'postgres'], {
        env: process.env,
      });
      const after = await logged();
      await pollUntil(
        '100 events after the restart',
        async () => (await logged()) >= after + 100,
        90_000,
        50,
      );
    } finally {
      run.child.kill('SIGTERM');
      await pool.end();
    }
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    expect(Number(/(\d+) reconnects/.exec(result.stdout)?.[1])).toBeGreaterThanOrEqual(1);
    const admin = new pg.Client({ ...connectionFromEnv(), options: '-c TimeZone=UTC' });
    await admin.connect();
    try {
      expect(await expectConsistent(admin, db.schema, db.simSchema)).toBeGreaterThanOrEqual(200);
    } finally {
      await admin.end();
    }
  });
});
