/**
 * `docker compose up`, run for real: every image built from infra/compose/Dockerfile,
 * the stack up with `--wait` (compose-setup.ts), then the platform's own CLIs
 * against it, as a user would: the CSVs loaded, the simulator at 50/s with
 * Connect and the Spark container killed (SIGKILL) mid-stream and Kafka
 * restarted, both verdicts; then the data across `down` + `up`, and gone after
 * `down -v`. One compose project for the whole file.
 */
import { pollUntil } from '@mdp/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectorRunning,
  untilConnectorRunning,
  createPool,
  eventCount,
  pipelineCaughtUp,
  pnpmOk,
  sparkJobRunning,
  verdicts,
  withSimulator,
} from '../support/platform.js';
import { compose, composeOutput, containers, volumes } from '../support/compose.js';
import {
  connectKnocks,
  KAFKA_READER_ONLY_READS,
  kafkaKnocks,
  environmentNames,
  NO_HBA_LINE,
  physicalReplicationByRole,
  READER_ONLY_READS,
  readerKnocks,
  REGISTRY_WRITERS_ONLY,
  registryKnocks,
  SECRET_NAME,
  WRITER_OWN_TABLES_ONLY,
  writerKnocks,
} from '../support/doors.js';

const envFile = process.env['MDP_COMPOSE_ENV_FILE']!;
const sparkUi = Number(process.env['MDP_SPARK_UI_PORT']);
const pool = createPool();
afterAll(() => pool.end());

const ONE_SHOTS = ['postgres-init', 'kafka-init', 'minio-init', 'connect-register'];

/** Every long-running service running and healthy, every one-shot exited 0. */
function stackHealthy(): boolean {
  const all = containers(envFile);
  return (
    all.length > 0 &&
    all.every((c) =>
      ONE_SHOTS.includes(c.Service)
        ? c.State === 'exited' && c.ExitCode === 0
        : c.State === 'running' && c.Health === 'healthy',
    )
  );
}

/** SIGKILL to a service's container, then the service back healthy (`up --wait` starts it if its policy did not). */
async function killContainer(service: string): Promise<void> {
  await compose(envFile, ['kill', '--signal', 'SIGKILL', service]);
  await compose(envFile, ['up', '--detach', '--wait', service]);
}

beforeAll(async () => {
  await pnpmOk(['sim:load', '--replace']);
});

describe('docker compose up', () => {
  it('brings every service up healthy, the one-shots done and the connector RUNNING', async () => {
    const all = containers(envFile);
    expect(all.map((c) => c.Service).sort()).toEqual(
      [
        'apicurio',
        'connect',
        'connect-register',
        'console',
        'kafka',
        'kafka-init',
        'minio',
        'minio-init',
        'postgres',
        'postgres-init',
        'spark',
      ].sort(),
    );
    expect(stackHealthy(), JSON.stringify(all)).toBe(true);
    expect(await connectorRunning()).toBe(true);
  });

  it('no role opens a physical replication connection to PostgreSQL (a copy of the cluster)', async () => {
    for (const [user, answer] of await physicalReplicationByRole())
      expect(answer, user).toMatch(NO_HBA_LINE);
  });

  it("the checkers' role reads PostgreSQL's tables and writes none but its verdict", async () => {
    expect(await readerKnocks()).toEqual(READER_ONLY_READS);
  });

  it("the writers' role (sim:load, sim:run) makes and writes its own tables, nothing of the stack's or another schema", async () => {
    expect(await writerKnocks()).toEqual(WRITER_OWN_TABLES_ONLY);
  });

  it('no Kafka topic is written without a login, with a wrong password, or by the read-only user', async () => {
    expect(await kafkaKnocks()).toEqual(KAFKA_READER_ONLY_READS);
  });

  it('no connector is registered on Kafka Connect without its REST user', async () => {
    expect(await connectKnocks()).toEqual({ anonymous: 401, wrongPassword: 401, lookup: 404 });
  });

  it("no schema is written to the registry without a login, nor its global rule changed by Connect's user", async () => {
    const connectPassword = process.env['SCHEMA_REGISTRY_CONNECT_PASSWORD']!;
    expect(await registryKnocks(connectPassword)).toEqual(REGISTRY_WRITERS_ONLY);
  });

  it("Kafka Connect's worker holds its connector's password only", () => {
    // the worker's own (the container's first process is its init, with the container's env)
    const worker =
      'for p in /proc/[0-9]*; do [ "$(cat $p/comm)" = java ] && exec cat $p/environ; done';
    const environ = composeOutput(envFile, ['exec', '-T', 'connect', 'bash', '-c', worker]);
    const names = environmentNames(environ);
    expect(names.filter((name) => SECRET_NAME.test(name))).toEqual([
      'PG_DEBEZIUM_PASSWORD',
      'SCHEMA_REGISTRY_CONNECT_PASSWORD',
    ]);
    expect(names).toEqual(expect.arrayContaining(['PGDATABASE', 'PGHOST', 'PGPORT']));
  });

  it('the pipeline at 50/s with Connect and Spark killed mid-stream and Kafka restarted: nothing lost, nothing doubled in silver', async () => {
    const first = await eventCount(pool);
    await withSimulator(
      pool,
      async () => {
        await killContainer('connect');
        await untilConnectorRunning('the connector RUNNING after kill -9');
        await pollUntil('a Spark job in flight', () => sparkJobRunning(sparkUi), 300_000, 100);
        await killContainer('spark');
        await compose(envFile, ['restart', 'kafka']);
        await untilConnectorRunning('the connector RUNNING after the Kafka restart');
      },
      1500,
    );
    const { rows } = await pool.query<{ type: string; n: string }>(
      'SELECT type, count(*) AS n FROM sim.event_log WHERE seq > $1 GROUP BY type',
      [first],
    );
    const events = Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
    expect(events['customer_erased']).toBeGreaterThan(0); // deletes (and tombstones) flowed too
    const counts = await verdicts('compose: docker kill connect and spark, restart kafka');
    expect(counts.silverDuplicates).toBe(0);
    expect(counts.bronzeStoredTwice).toBe(0);
    // pipeline:status reads the compose stack the same way: every stage up to the job OK
    await pipelineCaughtUp();
  });

  it('keeps every table, topic and lake file across down and up', async () => {
    const before = await pool.query<{ n: string }>('SELECT count(*) AS n FROM orders');
    await compose(envFile, ['down', '--timeout', '30']);
    expect(volumes().length).toBe(3);
    await compose(envFile, ['up', '--detach', '--wait', '--wait-timeout', '1800']);
    expect(stackHealthy()).toBe(true);
    const after = await pool.query<{ n: string }>('SELECT count(*) AS n FROM orders');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    // the stream replayed from Kafka's volume and the lake on MinIO's still equal PostgreSQL
    await verdicts('compose: after down and up');
  });

  it('down -v removes every volume of the project', async () => {
    await compose(envFile, ['down', '--volumes', '--timeout', '30']);
    expect(volumes()).toEqual([]);
  });
});
