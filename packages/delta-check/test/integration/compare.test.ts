/**
 * delta-check against the real services: a PostgreSQL table and a Delta table
 * written by Python deltalake (with Spark-like metadata columns), first read
 * from a local directory (comparison logic), then from MinIO through the CLI.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../src/adapters/local-store.js';
import { createPgSource } from '../../src/adapters/postgres.js';
import { compareTable } from '../../src/compare/compare-table.js';
import { formatReport, type CheckReport } from '../../src/compare/report.js';
import { createDeltaReader } from '../../src/delta/table-reader.js';
import { EXIT, main } from '../../src/main.js';
import { ensurePyDelta, FIXTURES } from '../pydelta.js';

const env = process.env;
const pgOptions = {
  host: env.PGHOST!,
  port: Number(env.PGPORT),
  database: env.PGDATABASE!,
  user: env.PGUSER!,
  password: env.PGPASSWORD!,
};
const schema = `dc_${randomBytes(4).toString('hex')}`;
const table = 'orders';
const logger = pino({ level: 'silent' });
let client: pg.Client;
let python: string;
let lakeDir: string;

const ROWS = [
  [1, 'placed', '12.50', '2026-11-24T14:26:07.123456Z', '2026-11-24', 3, null],
  [2, 'paid', '-0.01', '1969-12-31T23:59:59.999999Z', '1999-01-01', 9007199254740993n, 'note ✓'],
  [3, 'shipped', '99999999999.99', '2026-01-01T00:00:00.000000Z', '2026-01-01', 0, ''],
];

/** Writes the Delta table with deltalake: PostgreSQL's columns plus Spark's metadata columns. */
function writeLake(root: string, rows = ROWS): void {
  execFileSync(
    python,
    [
      path.join(FIXTURES, 'write_orders.py'),
      root,
      JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    ],
    {
      env: lakeEnv(root),
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 120_000,
    },
  );
}

function lakeEnv(root: string): NodeJS.ProcessEnv {
  if (!root.startsWith('s3://')) return { PATH: env.PATH, HOME: env.HOME };
  return {
    PATH: env.PATH,
    HOME: env.HOME,
    AWS_ENDPOINT_URL: env.S3_ENDPOINT,
    AWS_ACCESS_KEY_ID: env.S3_ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: env.S3_SECRET_KEY,
    AWS_ALLOW_HTTP: 'true',
  };
}

