/**
 * The main job end to end on the running stack: the CSV files loaded, one minute
 * of business at 50 events/s (customer erasures included, so deletes and
 * tombstones flow), then both verdicts: the stream equals PostgreSQL
 * (`pnpm validate`) and the lake does too (`pnpm delta:check --bronze`), with
 * every Kafka record in bronze exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPool,
  deltaCheckUntilEqual,
  ensureLoaded,
  eventCount,
  pnpmOk,
  validate,
} from './support/platform.js';

const pool = createPool();
beforeAll(() => ensureLoaded(pool));
afterAll(() => pool.end());

describe('CSV → PostgreSQL → Debezium → Kafka → Spark → Delta on MinIO', () => {
  it('one minute at 50/s with deletes: the stream and the lake both equal PostgreSQL, bronze holds each change once', async () => {
    const first = await eventCount(pool);
    await pnpmOk(['sim:run', '--rate', '50/s', '--duration', '60s']);
    const { rows } = await pool.query<{ type: string; n: string }>(
      'SELECT type, count(*) AS n FROM sim.event_log WHERE seq > $1 GROUP BY type',
      [first],
    );
    const events = Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
    expect(Object.values(events).reduce((a, b) => a + b, 0)).toBe(3000);
    expect(events['customer_erased']).toBeGreaterThan(0); // deletes (and tombstones) flow too

    const validated = await validate();
    expect(validated.code, validated.stdout).toBe(0);
    const lake = await deltaCheckUntilEqual();
    expect(lake.equal).toBe(true);

    for (const table of lake.tables.filter((t) => t.lakePath.startsWith('bronze/'))) {
      const stream = validated.report!.tables.find((t) => t.table === table.table)!;
      // every Kafka record that is a change (not a tombstone) is in bronze, once
      expect(table.bronze!.duplicateRecords).toBe(0);
      expect(table.bronze!.events).toBe(stream.records - stream.tombstones);
    }
    const silver = lake.tables.filter((t) => t.lakePath.startsWith('silver/'));
    expect(silver.map((t) => t.duplicateKeys)).toEqual([0, 0, 0]);
    process.stdout.write(
      `pipeline: ${JSON.stringify(events)}; bronze events ${lake.tables
        .filter((t) => t.bronze)
        .map((t) => `${t.table} ${t.bronze!.events}`)
        .join(', ')}\n`,
    );
  });
});
