/**
 * The pipeline's state from what each probe found: a verdict per stage (ok,
 * lagging, stopped) with what to do when it is not ok, and per table the count
 * at every stage. Pure: the probes are gathered elsewhere (gather.ts).
 */
import { topicFor, type Verdict } from '@mdp/schemas';
import type { ConnectProbe } from './probes/connect.js';
import type { KafkaProbe } from './probes/kafka.js';
import type { LakeTable } from './probes/lake.js';
import type { PostgresProbe } from './probes/postgres.js';
import type { Batch, SparkProbe } from './probes/spark.js';
import { ago, bytes, count, seconds } from './units.js';

export type Probed<T> = { readonly value: T } | { readonly error: string };

export interface LakeProbe {
  readonly tables: ReadonlyMap<string, { bronze?: LakeTable; silver?: LakeTable }>;
  readonly quarantine?: LakeTable;
}

export interface Probes {
  /** When they ran (ms since the epoch). */
  readonly at: number;
  /** Where each service was looked for, for the messages. */
  readonly where: { postgres: string; connect: string; kafka: string; lake: string };
  readonly schema: string;
  readonly topicPrefix: string;
  readonly postgres: Probed<PostgresProbe>;
  readonly connect: Probed<ConnectProbe>;
  readonly kafka: Probed<KafkaProbe>;
  readonly spark: Probed<SparkProbe | undefined>;
  readonly lake: Probed<LakeProbe>;
  /** The checkers' last verdicts, from PostgreSQL. */
  readonly verdicts: Probed<readonly Verdict[]>;
}

export type Health = 'ok' | 'lagging' | 'stopped';
type StageName = 'postgres' | 'slot' | 'connect' | 'kafka' | 'spark' | 'lake';

interface Stage {
  readonly name: StageName;
  readonly health: Health;
  readonly summary: string;
  /** What to do, when the stage is not ok. */
  readonly action?: string;
}

interface TableFlow {
  readonly table: string;
  readonly topic: string;
  readonly postgresRows?: number;
  /** Records in the table's topic (sum of its partitions' end offsets). */
  readonly kafkaRecords?: number;
  /** Records of the topic the Spark job has not finished yet. */
  readonly sparkBehind?: number;
  readonly bronze?: LakeTable;
  readonly silver?: LakeTable;
}

export interface PipelineStatus {
  readonly at: string;
  /** Every stage ok. */
  readonly ok: boolean;
  readonly stages: readonly Stage[];
  readonly tables: readonly TableFlow[];
  readonly batches: readonly Batch[];
  readonly quarantined?: number;
  /**
   * The last verdict of validate and of delta:check, as they were at their time:
   * shown beside the stages, not part of `ok` (which is the flow now).
   */
  readonly verdicts: readonly Verdict[];
  /** The figures the console charts over time (each absent when its stage could not say). */
  readonly figures: Figures;
}

interface Figures {
  readonly kafkaRecords?: number;
  readonly sparkBehind?: number;
  /** WAL the connector has not confirmed yet, in bytes. */
  readonly walUnconfirmedBytes?: number;
  /** The newest commit of any silver table. */
  readonly silverCommittedAt?: string;
}

/** The replication slot's unconfirmed WAL above which its stage says lagging. */
const SLOT_LAG_BYTES = 64 * 1024 * 1024;
/** Records waiting, no batch running and none finished for this long: the job is stopped. */
export const SPARK_STALL_MS = 60_000;
/** A batch running this long: the job is stuck (or died in it). */
const SPARK_BATCH_STALL_MS = 600_000;

export function judge(probes: Probes): PipelineStatus {
  const pg = valueOf(probes.postgres);
  const tableNames = pg?.tables.map((t) => t.table) ?? [
    ...(valueOf(probes.lake)?.tables.keys() ?? []),
  ];
  const tables = tableNames.map((table) => tableFlow(probes, table));
  const stages = [
    postgresStage(probes),
    slotStage(probes),
    connectStage(probes),
    kafkaStage(probes, tables),
    sparkStage(probes, tables),
    lakeStage(probes, tables),
  ];
  const quarantined = valueOf(probes.lake)?.quarantine?.rows;
  const slot = valueOf(probes.postgres)?.slot;
  const silverCommittedAt = newestSilverCommit(tables);
  const figures = {
    ...('value' in probes.kafka && { kafkaRecords: sum(tables.map((t) => t.kafkaRecords ?? 0)) }),
    ...('value' in probes.kafka &&
      'value' in probes.spark && { sparkBehind: sum(tables.map((t) => t.sparkBehind ?? 0)) }),
    ...(slot && { walUnconfirmedBytes: slot.flushLagBytes }),
    ...(silverCommittedAt && { silverCommittedAt }),
  };
  return {
    at: new Date(probes.at).toISOString(),
    ok: stages.every((s) => s.health === 'ok'),
    stages,
    tables,
    batches: valueOf(probes.spark)?.batches ?? [],
    ...(quarantined !== undefined && { quarantined }),
    verdicts: valueOf(probes.verdicts) ?? [],
    figures,
  };
}

