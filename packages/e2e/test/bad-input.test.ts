/**
 * Bad input end to end, each on a table of its own so that the business tables
 * stay valid for the other suites: garbage in a CDC topic, a column added while
 * the pipeline runs, an incompatible schema change, and WAL growth while only
 * uncaptured tables change.
 */
import { randomBytes } from 'node:crypto';
import {
  kafkaLogin,
  pollUntil,
  registryAdminHeaders,
  topicFor,
  KAFKA_ADMIN_ENV,
} from '@mdp/schemas';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  connectorTask,
  createPool,
  deltaCheckUntilEqual,
  pipelineStatus,
  pnpm,
  pnpmOk,
  type TaskStatus,
} from './support/platform.js';

const pool = createPool();
// the admin: only it (and Connect) may write a CDC topic
const kafkaAdmin = kafkaLogin(process.env, KAFKA_ADMIN_ENV);
const kafka = new Kafka({
  brokers: process.env['KAFKA_BROKERS']!.split(','),
  ...(kafkaAdmin && { sasl: { ...kafkaAdmin } }),
  clientId: 'mdp-e2e',
  logLevel: logLevel.NOTHING,
});
const registry = process.env['SCHEMA_REGISTRY_URL']!;
afterAll(() => pool.end());

/** A row of `pnpm stack status --json`. */
interface StatusRow {
  name: string;
  failure?: string;
}

const tableName = (prefix: string) => `${prefix}_${randomBytes(3).toString('hex')}`;

async function topicExists(topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).includes(topic);
  } finally {
    await admin.disconnect();
  }
}

async function subjectVersions(subject: string): Promise<number[]> {
  const res = await fetch(`${registry}/subjects/${subject}/versions`);
  return res.ok ? ((await res.json()) as number[]) : [];
}

