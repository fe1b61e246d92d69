/**
 * Runs every probe against the running stack, each on its own: a service that
 * is down makes its own probe an error, and the others still report.
 */
import { createS3Store, type S3Store } from '@mdp/delta-check';
import { DEFAULT_TOPIC_PREFIX, readVerdicts, SOURCE_SCHEMA, topicFor } from '@mdp/schemas';
import pg from 'pg';
import type { Config } from './config.js';
import type { LakeProbe, Probed, Probes } from './judge.js';
import { probeConnect } from './probes/connect.js';
import { probeKafka } from './probes/kafka.js';
import { type LakeTable, probeLakeTable, QUARANTINE } from './probes/lake.js';
import { probePostgres } from './probes/postgres.js';
import { probeSpark } from './probes/spark.js';

export interface Gatherer {
  gather(): Promise<Probes>;
  close(): Promise<void>;
}

export function createGatherer(config: Config): Gatherer {
  const pool = new pg.Pool({
    ...config.pg,
    max: 1,
    connectionTimeoutMillis: 3000,
    statement_timeout: 10_000,
    application_name: 'mdp-pipeline-status',
  });
  pool.on('error', () => undefined); // an idle client whose server restarted: the next probe says so
  const store: S3Store = createS3Store(config.s3);
  const where = {
    postgres: `${config.pg.host}:${config.pg.port}/${config.pg.database}`,
    connect: config.connectUrl,
    kafka: config.kafkaBrokers,
    lake: `${config.s3.endpoint} bucket ${config.s3.bucket}`,
  };
  return {
    async gather() {
      const at = Date.now();
      const connect = await probed(() => probeConnect(config.connectUrl));
      const connector = 'value' in connect ? connect.value.connector : undefined;
      const postgres = await probed(() =>
        probePostgres(pool, {
          schema: SOURCE_SCHEMA,
          publication: connector?.publication,
          slot: connector?.slot,
        }),
      );
      const verdicts = await probed(() => readVerdicts(pool));
      const topicPrefix = connector?.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
      const tables = 'value' in postgres ? postgres.value.tables.map((t) => t.table) : [];
      const topics = tables.map((t) => topicFor(t, topicPrefix, SOURCE_SCHEMA));
      const [kafka, spark, lake] = await Promise.all([
        probed(() => probeKafka(config.kafkaBrokers, config.kafkaLogin, topics)),
        probed(() => probeSpark(store)),
        probed(() => probeLake(store, tables)),
      ]);
      return {
        at,
        where,
        schema: SOURCE_SCHEMA,
        topicPrefix,
        postgres,
        connect,
        kafka,
        spark,
        lake,
        verdicts,
      };
    },
    async close() {
      store.close();
      await pool.end().catch(() => undefined);
    },
  };
}

async function probeLake(store: S3Store, tables: readonly string[]): Promise<LakeProbe> {
  const found = new Map<string, { bronze?: LakeTable; silver?: LakeTable }>();
  for (const table of tables) {
    const bronze = await probeLakeTable(store, `bronze/${table}_changes`);
    const silver = await probeLakeTable(store, `silver/${table}`);
    found.set(table, { ...(bronze && { bronze }), ...(silver && { silver }) });
  }
  const quarantine = await probeLakeTable(store, QUARANTINE);
  return { tables: found, ...(quarantine && { quarantine }) };
}

async function probed<T>(probe: () => Promise<T>): Promise<Probed<T>> {
  try {
    return { value: await probe() };
  } catch (err) {
    return { error: messageOf(err) };
  }
}

function messageOf(err: unknown): string {
  const e = err as { message?: string; code?: string; cause?: { code?: string } };
  const text = (e.message || e.code || String(err)).split('\n', 1)[0]!;
  return e.cause?.code ? `${text} (${e.cause.code})` : text; // fetch says only "fetch failed"
}
