/**
 * Test and bench helper: business tables shaped like `pnpm sim:load` makes them
 * (the domain fields of @mdp/schemas), in a fresh schema, with a small
 * consistent data set. Reads the PG* settings the shared globalSetup exports.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ORDER_STATUSES, readPostgresWriterEnv } from '@mdp/schemas';

/**
 * The settings the shared globalSetup exports, as sim:run reads them: the stack's
 * writers' role (PG_WRITER_*), so that the tests' tables and schemas are the
 * simulator's own. A missing one fails the test at once.
 */
export function connectionFromEnv(): pg.ClientConfig {
  const { settings, problems } = readPostgresWriterEnv(process.env);
  if (problems.length > 0) throw new Error(`PostgreSQL settings: ${problems.join('; ')}`);
  return settings;
}

export interface TestSchemas {
  schema: string;
  simSchema: string;
  admin: pg.Client;
  drop(): Promise<void>;
}

/** A fresh pair of schemas whose business tables the real `sim:load` made from the repo's data/. */
export async function loadRepoData(prefix: string): Promise<TestSchemas> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { fileURLToPath } = await import('node:url');
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
  await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'bin/sim-load.ts', '--schema', schema],
    {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: process.env,
    },
  );
  return adminFor(schema);
}

async function adminFor(schema: string): Promise<TestSchemas> {
  const simSchema = `${schema}_sim`;
  const admin = new pg.Client({ ...connectionFromEnv(), options: '-c TimeZone=UTC' });
  await admin.connect();
  return {
    schema,
    simSchema,
    admin,
    async drop() {
      await admin.query(
        `DROP SCHEMA IF EXISTS ${simSchema} CASCADE; DROP SCHEMA IF EXISTS ${schema} CASCADE`,
      );
      await admin.end();
    },
  };
}

/** A fresh, empty business schema (and the name of its sim schema), for tables of your own. */
export async function createEmptySchemas(prefix: string): Promise<TestSchemas> {
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
  const db = await adminFor(schema);
  await db.admin.query(`CREATE SCHEMA ${schema}`);
  return db;
}

/** A fresh pair of schemas (business tables + sim) with a generated data set of `size`. */
export async function createTestSchemas(
  prefix: string,
  size: { customers: number; products: number; orders: number } = {
    customers: 60,
    products: 25,
    orders: 150,
  },
): Promise<TestSchemas> {
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
  const simSchema = `${schema}_sim`;
  const admin = new pg.Client({ ...connectionFromEnv(), options: '-c TimeZone=UTC' });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(`
    CREATE TABLE ${schema}.customers (
      id integer PRIMARY KEY, email text NOT NULL UNIQUE, full_name text NOT NULL, street text NOT NULL,
      city text NOT NULL, country text NOT NULL, phone text, created_at timestamptz NOT NULL);
    CREATE TABLE ${schema}.products (
      id integer PRIMARY KEY, sku text NOT NULL UNIQUE, name text NOT NULL, category text NOT NULL,
      unit_price numeric(10,2) NOT NULL, stock integer NOT NULL, active boolean NOT NULL, created_at timestamptz NOT NULL);
    CREATE TABLE ${schema}.orders (
      id integer PRIMARY KEY, customer_id integer NOT NULL REFERENCES ${schema}.customers (id),
      product_id integer NOT NULL REFERENCES ${schema}.products (id), quantity integer NOT NULL,
      unit_price numeric(10,2) NOT NULL, status text NOT NULL, placed_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL);
    ALTER TABLE ${schema}.customers REPLICA IDENTITY FULL;
    ALTER TABLE ${schema}.products REPLICA IDENTITY FULL;
    ALTER TABLE ${schema}.orders REPLICA IDENTITY FULL;`);
  // Deterministic data: generate_series keeps it fast at any size.
  await admin.query(
    `INSERT INTO ${schema}.customers
       SELECT i, 'c' || i || '@example.com', 'Customer Ñame ' || i, i || ' Long Road, Flat "' || i || '"',
              (ARRAY['Oslo','Köln','Lyon'])[1 + i % 3], (ARRAY['NO','DE','FR'])[1 + i % 3],
              CASE WHEN i % 4 = 0 THEN NULL ELSE '+47 ' || (1000000 + i) END,
              timestamptz '2025-01-01 10:00:00.123456+02' + i * interval '1 hour'
       FROM generate_series(1, $1::int) AS i`,
    [size.customers],
  );
  await admin.query(
    `INSERT INTO ${schema}.products
       SELECT i, 'SKU-' || i, 'Product ' || i, (ARRAY['home','garden','toys'])[1 + i % 3],
              (199 + (i * 7919) % 9000) / 100.0, 20 + (i * 31) % 200, i % 10 <> 0,
              timestamptz '2025-01-01 00:00:00Z' + i * interval '1 day'
       FROM generate_series(1, $1::int) AS i`,
    [size.products],
  );
  await admin.query(
    `INSERT INTO ${schema}.orders
       SELECT i, 1 + (i * 13) % $2::int, 1 + (i * 7) % $3::int, 1 + i % 3, p.unit_price,
              ($4::text[])[1 + i % 5], timestamptz '2025-06-01 08:00:00Z' + i * interval '1 minute',
              timestamptz '2025-06-02 08:00:00Z' + i * interval '1 minute'
       FROM generate_series(1, $1::int) AS i
       JOIN ${schema}.products p ON p.id = 1 + (i * 7) % $3::int`,
    [size.orders, size.customers, size.products, ORDER_STATUSES],
  );
  return {
    schema,
    simSchema,
    admin,
    async drop() {
      await admin.query(
        `DROP SCHEMA IF EXISTS ${simSchema} CASCADE; DROP SCHEMA IF EXISTS ${schema} CASCADE`,
      );
      await admin.end();
    },
  };
}

export interface CliRun {
  child: ChildProcess;
  /** What the process has written to stderr so far. */
  stderrSoFar(): string;
  /** Resolves when the process has exited (code null when killed by a signal). */
  done: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
}

/** Starts the real `sim:run` CLI (node + tsx, no shell in between, so kill reaches it). */
export function startSimRun(args: string[]): Promise<CliRun> {
  return startScript('bin/sim-run.ts', args);
}

/** Starts a script of this package (a bin or bench file, relative to it) with node + tsx. */
export async function startScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliRun> {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const packageDir = fileURLToPath(new URL('..', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: packageDir,
    env: { ...env, MDP_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, stderrSoFar: () => stderr };
}