function tableFlow(probes: Probes, table: string): TableFlow {
  const topic = topicFor(table, probes.topicPrefix, probes.schema);
  const ends = valueOf(probes.kafka)?.get(topic);
  const kafkaRecords = ends && sum(ends.values());
  const spark = valueOf(probes.spark);
  let sparkBehind: number | undefined;
  if (ends && 'value' in probes.spark) {
    const done = spark?.committed.get(topic);
    sparkBehind = 0;
    for (const [partition, end] of ends)
      sparkBehind += Math.max(0, end - (done?.get(partition) ?? 0));
  }
  const lake = valueOf(probes.lake)?.tables.get(table);
  return {
    table,
    topic,
    ...(pg(probes, table) !== undefined && { postgresRows: pg(probes, table) }),
    ...(kafkaRecords !== undefined && { kafkaRecords }),
    ...(sparkBehind !== undefined && { sparkBehind }),
    ...(lake?.bronze && { bronze: lake.bronze }),
    ...(lake?.silver && { silver: lake.silver }),
  };
}

function pg(probes: Probes, table: string): number | undefined {
  return valueOf(probes.postgres)?.tables.find((t) => t.table === table)?.rows;
}

function postgresStage(probes: Probes): Stage {
  if ('error' in probes.postgres)
    return down('postgres', 'PostgreSQL', probes.where.postgres, probes.postgres.error, 'postgres');
  const { tables, walLsn } = probes.postgres.value;
  if (tables.length === 0)
    return verdict(
      'postgres',
      'stopped',
      `no table of schema ${probes.schema} is published for capture`,
      'load the data (pnpm sim:load) and register the connector (pnpm connect:register)',
    );
  const rows = sum(tables.map((t) => t.rows));
  return verdict(
    'postgres',
    'ok',
    `${tables.length} tables captured, ${count(rows)} rows; WAL at ${walLsn}`,
  );
}

function slotStage(probes: Probes): Stage {
  if ('error' in probes.postgres)
    return verdict('slot', 'stopped', 'unknown: PostgreSQL does not answer');
  const slot = probes.postgres.value.slot;
  if (!slot)
    return verdict(
      'slot',
      'stopped',
      'no logical replication slot for the connector',
      'register the connector: pnpm connect:register (it creates its slot)',
    );
  const figures = `WAL retained ${bytes(slot.retainedBytes)}, unconfirmed ${bytes(slot.flushLagBytes)}`;
  if (!slot.active)
    return verdict(
      'slot',
      'stopped',
      `${slot.name} not read by anyone; ${figures}`,
      "the connector's task is not streaming: see the connect stage",
    );
  const summary = `${slot.name} active; ${figures}`;
  if (slot.flushLagBytes > SLOT_LAG_BYTES)
    return verdict(
      'slot',
      'lagging',
      summary,
      'Connect confirms the WAL slowly: pnpm stack:logs connect',
    );
  return verdict('slot', 'ok', summary);
}

function connectStage(probes: Probes): Stage {
  if ('error' in probes.connect)
    return down('connect', 'Kafka Connect', probes.where.connect, probes.connect.error, 'connect');
  const connector = probes.connect.value.connector;
  if (!connector)
    return verdict(
      'connect',
      'stopped',
      'no Debezium PostgreSQL connector is registered',
      'pnpm connect:register',
    );
  const running = connector.tasks.filter((t) => t.state === 'RUNNING').length;
  const summary = `${connector.name} ${connector.state}, tasks ${running}/${connector.tasks.length} RUNNING${
    connector.committedLsn ? `; committed source LSN ${connector.committedLsn}` : ''
  }`;
  const failed = [
    ...(connector.state === 'FAILED' ? [`connector: ${connector.trace ?? 'no trace'}`] : []),
    ...connector.tasks
      .filter((t) => t.state === 'FAILED')
      .map((t) => `task ${t.id}: ${t.trace ?? 'no trace'}`),
  ];
  if (failed.length > 0)
    return verdict(
      'connect',
      'stopped',
      `${summary}; FAILED ${failed.join('; ')}`,
      'the watchdog restarts a FAILED task a few times; fix the cause (pnpm stack:logs connect), then pnpm connect:register',
    );
  if (connector.state !== 'RUNNING' || running < connector.tasks.length || running === 0)
    return verdict(
      'connect',
      'lagging',
      summary,
      'starting or rebalancing; if it stays so: pnpm stack:logs connect',
    );
  return verdict('connect', 'ok', summary);
}

/**
 * A table with no row and no topic: made empty and never written, so Debezium has had
 * nothing of it to carry, and no topic or Delta table is awaited.
 */
const neverWritten = (t: TableFlow): boolean =>
  t.postgresRows === 0 && t.kafkaRecords === undefined;

