/**
 * The cluster profile's promise, for the native stack (vitest.cluster.config.ts) and
 * for docker compose (vitest.compose-cluster.config.ts): with the simulator running,
 * a node of each distributed engine dies (kill -9) and the pipeline goes on without a
 * person: a Kafka broker (the leader of the orders topic: another replica takes over),
 * the Connect worker that runs the connector's task (the task moves to the other
 * worker), a Spark worker (its executor's tasks run on the other one) and a MinIO
 * node (3 of 4 drives keep the erasure set writable); on compose, the broker and
 * the Spark worker. Each is kept down until the others have taken over, then started
 * again. Then both verdicts: nothing lost, nothing twice in silver.
 */
import { connectHeaders, KAFKA_ADMIN_ENV, kafkaLogin, pollUntil } from '@mdp/schemas';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeNodes, nativeNodes } from '../support/cluster-nodes.js';
import {
  createPool,
  ensureLoaded,
  pipelineCaughtUp,
  verdicts,
  withSimulator,
} from '../support/platform.js';

const composeEnvFile = process.env['MDP_COMPOSE_ENV_FILE'];
const nodes = composeEnvFile ? composeNodes(composeEnvFile) : nativeNodes;
const pool = createPool();
const ORDERS_TOPIC = 'mdp.public.orders';

