/**
 * The engine's guarantees on PostgreSQL for a domain of the tests' own
 * (test/domains/bank.ts, loaded by path as a user's file would be): kill -9
 * twice mid-run, then a resume; no event lost or applied twice, one
 * transaction per event, tables = snapshot + fold(log), the domain's rule
 * (no negative balance) holds in SQL, and PostgreSQL refuses an event on a row
 * changed behind the simulator's back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pollUntil } from '@mdp/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDomain } from '../../src/domains/index.js';
import { createSimStore } from '../../src/sim/pg-store.js';
import { runSimulation } from '../../src/sim/simulator.js';
import bank from '../domains/bank.js';
import { expectFolded } from '../sim-check.js';
import {
  connectionFromEnv,
  createEmptySchemas,
  startScript,
  startSimRun,
  type TestSchemas,
} from '../sim-fixture.js';

// Absolute: a relative --domain is the caller's (INIT_CWD when pnpm runs the tests).
const BANK = fileURLToPath(new URL('../domains/bank.ts', import.meta.url));
const LIBRARY = fileURLToPath(new URL('../../templates/library.ts', import.meta.url));

describe('a domain of your own, from a file', () => {
  let db: TestSchemas;
  beforeAll(async () => {
    db = await createEmptySchemas('simbank');
    await db.admin.query(`
      CREATE TABLE ${db.schema}.accounts (
        id integer PRIMARY KEY, owner text NOT NULL, balance integer NOT NULL, opened_at timestamptz NOT NULL);
      CREATE TABLE ${db.schema}.transfers (
        id integer PRIMARY KEY, from_id integer NOT NULL REFERENCES ${db.schema}.accounts (id),
        to_id integer NOT NULL REFERENCES ${db.schema}.accounts (id), amount integer NOT NULL,
        status text NOT NULL, updated_at timestamptz NOT NULL);
      INSERT INTO ${db.schema}.accounts
        SELECT i, 'Owner ' || i, 500, timestamptz '2026-01-01 00:00:00Z' + i * interval '1 day'
        FROM generate_series(1, 20) AS i;`);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('loses no event and applies none twice after kill -9, one transaction each, tables = fold(log)', async () => {
    const args = ['--domain', BANK, '--rate', 'max', '--schema', db.schema];
    args.push('--sim-schema', db.simSchema);
    const logged = () =>
      db.admin
        .query<{ n: number }>(`SELECT count(*)::int AS n FROM ${db.simSchema}.event_log`)
        .then(
          (r) => r.rows[0]!.n,
          () => 0,
        );
    let killedAt = 0;
    for (const seed of [['--seed', '5'], []]) {
      const run = await startSimRun([...args, ...seed]);
      const target = killedAt + 300;
      await pollUntil(
        `${target} logged events`,
        async () => (await logged()) >= target,
        90_000,
        50,
      );
      run.child.kill('SIGKILL');
      expect((await run.done).signal).toBe('SIGKILL');
      killedAt = await logged();
    }
    const resumed = await (await startSimRun([...args, '--events', '100'])).done;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await expectFolded(db.admin, bank, db.schema, db.simSchema)).toBeGreaterThanOrEqual(
      killedAt + 100,
    );
    const { rows } = await db.admin.query<{ type: string }>(
      `SELECT DISTINCT type FROM ${db.simSchema}.event_log ORDER BY type`,
    );
    expect(rows.map((r) => r.type)).toEqual(Object.keys(bank.events).sort());
    const negative = await db.admin.query(`SELECT 1 FROM ${db.schema}.accounts WHERE balance < 0`);
    expect(negative.rowCount).toBe(0);
  });

  it('has PostgreSQL refuse an event on a row changed behind its back (SQLSTATE MDP01)', async () => {
    // Every pending transfer settled behind its back: the next settle or fail expects "pending".
    await db.admin.query(
      `UPDATE ${db.schema}.transfers SET status = 'settled' WHERE status = 'pending'`,
    );
    const store = createSimStore({
      domain: bank,
      connection: connectionFromEnv(),
      schema: db.schema,
      simSchema: db.simSchema,
    });
    const failure = await runSimulation({
      domain: bank,
      store,
      rate: 'max',
      concurrency: 1,
      events: 5000,
    }).then(
      () => undefined,
      (err: Error & { code?: string; cause?: { code?: string } }) => err,
    );
    expect(failure?.code).toBe('SIM_APPLY_FAILED');
    expect(failure?.cause?.code).toBe('MDP01');
    expect(failure?.message).toMatch(
      /transfers update of \{"id": \d+\}: the row is missing or not as the simulator left it/,
    );
  });
});

describe("sim:new-domain's template, as the README's tutorial runs it", () => {
  it('sim:gen writes its CSVs, sim:load loads them, sim:run runs it: tables = fold(log)', async () => {
    const db = await createEmptySchemas('simlib');
    const dir = mkdtempSync(join(tmpdir(), 'mdp-library-'));
    const cli = async (script: string, args: string[]) => {
      const result = await (await startScript(script, args)).done;
      expect(result.code, result.stderr).toBe(0);
      return result;
    };
    try {
      const domain = ['--domain', LIBRARY];
      await cli('bin/sim-gen.ts', [...domain, '--out', dir, '--scale', '0.5']);
      await cli('bin/sim-load.ts', ['--dir', dir, '--schema', db.schema]);
      const args = [...domain, '--schema', db.schema, '--sim-schema', db.simSchema];
      const run = await cli('bin/sim-run.ts', [...args, '--rate', 'max', '--events', '1000']);
      expect(run.stdout).toContain('sim:run: 1000 events');
      const library = await loadDomain(LIBRARY);
      expect(await expectFolded(db.admin, library, db.schema, db.simSchema)).toBe(1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });
});
