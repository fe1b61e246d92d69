/**
 * `pnpm validate` against the real stack (PostgreSQL → Debezium → Kafka, Avro in the
 * registry). First the happy path on the business tables after the simulator ran at
 * 50/s; then each injected fault, on a table of its own so the business topics stay
 * clean for the suites that follow: a paused connector (the stream lags), an older
 * change produced again (reordering) and garbage bytes (a poison record).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectHeaders, kafkaLogin, KAFKA_ADMIN_ENV } from '@mdp/schemas';
import { Kafka, logLevel, type Message } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lsnToBigInt, readSourceState } from '../../src/adapters/postgres.js';
import { pgConfig } from '../../src/config.js';
import type { ValidateResult } from '../../src/validate/run.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const connector = 'mdp-postgres';
const pool = new pg.Pool({ max: 2 });
pool.on('error', () => undefined);
// the admin: these tests forge records into topics of their own
const kafkaAdmin = kafkaLogin(process.env, KAFKA_ADMIN_ENV);
const kafka = new Kafka({
  clientId: 'validator-test',
  brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
  ...(kafkaAdmin && { sasl: { ...kafkaAdmin } }),
  logLevel: logLevel.NOTHING,
});
const work = mkdtempSync(join(tmpdir(), 'mdp-validate-'));

function pnpm(args: string[], timeoutMs = 900_000) {
  const run = spawnSync('pnpm', ['--silent', '--workspace-root', ...args], {
    cwd: repo,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function pnpmOk(args: string[]): string {
  const run = pnpm(args);
  if (run.code !== 0)
    throw new Error(`pnpm ${args.join(' ')} exited ${run.code}:\n${run.stderr}\n${run.stdout}`);
  return run.stdout;
}

/**
 * Runs `pnpm validate` with a JSON report, to a file (the human text on stdout) or with
 * `--json -` alone on stdout (the human text on stderr); returns its exit code, the
 * report and its human text.
 */
function validate(
  args: string[],
  to: 'file' | 'stdout' = 'file',
): { code: number | null; report: ValidateResult; text: string } {
  const file = to === 'stdout' ? '-' : join(work, `report-${randomBytes(4).toString('hex')}.json`);
  const run = pnpm(['validate', '--json', file, ...args]);
  let report: ValidateResult;
  try {
    report = JSON.parse(
      to === 'stdout' ? run.stdout : readFileSync(file, 'utf8'),
    ) as ValidateResult;
  } catch {
    throw new Error(`validate wrote no report (exit ${run.code}):\n${run.stderr}\n${run.stdout}`);
  }
  return { code: run.code, report, text: to === 'stdout' ? run.stderr : run.stdout };
}

async function connectorAction(action: 'pause' | 'resume', state: string): Promise<void> {
  const base = process.env['KAFKA_CONNECT_URL'];
  const res = await fetch(`${base}/connectors/${connector}/${action}`, {
    method: 'PUT',
    headers: connectHeaders(),
  });
  expect(res.status).toBeLessThan(300);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${base}/connectors/${connector}/status`, {
      headers: connectHeaders(),
    });
    const status = (await res.json()) as {
      connector: { state: string };
      tasks: { state: string }[];
    };
    if (status.connector.state === state && status.tasks.every((t) => t.state === state)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`connector did not reach ${state} within 120 s`);
}

/** A fresh captured table with rows 1..n; returns its name once validate sees it consistent. */
async function capturedTable(prefix: string, n: number): Promise<string> {
  const table = `${prefix}_${randomBytes(4).toString('hex')}`;
  await pool.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, v text NOT NULL)`);
  await pool.query(`INSERT INTO ${table} SELECT g, 'row ' || g FROM generate_series(1, $1) g`, [n]);
  const baseline = validate(['--tables', table, '--timeout', '300']);
  expect(baseline.code, baseline.text).toBe(0);
  return table;
}