beforeAll(async () => {
  python = ensurePyDelta();
  lakeDir = mkdtempSync(path.join(os.tmpdir(), 'delta-check-it-'));
  client = new pg.Client(pgOptions);
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.query(`CREATE TABLE ${schema}.${table} (
    id integer PRIMARY KEY, status text NOT NULL, unit_price numeric(14,2), placed_at timestamptz,
    day date, qty bigint, note text)`);
  for (const r of ROWS) {
    await client.query(
      `INSERT INTO ${schema}.${table} VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      r.map((v) => (typeof v === 'bigint' ? v.toString() : v)),
    );
  }
  writeLake(path.join(lakeDir, schema, 'silver', table));
});

afterAll(async () => {
  await client?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client?.end();
  rmSync(lakeDir, { recursive: true, force: true });
});

async function compareLocal() {
  const source = createPgSource(pgOptions, logger);
  try {
    return await compareTable({
      pg: source,
      reader: createDeltaReader({ store: createLocalStore(path.join(lakeDir, schema)) }),
      logger,
      pgSchema: schema,
      table,
      lakePath: `silver/${table}`,
      maxDifferences: 10,
    });
  } finally {
    await source.close();
  }
}

describe('comparison with PostgreSQL (lake in a local directory)', () => {
  it('finds an equal table equal, ignoring Spark metadata columns', async () => {
    const report = await compareLocal();
    expect(report).toMatchObject({
      equal: true,
      postgresRows: 3,
      lakeRows: 3,
      missing: 0,
      extra: 0,
      different: 0,
    });
    expect(report.columnsOnlyInLake).toEqual(['_lsn', '_change_type', 'amount']);
    expect(report.staleColumns).toEqual([]);
  });

  it('counts a column renamed (or dropped) in PostgreSQL but still in the lake as a difference', async () => {
    await client.query(`ALTER TABLE ${schema}.${table} RENAME COLUMN note TO remark`);
    try {
      const report = await compareLocal();
      expect(report).toMatchObject({
        equal: false,
        staleColumns: ['note'],
        columnsMissingInLake: ['remark'],
      });
      const checked: CheckReport = {
        equal: false,
        checkedAt: '',
        location: 'lake',
        tables: [report],
        errors: [],
      };
      expect(formatReport(checked)).toContain(
        'columns PostgreSQL no longer has (dropped or renamed there): note',
      );
    } finally {
      await client.query(`ALTER TABLE ${schema}.${table} RENAME COLUMN remark TO note`);
    }
  });

  it('names the key and columns of a changed row, and missing / extra rows', async () => {
    await client.query(
      `UPDATE ${schema}.${table} SET unit_price = 12.51, status = 'paid' WHERE id = 1`,
    );
    await client.query(`INSERT INTO ${schema}.${table} (id, status) VALUES (4, 'placed')`);
    await client.query(`DELETE FROM ${schema}.${table} WHERE id = 3`);
    try {
      const report = await compareLocal();
      expect(report).toMatchObject({ equal: false, missing: 1, extra: 1, different: 1 });
      expect(report.firstDifferences).toEqual(
        expect.arrayContaining([
          {
            kind: 'different',
            key: { id: '1' },
            columns: [
              { column: 'status', postgres: 'paid', lake: 'placed' },
              { column: 'unit_price', postgres: '12.51', lake: '12.5' },
            ],
          },
          { kind: 'missing', key: { id: '4' } },
          { kind: 'extra', key: { id: '3' } },
        ]),
      );
    } finally {
      await client.query(
        `UPDATE ${schema}.${table} SET unit_price = 12.50, status = 'placed' WHERE id = 1`,
      );
      await client.query(`DELETE FROM ${schema}.${table} WHERE id = 4`);
      await client.query(
        `INSERT INTO ${schema}.${table} VALUES (3, 'shipped', 99999999999.99, '2026-01-01T00:00:00Z', '2026-01-01', 0, '')`,
      );
    }
    expect((await compareLocal()).equal).toBe(true);
  });

  it('refuses a table without primary key (PG_NO_PRIMARY_KEY)', async () => {
    await client.query(`CREATE TABLE ${schema}.nokey (a int)`);
    const source = createPgSource(pgOptions, logger);
    await expect(
      compareTable({
        pg: source,
        reader: createDeltaReader({ store: createLocalStore(lakeDir) }),
        logger,
        pgSchema: schema,
        table: 'nokey',
        lakePath: 'silver/nokey',
        maxDifferences: 10,
      }),
    ).rejects.toMatchObject({ code: 'PG_NO_PRIMARY_KEY' });
    await source.close();
  });
});

function run(argv: string[], overrides: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return main([...argv, '--log-level', 'silent'], {
    env: { ...env, ...overrides },
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
  }).then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
}

describe('pnpm delta:check against MinIO and PostgreSQL', () => {
  const prefix = `${schema}/silver`;
  const jsonFile = () => path.join(lakeDir, `report-${randomBytes(3).toString('hex')}.json`);

  beforeAll(() => {
    writeLake(`s3://${env.S3_BUCKET}/${prefix}/${table}`);
  });

  it('exits 0 when the lake equals PostgreSQL; the JSON report to a file, or alone on stdout with --json -', async () => {
    const args = (json: string) => [
      '--schema',
      schema,
      '--prefix',
      prefix,
      '--tables',
      table,
      '--json',
      json,
    ];
    const expected = { equal: true, tables: [{ table, postgresRows: 3 }] };
    const file = jsonFile();
    const res = await run(args(file));
    expect(res.code).toBe(EXIT.equal);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject(expected);
    const piped = await run(args('-'));
    expect(piped.code).toBe(EXIT.equal);
    expect(JSON.parse(piped.out)).toMatchObject(expected);
    expect(piped.err).toContain(table); // the human report
    const failed = await run(['--json', '-'], { PGHOST: '' });
    expect(failed.code).toBe(EXIT.cannotCheck);
    expect(JSON.parse(failed.out)).toMatchObject({ error: { code: 'CONFIG_INVALID' } });
  });

  it('exits 1 and names the key of a changed row and of a missing row', async () => {
    await client.query(`UPDATE ${schema}.${table} SET note = 'changed' WHERE id = 2`);
    await client.query(`INSERT INTO ${schema}.${table} (id, status) VALUES (5, 'placed')`);
    try {
      const file = jsonFile();
      const res = await run([
        '--schema',
        schema,
        '--prefix',
        prefix,
        '--tables',
        table,
        '--json',
        file,
      ]);
      expect(res.code).toBe(EXIT.different);
      const report = JSON.parse(readFileSync(file, 'utf8')) as {
        tables: { firstDifferences: unknown[] }[];
      };
      expect(report.tables[0]!.firstDifferences).toEqual(
        expect.arrayContaining([
          {
            kind: 'different',
            key: { id: '2' },
            columns: [{ column: 'note', postgres: 'changed', lake: 'note ✓' }],
          },
          { kind: 'missing', key: { id: '5' } },
        ]),
      );
      expect(res.out).toContain('id=5');
    } finally {
      await client.query(`UPDATE ${schema}.${table} SET note = 'note ✓' WHERE id = 2`);
      await client.query(`DELETE FROM ${schema}.${table} WHERE id = 5`);
    }
  });

  it('says the Spark job may not have run when the lake lacks the table (exit 3)', async () => {
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.customers (id int PRIMARY KEY)`);
    const file = jsonFile();
    const res = await run([
      '--schema',
      schema,
      '--prefix',
      prefix,
      '--tables',
      'customers',
      '--json',
      file,
    ]);
    expect(res.code).toBe(EXIT.cannotCheck);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      errors: [{ code: 'LAKE_TABLE_NOT_FOUND' }],
    });
    expect(res.out).toContain('Spark job may not have run');
  });

  it('names a bucket its read-only key cannot read, missing or outside its policy (exit 3, LAKE_ACCESS_DENIED)', async () => {
    const file = jsonFile();
    const bucket = `missing-${randomBytes(3).toString('hex')}`;
    const res = await run(
      ['--schema', schema, '--prefix', prefix, '--tables', table, '--json', file],
      { S3_BUCKET: bucket },
    );
    expect(res.code).toBe(EXIT.cannotCheck);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      error: { code: 'LAKE_ACCESS_DENIED' },
    });
    expect(res.err).toContain(`s3://${bucket}`);
  });
});

