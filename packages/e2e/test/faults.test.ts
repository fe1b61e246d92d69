/**
 * The pipeline's promise under faults: nothing committed in PostgreSQL is lost on
 * the way to Delta, nothing is applied twice. Each test runs the simulator at
 * 50 events/s, injects its fault, lets the platform recover, and then requires
 * both verdicts (`validate` and `delta:check`). Duplicates in Kafka are allowed
 * (at-least-once) and printed; in silver, or as a Kafka record stored twice in
 * bronze, they are failures. One running stack for all of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectorRunning,
  createPool,
  ensureLoaded,
  pnpmOk,
  sparkJobRunning,
  startSimulator,
  validate,
  verdicts,
  waitFor,
  withSimulator,
} from './support/platform.js';

const pool = createPool();
const stack = (...args: string[]) => pnpmOk(['stack', ...args]);
/** Kafka duplicates counted by the previous verdict: each test reports its own share. */
let kafkaDuplicatesSoFar = 0;

beforeAll(async () => {
  await ensureLoaded(pool);
  const start = await validate();
  kafkaDuplicatesSoFar = (start.report?.tables ?? []).reduce((n, t) => n + t.duplicates, 0);
});
afterAll(() => pool.end());

/** Both verdicts; the Kafka duplicates this fault added. */
async function judge(label: string): Promise<number> {
  const counts = await verdicts(label);
  expect(counts.silverDuplicates).toBe(0);
  expect(counts.bronzeStoredTwice).toBe(0);
  const added = counts.kafkaDuplicates - kafkaDuplicatesSoFar;
  kafkaDuplicatesSoFar = counts.kafkaDuplicates;
  process.stdout.write(`${label}: ${added} duplicates added in Kafka by this fault\n`);
  return added;
}

/** The Spark UI's port of the native stack's job (from pnpm stack status). */
async function sparkUiPort(): Promise<number> {
  const services = JSON.parse(await stack('status', '--json')) as {
    name: string;
    ports: number[];
  }[];
  return services.find((s) => s.name === 'spark')!.ports[0]!;
}

async function debeziumWalSenders(): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_replication WHERE usename = 'debezium'`,
  );
  return rows.map((r) => r.pid);
}

describe('faults with the simulator at 50/s', () => {
  it('kill -9 Kafka Connect: the supervisor restarts it; duplicates in Kafka only, none lost', async () => {
    await withSimulator(pool, async () => {
      await stack('kill', 'connect');
      await stack('start', 'connect'); // waits for the restarted worker
      await pnpmOk(['connect:register']); // idempotent; waits for the task RUNNING
    });
    await judge('kill -9 Connect');
  });

  it('a graceful Connect restart adds no duplicates at all', async () => {
    await withSimulator(pool, async () => {
      await stack('restart', 'connect');
      await pnpmOk(['connect:register']);
    });
    expect(await judge('graceful Connect restart')).toBe(0);
  });

  it('kill -9 the Spark job mid-batch: it restarts on its checkpoint, bronze keeps each record once', async () => {
    await withSimulator(pool, async () => {
      const port = await sparkUiPort();
      await waitFor('a Spark job in flight', () => sparkJobRunning(port), 120_000, 100);
      await stack('kill', 'spark');
      await stack('start', 'spark'); // waits for its first trigger after the restart
    });
    await judge('kill -9 Spark mid-batch');
  });

  it('kill -9 the simulator: the next run resumes, no event lost or doubled', async () => {
    await withSimulator(pool, async (sim) => {
      await sim.kill();
      return startSimulator('50/s');
    });
    await judge('kill -9 simulator');
  });

  it.each(['kafka', 'apicurio', 'postgres'])('restart %s', async (service) => {
    await withSimulator(pool, async () => {
      await stack('restart', service);
      await waitFor('the connector RUNNING again', connectorRunning, 300_000);
    });
    await judge(`restart ${service}`);
  });

  it('the replication connection terminated three times: Debezium reconnects by itself', async () => {
    await withSimulator(pool, async () => {
      for (let round = 1; round <= 3; round++) {
        const [walSender] = await debeziumWalSenders();
        expect(walSender).toBeDefined();
        await pool.query('SELECT pg_terminate_backend($1)', [walSender]);
        await waitFor(
          `Debezium's walsender back after termination ${round}`,
          async () => (await debeziumWalSenders()).some((pid) => pid !== walSender),
          300_000,
        );
      }
    });
    expect(await connectorRunning()).toBe(true);
    await judge('pg_terminate_backend ×3');
  });
});
