/**
 * Changes a real database sees beyond the simulator's inserts, updates and
 * deletes, each on a table of its own so that the business tables stay valid
 * for the other suites.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import {
  DEFAULT_TOPIC_PREFIX,
  kafkaLogin,
  pollUntil,
  tableOfTopic,
  topicFor,
  KAFKA_ADMIN_ENV,
} from '@mdp/schemas';
import { afterAll, describe, expect, it } from 'vitest';
import {
  asSuperuser,
  BUSINESS_TABLES,
  untilConnectorRunning,
  createPool,
  deltaCheckUntilEqual,
  ensureLoaded,
  pnpmOk,
  stackState,
  validate,
  verdicts,
} from './support/platform.js';

const pool = createPool();
afterAll(() => pool.end());
/** The tables each test made, for the rebuild at the end. */
const madeTables: string[] = [];

/** retention.ms of every CDC topic (`mdp.<schema>.<table>`). */
async function cdcTopicRetention(): Promise<Map<string, string | undefined>> {
  // the admin: the read-only user may not describe topic configs
  const login = kafkaLogin(process.env, KAFKA_ADMIN_ENV);
  const kafka = new Kafka({
    brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
    ...(login && { sasl: { ...login } }),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter(
      (t) => tableOfTopic(t)?.prefix === DEFAULT_TOPIC_PREFIX,
    );
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: ['retention.ms'],
      })),
    });
    return new Map(
      resources.map((r) => [r.resourceName, r.configEntries[0]?.configValue] as const),
    );
  } finally {
    await admin.disconnect();
  }
}