describe('the lakehouse keys (MinIO policies made by the stack)', () => {
  const client = (accessKeyId: string, secretAccessKey: string) =>
    new S3Client({
      endpoint: env.S3_ENDPOINT,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
    });
  const writer = () => client(env.S3_ACCESS_KEY!, env.S3_SECRET_KEY!);
  const reader = () => client(env.S3_READER_ACCESS_KEY!, env.S3_READER_SECRET_KEY!);
  /** What the server answered: 'done', or the error's name (AccessDenied, NoSuchKey…). */
  const outcome = (sent: Promise<unknown>) =>
    sent.then(
      () => 'done',
      (err: Error) => err.name,
    );
  const probeKey = () => `probe-${randomBytes(3).toString('hex')}`;
  const otherBucket = () => `other-${randomBytes(3).toString('hex')}`;
  const put = (s3: S3Client, bucket: string, key = probeKey()) =>
    outcome(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' })));
  // Anyone may read the lake: what a key must never do to the bucket's own policy.
  const publicRead = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: ['*'] },
        Action: ['s3:GetObject'],
        Resource: [`arn:aws:s3:::${env.S3_BUCKET}/*`],
      },
    ],
  });

  it('the read-write key (Spark) writes in the lakehouse bucket and nowhere else', async () => {
    expect(await put(writer(), env.S3_BUCKET!)).toBe('done');
    expect(await put(writer(), otherBucket())).toBe('AccessDenied');
  });

  it('the read-only key (delta-check) cannot write or delete, not even in the lakehouse bucket', async () => {
    const key = probeKey();
    expect(await put(writer(), env.S3_BUCKET!, key)).toBe('done');
    expect(await put(reader(), env.S3_BUCKET!)).toBe('AccessDenied');
    expect(
      await outcome(reader().send(new DeleteObjectCommand({ Bucket: env.S3_BUCKET, Key: key }))),
    ).toBe('AccessDenied');
    expect(
      await outcome(reader().send(new HeadObjectCommand({ Bucket: env.S3_BUCKET, Key: key }))),
    ).toBe('done');
  });

  it.each([
    ['read-write', writer],
    ['read-only', reader],
  ])(
    'the %s key lists, reads and deletes nothing outside the lakehouse bucket',
    async (_name, key) => {
      const other = otherBucket();
      // AccessDenied, not NoSuchBucket: the policy refuses before the server looks
      expect(await outcome(key().send(new ListObjectsV2Command({ Bucket: other })))).toBe(
        'AccessDenied',
      );
      expect(await outcome(key().send(new GetObjectCommand({ Bucket: other, Key: 'x' })))).toBe(
        'AccessDenied',
      );
      expect(await outcome(key().send(new DeleteObjectCommand({ Bucket: other, Key: 'x' })))).toBe(
        'AccessDenied',
      );
    },
  );

  it.each([
    ['read-write', writer],
    ['read-only', reader],
  ])('the %s key cannot change the bucket policy (make the lake public)', async (_name, key) => {
    expect(
      await outcome(
        key().send(new PutBucketPolicyCommand({ Bucket: env.S3_BUCKET, Policy: publicRead })),
      ),
    ).toBe('AccessDenied');
    expect(
      await outcome(key().send(new DeleteBucketPolicyCommand({ Bucket: env.S3_BUCKET }))),
    ).toBe('AccessDenied');
    const anonymous = await fetch(`${env.S3_ENDPOINT}/${env.S3_BUCKET}/`);
    expect(anonymous.status).toBe(403);
  });
});

describe('pnpm delta:check when a service is down or a setting is missing', () => {
  const jsonFile = () => path.join(lakeDir, `report-${randomBytes(3).toString('hex')}.json`);

  it.each([
    ['MinIO', { S3_ENDPOINT: 'http://127.0.0.1:9' }, 'MINIO_UNAVAILABLE'],
    ['PostgreSQL', { PGPORT: '9' }, 'POSTGRES_UNAVAILABLE'],
  ])('names %s when it cannot be reached (exit 3)', async (name, overrides, code) => {
    const file = jsonFile();
    const res = await run(['--schema', schema, '--tables', table, '--json', file], overrides);
    expect(res.code).toBe(EXIT.cannotCheck);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ error: { code } });
    expect(res.err).toContain(`stack:logs ${name === 'MinIO' ? 'minio' : 'postgres'}`);
  });

  it('lists every missing setting at once (CONFIG_INVALID)', async () => {
    const file = jsonFile();
    const res = await run(['--json', file], { PGHOST: '', S3_ENDPOINT: '' });
    expect(res.code).toBe(EXIT.cannotCheck);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      error: { code: 'CONFIG_INVALID' },
    });
  });
});
