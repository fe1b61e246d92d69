import { describe, expect, it } from 'vitest';
import { judge, type Probes, SPARK_STALL_MS } from '../../src/judge.js';
import { formatStatus } from '../../src/format.js';
import { formatLsn } from '../../src/probes/connect.js';
import type { PostgresProbe } from '../../src/probes/postgres.js';
import { parseOffsets, type SparkProbe } from '../../src/probes/spark.js';

const NOW = Date.parse('2026-12-04T02:00:00Z');
const table = (path: string, rows: number) => ({
  path,
  version: 7,
  rows,
  files: 3,
  committedAt: new Date(NOW - 4000).toISOString(),
});

/** A healthy stack: two tables, every stage caught up. */
function healthy(): Probes {
  return {
    at: NOW,
    where: {
      postgres: 'pg:5432/mdp',
      connect: 'http://c',
      kafka: 'k:9092',
      lake: 'http://s3 bucket lake',
    },
    schema: 'public',
    topicPrefix: 'mdp',
    postgres: {
      value: {
        walLsn: '0/3A2F1C8',
        tables: [
          { table: 'customers', rows: 10 },
          { table: 'orders', rows: 20 },
        ],
        slot: { name: 'mdp_debezium', active: true, retainedBytes: 2048, flushLagBytes: 0 },
      },
    },
    connect: {
      value: {
        connector: {
          name: 'mdp-postgres',
          state: 'RUNNING',
          tasks: [{ id: 0, state: 'RUNNING' }],
          committedLsn: '0/3A2F100',
        },
      },
    },
    kafka: {
      value: new Map([
        ['mdp.public.customers', new Map([[0, 15]])],
        ['mdp.public.orders', new Map([[0, 25]])],
      ]),
    },
    spark: {
      value: {
        committed: new Map([
          ['mdp.public.customers', new Map([[0, 15]])],
          ['mdp.public.orders', new Map([[0, 25]])],
        ]),
        batches: [
          {
            id: 4,
            records: 12,
            startedAt: new Date(NOW - 6000).toISOString(),
            endedAt: new Date(NOW - 4000).toISOString(),
            durationMs: 2000,
          },
        ],
      },
    },
    lake: {
      value: {
        tables: new Map([
          [
            'customers',
            {
              bronze: table('bronze/customers_changes', 15),
              silver: table('silver/customers', 10),
            },
          ],
          [
            'orders',
            { bronze: table('bronze/orders_changes', 25), silver: table('silver/orders', 20) },
          ],
        ]),
      },
    },
    verdicts: { value: [] },
  };
}

const stage = (probes: Probes, name: string) => judge(probes).stages.find((s) => s.name === name)!;