describe('changes beyond insert, update and delete', () => {
  it('a TRUNCATE reaches Kafka, the validator and the lake: silver keeps only the rows written after it', async () => {
    const table = `e2e_truncate_${randomBytes(3).toString('hex')}`;
    madeTables.push(table);
    await pool.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, qty integer NOT NULL)`);
    await pool.query(`INSERT INTO ${table} SELECT g, g FROM generate_series(1, 200) g`);
    await deltaCheckUntilEqual([table]);

    await pool.query(`TRUNCATE ${table}`);
    await pool.query(`INSERT INTO ${table} SELECT g, g * 10 FROM generate_series(1001, 1010) g`);

    const stream = await pnpmOk([
      'consume',
      '--topic',
      topicFor(table),
      '--from-beginning',
      '--max',
      '211',
      '--timeout',
      '120',
    ]);
    const ops = stream
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { op: string }).op);
    expect(ops.filter((op) => op === 't')).toHaveLength(1);

    const validated = await validate([table]);
    expect(validated.code, validated.stdout).toBe(0);
    const lake = await deltaCheckUntilEqual([table]);
    const silver = lake.tables.find((t) => t.lakePath.startsWith('silver/'));
    expect(silver?.lakeRows).toBe(10);
  });

  it('a primary-key update, and an unchanged TOASTed value under replica identity DEFAULT, reach silver as PostgreSQL has them', async () => {
    const hex = randomBytes(3).toString('hex');
    const [keyed, toasted] = [`e2e_key_update_${hex}`, `e2e_toast_${hex}`];
    madeTables.push(keyed, toasted);
    // 12,800 characters of hex: too long to stay inline, too random to compress under TOAST's limit
    const big = `(SELECT string_agg(md5(g::text || i::text), '') FROM generate_series(1, 400) i)`;
    for (const table of [keyed, toasted]) {
      await pool.query(
        `CREATE TABLE ${table} (id integer PRIMARY KEY, n integer NOT NULL, note text)`,
      );
      await pool.query(`INSERT INTO ${table} SELECT g, 0, ${big} FROM generate_series(1, 5) g`);
    }
    // Debezium sends a key update as a delete of the old key, a tombstone and a create.
    await pool.query(`UPDATE ${keyed} SET id = id + 100, n = 1 WHERE id <= 2`);
    // New tables are REPLICA IDENTITY FULL (an event trigger of postgres-init); with DEFAULT,
    // an update that leaves a TOASTed value alone sends Debezium's placeholder instead.
    await pool.query(`ALTER TABLE ${toasted} REPLICA IDENTITY DEFAULT`);
    await pool.query(`UPDATE ${toasted} SET n = n + 1`);

    const stream = await pnpmOk([
      'consume',
      '--topic',
      topicFor(toasted),
      '--from-beginning',
      '--max',
      '10',
      '--timeout',
      '120',
    ]);
    const notes = stream
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { after: { note: string } | null }).after?.note);
    expect(notes.filter((note) => note === '__debezium_unavailable_value')).toHaveLength(5);

    const validated = await validate([keyed, toasted]);
    expect(validated.code, validated.stdout).toBe(0);
    const lake = await deltaCheckUntilEqual([keyed, toasted]);
    const silver = (table: string) => lake.tables.find((t) => t.lakePath === `silver/${table}`);
    expect(silver(keyed)).toMatchObject({ lakeRows: 5, duplicateKeys: 0 });
    expect(silver(toasted)).toMatchObject({ lakeRows: 5, duplicateKeys: 0 });
  });

  it('DDL: a column added with a default, dropped, renamed and retyped; every row reaches the lake in the new shape', async () => {
    const table = `e2e_ddl_${randomBytes(3).toString('hex')}`;
    madeTables.push(table);
    await pool.query(
      `CREATE TABLE ${table} (id integer PRIMARY KEY, qty integer NOT NULL, note text, gone text, n integer)`,
    );
    await pool.query(
      `INSERT INTO ${table} SELECT g, g, 'n' || g, 'g' || g, g FROM generate_series(1, 300) g`,
    );
    await deltaCheckUntilEqual([table]);

    // Logical decoding carries none of these, nor the rows they change without rewriting:
    // postgres-init's event trigger has Debezium re-read the table after each.
    await pool.query(`ALTER TABLE ${table} ADD COLUMN flag integer NOT NULL DEFAULT 7`);
    await pool.query(`ALTER TABLE ${table} DROP COLUMN gone`);
    await pool.query(`ALTER TABLE ${table} RENAME COLUMN note TO remark`);
    await pool.query(`ALTER TABLE ${table} ALTER COLUMN n TYPE bigint`);
    await pool.query(`UPDATE ${table} SET n = 5000000000 WHERE id = 1`);

    const validated = await validate([table]);
    expect(validated.code, validated.stdout).toBe(0);
    // delta:check compares every source column: `gone` or `note` left in silver would differ
    const lake = await deltaCheckUntilEqual([table]);
    const silver = lake.tables.find((t) => t.lakePath === `silver/${table}`);
    expect(silver?.comparedColumns.sort()).toEqual(['flag', 'id', 'n', 'qty', 'remark']);
    expect(silver).toMatchObject({ lakeRows: 300, duplicateKeys: 0, staleColumns: [] });
  });

  it('CSVs without a usable key reach silver: a repeated id, no unique column, one column of empty values', async () => {
    const suffix = randomBytes(3).toString('hex');
    const dir = mkdtempSync(join(tmpdir(), 'mdp-e2e-keys-'));
    const tables = [`e2e_repeats_${suffix}`, `e2e_pairs_${suffix}`, `e2e_notes_${suffix}`];
    const [repeats, pairs, notes] = tables as [string, string, string];
    madeTables.push(...tables);
    try {
      writeFileSync(join(dir, `${repeats}.csv`), 'id,code,qty\n1,a,5\n2,b,5\n1,c,6\n');
      writeFileSync(join(dir, `${pairs}.csv`), 'a,b\n1,x\n1,x\n2,y\n');
      writeFileSync(join(dir, `${notes}.csv`), 'note\nfirst\n\n\nlast\n');
      const summary = await pnpmOk(['sim:load', '--dir', dir]);
      expect(summary).toContain(`"id" is not a key: value "1" repeats at ${repeats}.csv:4:1`);
      await pool.query(`UPDATE ${repeats} SET qty = qty + 1 WHERE code = 'a'`);
      await pool.query(`DELETE FROM ${pairs} WHERE row_id = 2`);
      await pool.query(`UPDATE ${notes} SET note = 'second' WHERE row_id = 2`);

      const validated = await validate(tables);
      expect(validated.code, validated.stdout).toBe(0);
      const lake = await deltaCheckUntilEqual(tables);
      const silverRows = (table: string) =>
        lake.tables.find((t) => t.lakePath === `silver/${table}`)?.lakeRows;
      expect(tables.map(silverRows)).toEqual([3, 2, 4]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the replication slot lost while Connect was stopped: Debezium snapshots again, and the rows deleted meanwhile leave the replay and the lake', async () => {
    await ensureLoaded(pool);
    const table = `e2e_slot_${randomBytes(3).toString('hex')}`;
    madeTables.push(table);
    await pool.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, qty integer NOT NULL)`);
    await pool.query(`INSERT INTO ${table} SELECT g, g FROM generate_series(1, 50) g`);
    await deltaCheckUntilEqual([table]);

    await pnpmOk(['stack', 'stop', 'connect']);
    const slotActive = async () =>
      (
        await pool.query<{ active: boolean }>(
          `SELECT active FROM pg_replication_slots WHERE slot_name = 'mdp_debezium'`,
        )
      ).rows[0]?.active;
    await pollUntil('the slot released by the stopped worker', async () => !(await slotActive()));
    asSuperuser(await stackState(), `SELECT pg_drop_replication_slot('mdp_debezium')`);
    // No slot records these: Debezium's offset points into WAL no slot keeps.
    await pool.query(`DELETE FROM ${table} WHERE id <= 10`);
    await pool.query(`UPDATE ${table} SET qty = -qty WHERE id BETWEEN 11 AND 20`);
    await pool.query(`INSERT INTO ${table} SELECT g, g FROM generate_series(51, 60) g`);
    await pnpmOk(['stack', 'start', 'connect']);
    await untilConnectorRunning('the connector RUNNING with a new slot');

    await verdicts('replication slot lost', [...BUSINESS_TABLES, table]);
  });

  it('the CDC topics keep every record: the lake deleted and rebuilt from them equals PostgreSQL; the quarantine replays', async () => {
    await ensureLoaded(pool);
    const retention = await cdcTopicRetention();
    expect(retention.size).toBeGreaterThanOrEqual(BUSINESS_TABLES.length);
    for (const [topic, ms] of retention) expect(ms, topic).toBe('-1');

    const said = await pnpmOk(['stack', 'lake-reset']);
    expect(said).toContain('bronze, silver, quarantine and _checkpoints deleted');
    const lake = await deltaCheckUntilEqual([...BUSINESS_TABLES, ...madeTables]);
    for (const table of lake.tables) expect(table.duplicateKeys, table.lakePath).toBe(0);

    // The quarantine replay's wiring (Spark stopped, the replay run, Spark started again);
    // what it replays is proven in spark/tests.
    const replay = await pnpmOk(['stack', 'lake-replay']);
    expect(replay).toMatch(/replayed \d+ quarantined record\(s\) into bronze and silver/);
    await deltaCheckUntilEqual([...BUSINESS_TABLES, ...madeTables]);
  });
});