function kafkaStage(probes: Probes, tables: readonly TableFlow[]): Stage {
  if ('error' in probes.kafka)
    return down('kafka', 'Kafka', probes.where.kafka, probes.kafka.error, 'kafka');
  const withTopic = tables.filter((t) => t.kafkaRecords !== undefined);
  const missing = tables.filter((t) => t.kafkaRecords === undefined && !neverWritten(t));
  const records = sum(withTopic.map((t) => t.kafkaRecords!));
  const summary = `${count(records)} records in ${withTopic.length} topics`;
  if (missing.length > 0)
    return verdict(
      'kafka',
      'lagging',
      `${summary}; no topic yet: ${missing.map((t) => t.topic).join(', ')}`,
      'Debezium creates a topic with its first change of the table: see the connect stage',
    );
  return verdict('kafka', 'ok', summary);
}

function sparkStage(probes: Probes, tables: readonly TableFlow[]): Stage {
  if ('error' in probes.spark)
    return down(
      'spark',
      "MinIO (the job's checkpoint)",
      probes.where.lake,
      probes.spark.error,
      'minio',
    );
  const spark = probes.spark.value;
  if (!spark)
    return verdict(
      'spark',
      'stopped',
      'no batch finished yet (no checkpoint in the lake)',
      'is the job running? pnpm stack:status; pnpm stack:logs spark',
    );
  const last = spark.batches.at(-1);
  const endedAt = last?.endedAt ?? last?.startedAt;
  const sinceMs = endedAt ? probes.at - Date.parse(endedAt) : undefined;
  const behind = sum(tables.map((t) => t.sparkBehind ?? 0));
  const lastText = last
    ? `last batch ${ago(sinceMs)}: ${last.records === undefined ? '' : `${count(last.records)} records `}in ${seconds(last.durationMs)}`
    : 'no batch';
  const runningMs = spark.running && probes.at - Date.parse(spark.running.startedAt);
  const summary = `${lastText}; ${count(behind)} records behind Kafka${
    spark.running ? `; batch ${spark.running.id} running for ${seconds(runningMs)}` : ''
  }`;
  if (behind === 0 && !spark.running) return verdict('spark', 'ok', summary);
  // A batch may take minutes on a backlog; with none running, the next trigger starts one in seconds.
  const stalled =
    runningMs !== undefined
      ? runningMs > SPARK_BATCH_STALL_MS
      : sinceMs !== undefined && sinceMs > SPARK_STALL_MS;
  if (stalled)
    return verdict(
      'spark',
      'stopped',
      summary,
      'records wait and no batch finishes: pnpm stack:status; pnpm stack:logs spark',
    );
  return verdict('spark', behind === 0 ? 'ok' : 'lagging', summary);
}

function lakeStage(probes: Probes, tables: readonly TableFlow[]): Stage {
  if ('error' in probes.lake)
    return down('lake', 'MinIO', probes.where.lake, probes.lake.error, 'minio');
  const silver = tables.filter((t) => t.silver);
  const rows = sum(silver.map((t) => t.silver!.rows ?? 0));
  const newest = newestSilverCommit(tables);
  const quarantined = probes.lake.value.quarantine?.rows ?? 0;
  const summary = `silver ${count(rows)} rows in ${silver.length} tables${
    newest ? `, newest commit ${ago(probes.at - Date.parse(newest))}` : ''
  }; ${count(quarantined)} quarantined`;
  const unwritten = tables
    .filter((t) => !t.silver && !neverWritten(t))
    .map((t) => `silver/${t.table}`);
  if (unwritten.length > 0)
    return verdict(
      'lake',
      'lagging',
      `${summary}; not written yet: ${unwritten.join(', ')}`,
      'the job writes a table with its first change: see the spark stage',
    );
  if (quarantined > 0)
    return verdict(
      'lake',
      'lagging',
      summary,
      'records the job could not decode wait in quarantine: pnpm lake:sql "SELECT topic, error_code, error FROM quarantine.cdc_errors"; fix the cause, then pnpm stack lake-replay',
    );
  return verdict('lake', 'ok', summary);
}

function newestSilverCommit(tables: readonly TableFlow[]): string | undefined {
  return tables
    .map((t) => t.silver?.committedAt)
    .filter((at): at is string => at !== undefined)
    .sort()
    .at(-1);
}

function verdict(name: StageName, health: Health, summary: string, action?: string): Stage {
  return { name, health, summary, ...(action && { action }) };
}

function down(name: StageName, what: string, where: string, error: string, service: string): Stage {
  return verdict(
    name,
    'stopped',
    `${what} does not answer at ${where}: ${error}`,
    `pnpm stack:status; pnpm stack:logs ${service} (with compose: docker compose ps, docker compose logs ${service})`,
  );
}

function valueOf<T>(probed: Probed<T>): T | undefined {
  return 'value' in probed ? probed.value : undefined;
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
