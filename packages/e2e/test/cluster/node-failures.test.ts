/**
 * The cluster profile's promise: with the simulator running, a node of each
 * distributed engine dies (kill -9) and the pipeline goes on without a person:
 * a Kafka broker (the leader of the orders topic: another replica takes over),
 * the Connect worker that runs the connector's task (the task moves to the other
 * worker), a Spark worker (its executor's tasks run on the other one) and a MinIO
 * node (3 of 4 drives keep the erasure set writable). Each is kept down until the
 * others have taken over, then started again. Then both verdicts: nothing lost,
 * nothing twice in silver.
 */
import { execFileSync } from 'node:child_process';
import { connectHeaders, KAFKA_ADMIN_ENV, kafkaLogin, pollUntil } from '@mdp/schemas';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPool,
  ensureLoaded,
  pipelineCaughtUp,
  pnpmOk,
  stackService,
  verdicts,
  withSimulator,
} from '../support/platform.js';

const pool = createPool();
const stack = (...args: string[]) => pnpmOk(['stack', ...args]);
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

/** The executors the Spark job's application has had, live or lost (its UI's REST API). */
async function sparkExecutors(): Promise<{ id: string; isActive: boolean }[]> {
  const ui = (await stackService('spark')).ports[0];
  const base = `http://127.0.0.1:${ui}/api/v1/applications`;
  const [app] = (await (await fetch(base)).json()) as { id: string }[];
  const executors = (await (await fetch(`${base}/${app!.id}/allexecutors`)).json()) as {
    id: string;
    isActive: boolean;
  }[];
  return executors.filter((executor) => executor.id !== 'driver');
}

/**
 * kill -9 a node and keep it down (stopped before, or just after, the supervisor's
 * restart) while `whileDown` watches the others take over; then start it again.
 */
async function killAndHoldDown(service: string, whileDown: () => Promise<void>): Promise<void> {
  await stack('kill', service);
  await stack('stop', service);
  process.stdout.write(`${service}: killed (-9), kept down\n`);
  await whileDown();
  await stack('start', service); // waits for its readiness
}

/** The Spark jobs (micro-batch work: reads, Delta writes) the application has finished. */
async function sparkJobsDone(): Promise<number> {
  const ui = (await stackService('spark')).ports[0];
  const base = `http://127.0.0.1:${ui}/api/v1/applications`;
  const [app] = (await (await fetch(base)).json()) as { id: string }[];
  return ((await (await fetch(`${base}/${app!.id}/jobs?status=succeeded`)).json()) as unknown[])
    .length;
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

/** The local address of every listening TCP socket of the stack's processes and their children. */
async function stackListeners(): Promise<{ ports: number[]; listeners: string[] }> {
  const services = JSON.parse(await pnpmOk(['stack', 'status', '--json'])) as {
    pid: number;
    ports: number[];
  }[];
  const children = new Map<number, number[]>();
  const processes = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  for (const line of processes.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (pid && ppid) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const pids = new Set<number>();
  const visit = (pid: number): void => {
    pids.add(pid);
    (children.get(pid) ?? []).forEach(visit);
  };
  services.filter((s) => s.pid > 0).forEach((s) => visit(s.pid));
  const listeners = execFileSync('ss', ['-H', '-ltnp'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => pids.has(Number(/pid=(\d+)/.exec(line)?.[1])))
    .map((line) => line.trim().split(/\s+/)[3] ?? '');
  return { ports: services.flatMap((s) => s.ports), listeners };
}

describe('the cluster profile under node failures, with the simulator at 50/s', () => {
  it('listens on 127.0.0.1 only, every node and every process it started (executors too)', async () => {
    const { ports, listeners } = await stackListeners();
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

  it('kill -9 a broker, a Connect worker, a Spark worker and a MinIO node: nothing lost, nothing twice in silver', async () => {
    await withSimulator(pool, async () => {
      // the orders topic's leader: its in-sync followers hold every record Connect wrote (acks=all)
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

      // the worker that runs the task (its id is its REST address), and the other one
      const { worker } = await taskWorker(process.env['KAFKA_CONNECT_URL']!);
      const first = `127.0.0.1:${(await stackService('connect')).ports[0]}`;
      const [dead, survivor] =
        worker === first ? ['connect', 'connect-2'] : ['connect-2', 'connect'];
      const survivorUrl = `http://127.0.0.1:${(await stackService(survivor)).ports[0]}`;
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

      const lost = (await sparkExecutors()).filter((e) => !e.isActive).length;
      await killAndHoldDown('spark-worker-1', async () => {
        await pollUntil(
          "the Spark job losing spark-worker-1's executor",
          async () => (await sparkExecutors()).filter((e) => !e.isActive).length > lost,
          300_000,
        );
        await sparkMovesOn('spark-worker-1');
      });

      await killAndHoldDown('minio-3', () => sparkMovesOn('minio-3'));
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