/** The lake summary read by Python deltalake (spark/bin/check-tables.sh). */
async function lakeSummary(tables: readonly string[]) {
  const result = await pnpm(['exec', 'bash', 'spark/bin/check-tables.sh', ...tables]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as {
    quarantine: { topic: string; partition: number; offset: number; error_code: string }[];
  };
}

describe('bad input end to end', () => {
  it('garbage records in a CDC topic land in the quarantine table and the pipeline goes on', async () => {
    const table = tableName('e2e_garbage');
    await pool.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, v text NOT NULL)`);
    await pool.query(`INSERT INTO ${table} VALUES (1, 'before the garbage')`);
    await pollUntil(`topic ${topicFor(table)}`, () => topicExists(topicFor(table)), 120_000);

    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const sent = await producer.send({
      topic: topicFor(table),
      messages: [
        { key: 'not avro', value: Buffer.from('{"json": "is not Avro"}') },
        { key: null, value: Buffer.from([0, 0, 0, 0x7f, 0xff, 1, 2, 3]) }, // framed, unknown schema id
      ],
    });
    await producer.disconnect();
    await pool.query(`INSERT INTO ${table} VALUES (2, 'after the garbage')`);

    await deltaCheckUntilEqual([table]); // rows before and after the garbage both reached silver
    const first = Number(sent[0]!.baseOffset);
    const quarantined = (await lakeSummary([table])).quarantine.filter(
      (q) => q.topic === topicFor(table),
    );
    expect(quarantined.map((q) => q.offset).sort()).toEqual([first, first + 1]);
    expect(new Set(quarantined.map((q) => q.error_code))).toEqual(
      new Set(['NOT_FRAMED', 'SCHEMA_NOT_FOUND']),
    );

    // pipeline:status says so, and the query it suggests lists them
    const status = await pipelineStatus();
    expect(status.quarantined).toBeGreaterThanOrEqual(2);
    const lake = status.stage('lake');
    expect(lake.health, lake.summary).toBe('lagging');
    const query = /pnpm lake:sql "([^"]+)"/.exec(lake.action ?? '')?.[1];
    expect(query, lake.action).toBeDefined();
    const listed = JSON.parse(await pnpmOk(['lake:sql', '--json', '-', query!])) as {
      topic: string;
    }[];
    expect(listed.filter((q) => q.topic === topicFor(table))).toHaveLength(2);
  });

  it('a nullable column added while the pipeline runs flows to silver (a new schema version)', async () => {
    const table = tableName('e2e_evolve');
    await pool.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, name text NOT NULL)`);
    await pool.query(`INSERT INTO ${table} VALUES (1, 'one'), (2, 'two')`);
    await deltaCheckUntilEqual([table]);

    await pool.query(`ALTER TABLE ${table} ADD COLUMN loyalty_tier text`);
    await pool.query(`UPDATE ${table} SET loyalty_tier = 'gold' WHERE id = 1`);
    await pool.query(`INSERT INTO ${table} VALUES (3, 'three', 'silver')`);

    // delta:check compares every PostgreSQL column: equal means silver has the new one, filled
    await deltaCheckUntilEqual([table]);
    expect((await subjectVersions(`${topicFor(table)}-value`)).length).toBe(2);
  });

  it('an incompatible schema change is refused by the registry: the connector stops loudly, skips nothing, and recovers as documented', async () => {
    const table = tableName('e2e_incompatible');
    await pool.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, amount text NOT NULL)`);
    await pool.query(`INSERT INTO ${table} VALUES (1, '10')`);
    await pollUntil('the first schema version', async () => {
      return (await subjectVersions(`${topicFor(table)}-value`)).length === 1;
    });

    // text → integer: a reader of the new schema cannot read the old records. One transaction:
    // the insert comes before the rows the DDL trigger's incremental snapshot sends again.
    await pool.query(
      `BEGIN; ALTER TABLE ${table} ALTER COLUMN amount TYPE integer USING amount::integer; ` +
        `INSERT INTO ${table} VALUES (2, 20); COMMIT`,
    );
    let task: TaskStatus | undefined;
    await pollUntil('the connector task FAILED', async () => {
      task = await connectorTask();
      return task?.state === 'FAILED';
    });
    expect(task?.trace).toMatch(/compatib/i);
    // The watchdog leaves it FAILED (a restart cannot help) and stack:status says why.
    const connectFailure = async () =>
      (JSON.parse(await pnpmOk(['stack', 'status', '--json'])) as StatusRow[]).find(
        (row) => row.name === 'connect',
      )?.failure;
    await pollUntil('stack:status naming the refused schema', async () =>
      /schema registry refused/.test((await connectFailure()) ?? ''),
    );
    expect((await connectorTask())?.state).toBe('FAILED');
    const stalled = await pnpmOk([
      'consume',
      '--topic',
      topicFor(table),
      '--from-beginning',
      '--timeout',
      '10',
    ]);
    expect(stalled.trim().split('\n')).toHaveLength(1); // the insert after the change is not skipped: it waits

    // README, "Troubleshooting": accept the change for this subject (as the registry's admin),
    // restart the failed task
    const res = await fetch(`${registry}/config/${topicFor(table)}-value`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/vnd.schemaregistry.v1+json',
        ...registryAdminHeaders(),
      },
      body: JSON.stringify({ compatibility: 'NONE' }),
    });
    expect(res.ok).toBe(true);
    await pnpmOk(['connect:register']); // restarts the failed task, waits for RUNNING
    await pollUntil('stack:status clear again', async () => (await connectFailure()) === undefined);
    const resumed = await pnpmOk([
      'consume',
      '--topic',
      topicFor(table),
      '--from-beginning',
      '--max',
      '2',
      '--timeout',
      '120',
    ]);
    expect(
      resumed
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { after: { id: number } }).after.id),
    ).toEqual([1, 2]);
  });

  it('WAL held by the replication slot stays bounded while only uncaptured tables change (heartbeats)', async () => {
    const schema = tableName('e2e_uncaptured');
    await pool.query(`CREATE SCHEMA ${schema}`);
    await pool.query(
      `CREATE TABLE ${schema}.noise (id bigserial PRIMARY KEY, payload text NOT NULL)`,
    );
    const walBytes = async () => {
      const { rows } = await pool.query<{ held: string }>(
        `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) AS held
           FROM pg_replication_slots WHERE slot_name = 'mdp_debezium'`,
      );
      return Number(rows[0]!.held);
    };
    const walNow = async () =>
      (await pool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
    const mb = 1024 * 1024;
    const from = await walNow();
    // about 200 MB of WAL, in a table the publication does not capture
    for (let i = 0; i < 4; i++) {
      await pool.query(
        `INSERT INTO ${schema}.noise (payload) SELECT md5(g::text) FROM generate_series(1, 250000) g`,
      );
    }
    const { rows } = await pool.query<{ written: string }>(
      'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn) AS written',
      [from],
    );
    const written = Number(rows[0]!.written);
    expect(written).toBeGreaterThan(64 * mb);
    // the heartbeat (cdc.heartbeat, in the publication) lets Debezium confirm the slot past it
    await pollUntil(
      'the slot to confirm past the uncaptured WAL',
      async () => (await walBytes()) < 16 * mb,
      180_000,
    );
    process.stdout.write(
      `WAL: ${(written / mb).toFixed(0)} MB written to an uncaptured table; the slot holds ${((await walBytes()) / mb).toFixed(1)} MB after heartbeats\n`,
    );
  });
});