describe('judge: a verdict per stage', () => {
  it('a caught-up stack: every stage OK, each table counted at every stage', () => {
    const status = judge(healthy());
    expect(status.ok).toBe(true);
    expect(status.stages.map((s) => [s.name, s.health])).toEqual([
      ['postgres', 'ok'],
      ['slot', 'ok'],
      ['connect', 'ok'],
      ['kafka', 'ok'],
      ['spark', 'ok'],
      ['lake', 'ok'],
    ]);
    expect(status.tables[1]).toMatchObject({
      table: 'orders',
      topic: 'mdp.public.orders',
      postgresRows: 20,
      kafkaRecords: 25,
      sparkBehind: 0,
      bronze: { rows: 25 },
      silver: { rows: 20 },
    });
    expect(status.stages.every((s) => s.action === undefined)).toBe(true);
    const text = formatStatus(status);
    expect(text).toContain('every stage OK');
    expect(text).toMatch(/orders\s+20\s+25\s+0\s+25\s+20\s+3/);
  });

  it("the checkers' last verdicts are shown with their age, and do not change the flow's verdict", () => {
    const verdicts = {
      value: [
        {
          checker: 'delta:check' as const,
          ok: false,
          summary: 'DIFFERENT: silver/orders 0 missing, 1 extra, 0 different',
          finishedAt: new Date(NOW - 300_000).toISOString(),
        },
        {
          checker: 'validate' as const,
          ok: true,
          summary: 'consistent (40 records of 2 tables)',
          finishedAt: new Date(NOW - 30_000).toISOString(),
        },
      ],
    };
    const status = judge({ ...healthy(), verdicts });
    expect(status.ok).toBe(true);
    expect(status.verdicts).toEqual(verdicts.value);
    const text = formatStatus(status);
    expect(text).toMatch(
      /delta:check\s+FAILED\s+5 min ago\s+DIFFERENT: silver\/orders 0 missing, 1 extra/,
    );
    expect(text).toMatch(/validate\s+OK\s+30 s ago\s+consistent/);
    expect(formatStatus(judge(healthy()))).toContain('no verdict yet');
    // PostgreSQL down: no verdicts to show, and the postgres stage says why
    expect(judge({ ...healthy(), verdicts: { error: 'ECONNREFUSED' } }).verdicts).toEqual([]);
  });

  it('a FAILED task stops the connect stage with its trace and what to do', () => {
    const probes = healthy();
    const connect = {
      value: {
        connector: {
          name: 'mdp-postgres',
          state: 'RUNNING',
          tasks: [
            {
              id: 0,
              state: 'FAILED',
              trace: 'org.apache.kafka.connect.errors.ConnectException: login refused',
            },
          ],
        },
      },
    };
    const failed = stage({ ...probes, connect }, 'connect');
    expect(failed.health).toBe('stopped');
    expect(failed.summary).toContain(
      'task 0: org.apache.kafka.connect.errors.ConnectException: login refused',
    );
    expect(failed.action).toContain('pnpm connect:register');
    expect(judge({ ...probes, connect }).ok).toBe(false);
  });

  it('a service that does not answer is named, with where it was looked for and its log', () => {
    const probes = { ...healthy(), kafka: { error: 'Connection error: connect ECONNREFUSED' } };
    const kafka = stage(probes, 'kafka');
    expect(kafka).toMatchObject({ health: 'stopped' });
    expect(kafka.summary).toBe(
      'Kafka does not answer at k:9092: Connection error: connect ECONNREFUSED',
    );
    expect(kafka.action).toContain('pnpm stack:logs kafka');
    // the other stages still report
    expect(stage(probes, 'lake').health).toBe('ok');
    expect(judge(probes).tables[0]!.kafkaRecords).toBeUndefined();
  });

  it('records waiting: spark is lagging while batches finish, stopped when none has for a minute', () => {
    const probes = healthy();
    const behind = {
      ...probes,
      kafka: {
        value: new Map([
          ...(probes.kafka as { value: Map<string, Map<number, number>> }).value,
          ['mdp.public.orders', new Map([[0, 40]])],
        ]),
      },
    };
    expect(stage(behind, 'spark')).toMatchObject({ health: 'lagging' });
    expect(stage(behind, 'spark').summary).toContain('15 records behind Kafka');
    const stalled = { ...behind, at: NOW + SPARK_STALL_MS };
    expect(stage(stalled, 'spark')).toMatchObject({ health: 'stopped' });
    expect(stage(stalled, 'spark').action).toContain('pnpm stack:logs spark');
    // after a long idle, records arrive and the next trigger starts a batch: at work, not stopped
    const spark = (behind.spark as { value: SparkProbe }).value;
    const working = {
      ...stalled,
      spark: {
        value: {
          ...spark,
          running: { id: 5, startedAt: new Date(NOW + SPARK_STALL_MS - 3000).toISOString() },
        },
      },
    };
    expect(stage(working, 'spark')).toMatchObject({ health: 'lagging' });
    expect(stage(working, 'spark').summary).toContain('batch 5 running for 3.0 s');
  });

  it('an inactive slot, no checkpoint, quarantined records and an unwritten table each say what to do', () => {
    const probes = healthy();
    const pg = (probes.postgres as { value: { slot: object } }).value;
    const inactive = {
      ...probes,
      postgres: { value: { ...pg, slot: { ...pg.slot, active: false } } },
    };
    expect(stage(inactive as Probes, 'slot')).toMatchObject({ health: 'stopped' });
    expect(stage({ ...probes, spark: { value: undefined } }, 'spark').action).toContain(
      'pnpm stack:status',
    );
    const lake = (probes.lake as { value: { tables: Map<string, object> } }).value;
    const quarantined = {
      ...probes,
      lake: { value: { ...lake, quarantine: table('quarantine/cdc_errors', 3) } },
    };
    expect(stage(quarantined as Probes, 'lake')).toMatchObject({ health: 'lagging' });
    expect(stage(quarantined as Probes, 'lake').action).toContain('pnpm stack lake-replay');
    const unwritten = { ...probes, lake: { value: { tables: new Map([['customers', {}]]) } } };
    expect(stage(unwritten, 'lake').summary).toContain(
      'not written yet: silver/customers, silver/orders',
    );
  });
});

describe('judge: a table made empty and never written', () => {
  it('awaits no topic and no Delta table for it, but does once it holds a row', () => {
    const probes = healthy();
    const pg = (probes.postgres as { value: PostgresProbe }).value;
    const withEmpty = (rows: number): Probes => ({
      ...probes,
      postgres: { value: { ...pg, tables: [...pg.tables, { table: 'empty', rows }] } },
    });
    expect(judge(withEmpty(0)).ok).toBe(true);
    expect(stage(withEmpty(0), 'kafka').summary).toBe('40 records in 2 topics');
    expect(stage(withEmpty(1), 'kafka')).toMatchObject({ health: 'lagging' });
    expect(stage(withEmpty(1), 'kafka').summary).toContain('no topic yet: mdp.public.empty');
    expect(stage(withEmpty(1), 'lake').summary).toContain('not written yet: silver/empty');
  });
});

describe('what the probes read', () => {
  it("a Spark offsets file: the batch's start time and each topic partition's offset", () => {
    const text = [
      'v1',
      '{"batchWatermarkMs":0,"batchTimestampMs":1764813600000,"conf":{"spark.sql.shuffle.partitions":"2"}}',
      '{"mdp.public.orders":{"0":25},"mdp.public.customers":{"0":15,"1":3}}',
    ].join('\n');
    const parsed = parseOffsets(text);
    expect(parsed.startedAtMs).toBe(1764813600000);
    expect([...parsed.ends.get('mdp.public.customers')!]).toEqual([
      [0, 15],
      [1, 3],
    ]);
  });

  it('an LSN as PostgreSQL writes it', () => {
    expect(formatLsn(0x3a2f1c8)).toBe('0/3A2F1C8');
    expect(formatLsn(0x1_0000_00ff)).toBe('1/FF');
  });
});