const kafka = new Kafka({
  brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
  sasl: kafkaLogin(process.env, KAFKA_ADMIN_ENV)!,
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();

beforeAll(async () => {
  await admin.connect();
  await ensureLoaded(pool);
  await pipelineCaughtUp(600_000);
});
afterAll(async () => {
  await admin.disconnect();
  await pool.end();
});

/** The broker (node id) leading the topic's one partition, and its in-sync replicas. */
async function partitionOf(topic: string): Promise<{ leader: number; isr: number[] }> {
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  const partition = metadata!.partitions[0]!;
  return { leader: partition.leader, isr: partition.isr };
}

/** The Connect worker (its REST address, host:port) that runs the connector's task. */
async function taskWorker(connectUrl: string): Promise<{ state: string; worker: string }> {
  const res = await fetch(`${connectUrl}/connectors/mdp-postgres/status`, {
    headers: connectHeaders(),
  });
  const status = (await res.json()) as { tasks: { state: string; worker_id: string }[] };
  return { state: status.tasks[0]?.state ?? 'none', worker: status.tasks[0]?.worker_id ?? '' };
}

/** The Spark job's application in its UI's REST API (`path` under it). */
async function sparkApplication<T>(path: string): Promise<T> {
  const base = `http://127.0.0.1:${await nodes.httpPort('spark')}/api/v1/applications`;
  const [app] = (await (await fetch(base)).json()) as { id: string }[];
  return (await (await fetch(`${base}/${app!.id}/${path}`)).json()) as T;
}

/** The executors the Spark job's application has had, live or lost. */
async function sparkExecutors(): Promise<{ id: string; isActive: boolean }[]> {
  const executors = await sparkApplication<{ id: string; isActive: boolean }[]>('allexecutors');
  return executors.filter((executor) => executor.id !== 'driver');
}

/**
 * kill -9 a node and keep it down while `whileDown` watches the others take over;
 * then start it again.
 */
async function killAndHoldDown(service: string, whileDown: () => Promise<void>): Promise<void> {
  await nodes.killAndStop(service);
  process.stdout.write(`${service}: killed (-9), kept down\n`);
  await whileDown();
  await nodes.start(service);
}

/** The Spark jobs (micro-batch work: reads, Delta writes) the application has finished. */
async function sparkJobsDone(): Promise<number> {
  return (await sparkApplication<unknown[]>('jobs?status=succeeded')).length;
}

/** Waits until the Spark job has finished more jobs: the pipeline moves without the node. */
async function sparkMovesOn(without: string): Promise<void> {
  const done = await sparkJobsDone();
  await pollUntil(
    `Spark finishing micro-batch work without ${without}`,
    async () => (await sparkJobsDone().catch(() => done)) >= done + 3,
    300_000,
  );
}

/** The orders topic's leader: its in-sync followers hold every record Connect wrote (acks=all). */
async function leadingBrokerFails(): Promise<void> {
  const before = await partitionOf(ORDERS_TOPIC);
  const broker = before.leader === 1 ? 'kafka' : `kafka-${before.leader}`;
  await killAndHoldDown(broker, async () => {
    await pollUntil(
      `another leader of ${ORDERS_TOPIC} than ${broker}`,
      async () => {
        const { leader } = await partitionOf(ORDERS_TOPIC).catch(() => before);
        return leader > 0 && leader !== before.leader;
      },
      120_000,
    );
    await sparkMovesOn(broker);
  });
}

/** The Connect worker that runs the connector's task: the task moves to the other one. */
async function taskWorkerFails(): Promise<void> {
  const { worker } = await taskWorker(process.env['KAFKA_CONNECT_URL']!);
  const [dead, survivor] =
    worker === (await nodes.connectWorkerId('connect'))
      ? (['connect', 'connect-2'] as const)
      : (['connect-2', 'connect'] as const);
  const survivorUrl = `http://127.0.0.1:${await nodes.httpPort(survivor)}`;
  await killAndHoldDown(dead, async () => {
    await pollUntil(
      `the connector's task RUNNING on ${survivor}`,
      async () => {
        const task = await taskWorker(survivorUrl).catch(() => undefined);
        return task?.state === 'RUNNING' && task.worker !== worker;
      },
      300_000,
    );
    await sparkMovesOn(dead);
  });
}

/** A Spark worker: its executor is lost, its tasks run on the other worker's. */
async function sparkWorkerFails(): Promise<void> {
  const lost = (await sparkExecutors()).filter((e) => !e.isActive).length;
  await killAndHoldDown('spark-worker-1', async () => {
    await pollUntil(
      "the Spark job losing spark-worker-1's executor",
      async () => (await sparkExecutors()).filter((e) => !e.isActive).length > lost,
      300_000,
    );
    await sparkMovesOn('spark-worker-1');
  });
}

/** A MinIO node: 3 of 4 drives keep the erasure set writable. */
async function minioNodeFails(): Promise<void> {
  await killAndHoldDown('minio-3', () => sparkMovesOn('minio-3'));
}

const broker = { name: 'a broker', run: leadingBrokerFails };
const sparkWorker = { name: 'a Spark worker', run: sparkWorkerFails };
// Compose's run, the test command's last, kills the broker and the Spark worker only
// (the test command's time budget); the native run kills all four.
const failures = composeEnvFile
  ? [broker, sparkWorker]
  : [
      broker,
      { name: 'a Connect worker', run: taskWorkerFails },
      sparkWorker,
      { name: 'a MinIO node', run: minioNodeFails },
    ];

describe('the cluster profile under node failures, with the simulator at 50/s', () => {
  it('offers the host 127.0.0.1 only: every node and every process it started (executors too)', async () => {
    const { ports, listeners } = await nodes.listeners();
    for (const port of ports)
      expect(listeners.some((local) => local.endsWith(`:${port}`))).toBe(true);
    for (const local of listeners)
      expect(local).toMatch(/^(127\.0\.0\.1|\[::ffff:127\.0\.0\.1\]|\[::1\]):\d+$/);
  });

  it('stores every CDC topic on 3 brokers, 2 of them in sync for a write', async () => {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: ORDERS_TOPIC,
          configNames: ['min.insync.replicas'],
        },
      ],
    });
    expect(resources[0]!.configEntries[0]!.configValue).toBe('2');
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [ORDERS_TOPIC] })).topics;
    expect(metadata!.partitions[0]!.replicas).toHaveLength(3);
  });

  it(`kill -9 ${failures.map((f) => f.name).join(', ')}: nothing lost, nothing twice in silver`, async () => {
    await withSimulator(pool, async () => {
      for (const failure of failures) await failure.run();
    });
    const counts = await verdicts('cluster node failures');
    expect(counts.silverDuplicates).toBe(0);
    expect(counts.bronzeStoredTwice).toBe(0);
    // whole again: the restarted worker has an executor, the broker is back in sync
    await pollUntil(
      'an executor on each Spark worker',
      async () => (await sparkExecutors()).filter((e) => e.isActive).length === 2,
      300_000,
    );
    await pollUntil(
      `3 in-sync replicas of ${ORDERS_TOPIC}`,
      async () => (await partitionOf(ORDERS_TOPIC)).isr.length === 3,
      300_000,
    );
  });
});