/** Every raw record of a topic, in offset order (key and value bytes as Connect wrote them). */
async function rawRecords(topic: string): Promise<Message[]> {
  const admin = kafka.admin();
  await admin.connect();
  const [{ high = '0' } = {}] = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `validator-test-${randomBytes(4).toString('hex')}` });
  const out: Message[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${topic}: not read to ${high}`)), 120_000);
    void consumer.run({
      eachMessage: ({ message }) => {
        out.push({ key: message.key, value: message.value });
        if (BigInt(message.offset) + 1n >= BigInt(high)) {
          clearTimeout(timer);
          done();
        }
        return Promise.resolve();
      },
    });
  });
  await consumer.disconnect();
  return out;
}

async function produce(topic: string, messages: Message[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages });
  await producer.disconnect();
}

const examples = (r: ValidateResult, kind: string) =>
  Object.values(r.checks).flatMap((c) => c.examples.filter((v) => v.kind === kind));

beforeAll(() => {
  pnpmOk(['connect:register']);
}, 900_000);
afterAll(async () => {
  await pool.end();
  rmSync(work, { recursive: true, force: true });
});

describe('pnpm validate on the real stack', () => {
  it('after sim:run at 50/s the stream is consistent with PostgreSQL, event log included', async () => {
    const loaded = await pool.query(`SELECT to_regclass('public.orders') IS NOT NULL AS yes`);
    // A stack that already holds the business tables keeps them (sim:load refuses to
    // overwrite); the simulator then resumes its simulation on them.
    if (!(loaded.rows[0] as { yes: boolean }).yes) pnpmOk(['sim:load']);
    pnpmOk(['sim:run', '--rate', '50/s', '--duration', '20s']);

    const { code, report, text } = validate(['--timeout', '600'], 'stdout');
    expect(code, text).toBe(0);
    expect(text).toContain('CONSISTENT at watermark LSN');
    expect(report.ok).toBe(true);
    expect(report.caughtUp).toBe(true);
    for (const table of report.tables) {
      expect(table.records, table.table).toBeGreaterThan(0);
      expect(table.missing, table.table).toBe(0);
      expect(table.mismatched, table.table).toBe(0);
    }
    expect(report.eventLog?.events).toBeGreaterThanOrEqual(1000);
    expect(report.eventLog?.missing).toBe(0);
  });

  it('reads the event log in seq order (the matching of events to changes relies on it)', async () => {
    const { events = [] } = await readSourceState(pgConfig(process.env), []);
    expect(events.length).toBeGreaterThanOrEqual(1000); // seqs of 1 to 4 digits: text order differs
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('the watermark covers an asynchronous commit that is visible but not yet written to WAL', async () => {
    const table = `vasync_${randomBytes(4).toString('hex')}`;
    await pool.query(`CREATE TABLE ${table} (id integer PRIMARY KEY)`);
    const client = await pool.connect();
    try {
      await client.query('SET synchronous_commit = off');
      // Until the WAL writer's next round (200 ms), the write position trails such a commit:
      // repeat until one read catches it there, then read the source state at once.
      for (let attempt = 1; ; attempt++) {
        await client.query(`INSERT INTO ${table} VALUES ($1)`, [attempt]);
        const after = await client.query<{ inserted: string; written: string }>(
          'SELECT pg_current_wal_insert_lsn()::text AS inserted, pg_current_wal_lsn()::text AS written',
        );
        const { inserted, written } = after.rows[0]!;
        if (lsnToBigInt(written) >= lsnToBigInt(inserted)) {
          expect(attempt, 'no commit was ever caught before its WAL was written').toBeLessThan(50);
          continue;
        }
        const state = await readSourceState(pgConfig(process.env), [table]);
        expect(state.tables.get(table)?.size).toBe(attempt);
        expect(state.walLsn >= lsnToBigInt(inserted), `W ${state.walLsn} < ${inserted}`).toBe(true);
        break;
      }
    } finally {
      client.release();
      await pool.query(`DROP TABLE ${table}`);
    }
  });

  it('a paused connector: the missing changes are named by key, consistent again after resume', async () => {
    const table = await capturedTable('vpause', 5);
    await connectorAction('pause', 'PAUSED');
    try {
      await pool.query(`INSERT INTO ${table} SELECT g, 'late' FROM generate_series(6, 8) g`);
      await pool.query(`UPDATE ${table} SET v = 'changed' WHERE id = 1`);
      const lagging = validate(['--tables', table, '--timeout', '15']);
      expect(lagging.code, lagging.text).toBe(3);
      expect(lagging.report.caughtUp).toBe(false);
      expect(lagging.report.tables[0]).toMatchObject({ missing: 3, mismatched: 1 });
      const missingKeys = examples(lagging.report, 'missing').map((v) => v.key);
      expect(missingKeys).toEqual(['["6"]', '["7"]', '["8"]']);
      expect(lagging.text).toContain('did NOT catch up');
    } finally {
      await connectorAction('resume', 'RUNNING');
    }
    const after = validate(['--tables', table, '--timeout', '300']);
    expect(after.code, after.text).toBe(0);
  });

  it('an older change produced again after newer ones is a reordering', async () => {
    const table = await capturedTable('vreorder', 3);
    await pool.query(`UPDATE ${table} SET v = 'newer' WHERE id = 2`);
    expect(validate(['--tables', table, '--timeout', '300']).code).toBe(0);
    const topic = `mdp.public.${table}`;
    const records = await rawRecords(topic);
    const insertOf2 = records[1]!; // the snapshot-free stream: inserts 1, 2, 3 then the update
    await produce(topic, [insertOf2]);

    const { code, report, text } = validate(['--tables', table, '--timeout', '300']);
    expect(code, text).toBe(1);
    expect(report.checks.ordering.ok).toBe(false);
    expect(report.tables[0]?.reorderings).toBe(1);
    const [reordering] = examples(report, 'reordering');
    expect(reordering?.key).toBe('["2"]');
    expect(reordering?.at).toBe(`${topic}/0@${records.length}`);
  });

  it("a rule of your own (--rules, the README's example) runs on the stream and fails the verdict", async () => {
    const changed = await pool.query<{ id: string }>(
      'UPDATE orders SET quantity = quantity + 1 WHERE id = (SELECT max(id) FROM orders) RETURNING id',
    );
    const args = ['--tables', 'orders', '--timeout', '300'];
    const plain = validate(args);
    expect(plain.code, plain.text).toBe(0);
    // relative to where pnpm is called (the repository), not to the validator's package
    const ruled = validate([...args, '--rules', 'packages/validator/examples/quantity-fixed.ts']);
    expect(ruled.code, ruled.text).toBe(1);
    expect(ruled.report.checks['business-rules'].ok).toBe(false);
    expect(ruled.text).toContain(`rule:quantity-fixed orders key=["${changed.rows[0]!.id}"]`);
  });

  it('pnpm bench:validate registers its schemas, decodes and checks every record, and says so as JSON', () => {
    const run = pnpm(['bench:validate', '--records', '2000', '--json', '-']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { records: number; checkedPerSec: number };
    expect(result.records).toBe(2000);
    expect(result.checkedPerSec).toBeGreaterThan(0);
  });

  /** `pnpm validate ARGS` with these settings over the stack's. */
  const validateWith = (env: Record<string, string>, args: string[] = []) =>
    spawnSync('pnpm', ['--silent', '--workspace-root', 'validate', ...args], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 120_000,
    });

  it('a missing setting exits 4 (could not check) naming it, not 1 (a check failed)', () => {
    const run = validateWith({ KAFKA_BROKERS: '' });
    expect(run.status, run.stderr).toBe(4);
    expect(run.stderr).toContain('KAFKA_BROKERS is not set');
  });

  it('a Kafka login refused exits 4, naming the settings to check', () => {
    const run = validateWith({ KAFKA_PASSWORD: 'not-the-password' }, ['--timeout', '60']);
    expect(run.status, run.stderr).toBe(4);
    expect(run.stderr).toContain('Kafka refused the login');
    expect(run.stderr).toContain('set KAFKA_USER and KAFKA_PASSWORD');
  });

  it('garbage bytes in a topic are a poison record, reported with their offset, not a crash', async () => {
    const table = await capturedTable('vpoison', 2);
    const topic = `mdp.public.${table}`;
    const before = (await rawRecords(topic)).length;
    await produce(topic, [{ key: null, value: Buffer.from('not an avro record') }]);
    await pool.query(`INSERT INTO ${table} VALUES (3, 'after the poison')`);

    const { code, report, text } = validate(['--tables', table, '--timeout', '300']);
    expect(code, text).toBe(1);
    expect(report.checks.decoding).toMatchObject({ ok: false, count: 1 });
    expect(examples(report, 'poison')[0]?.at).toBe(`${topic}/0@${before}`);
    // the record after the poison was still decoded and checked
    expect(report.checks.completeness.ok).toBe(true);
  });
});
