/** The watchdog service of the native stack (infra/process-compose.yaml starts it). */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliLogLevel, readPostgresEnv } from '@mdp/schemas';
import pg from 'pg';
import { pino } from 'pino';
import { createProcessComposeClient } from '../adapters/process-compose.js';
import { createConnectClient } from '../connect/connect-client.js';
import {
  cdcNames,
  DEFAULT_CONNECTOR_FILE,
  connectorName,
  loadConnectorFile,
} from '../connect/connector-config.js';
import { composeFiles, readServices } from '../stack/services.js';
import { CONNECTOR_RESTARTS, createConnectorHealth } from './connector-health.js';
import { createSlotHolderWatch, SLOT_STALL_MS } from './slot-holder.js';
import { RESTART_LIMIT, RESTART_WINDOW_MS, readyFile, watchServices } from './watchdog.js';

const CONNECTOR = connectorName(DEFAULT_CONNECTOR_FILE);

const USAGE = `Usage: watchdog (started by the native stack, not by hand)

Watches the stack's services through process-compose (MDP_STATE/process-compose.sock):
a service restarted ${RESTART_LIMIT} times within ${RESTART_WINDOW_MS / 60_000} minutes is stopped. The connector ${CONNECTOR}'s
FAILED task is restarted through KAFKA_CONNECT_URL (up to ${CONNECTOR_RESTARTS} times, waiting longer each
time; never when the schema registry refused a schema, except one whose latest version Debezium
registered without reading the table's columns, its key column optional: that subject's rule is
set to NONE first). A walsender that holds the connector's
slot and confirms nothing for ${SLOT_STALL_MS / 60_000} minutes while the task says RUNNING is ended (an
abandoned task's, after Kafka died under it; PG* settings, the admin role). What needs a person is written to
MDP_STATE/watchdog/report.json; pnpm stack:status shows it.`;

export async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`watchdog: takes no arguments (got ${argv.join(' ')})\n\n${USAGE}\n`);
    return 2;
  }
  const state = process.env['MDP_STATE'];
  if (!state) {
    process.stderr.write(
      'watchdog: MDP_STATE is not set: the native stack starts it (pnpm stack:up)\n',
    );
    return 2;
  }
  // JSON lines into its log file in the state directory, at the stack's MDP_LOG_LEVEL
  const log = pino({
    base: undefined,
    name: 'watchdog',
    level: cliLogLevel('watchdog', process.env, 'info'),
  });
  const controller = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => controller.abort());
  await rm(readyFile(state), { force: true });
  const infraDir = fileURLToPath(new URL('../..', import.meta.url));
  const profile = process.env['MDP_STACK_PROFILE'] === 'cluster' ? 'cluster' : 'single';
  log.info({ limit: RESTART_LIMIT, windowMs: RESTART_WINDOW_MS }, 'watching the services');
  const connectUrl = process.env['KAFKA_CONNECT_URL'];
  const postgres = readPostgresEnv(process.env);
  const pool =
    postgres.problems.length === 0
      ? new pg.Pool({
          ...postgres.settings,
          max: 1,
          connectionTimeoutMillis: 5000,
          statement_timeout: 10_000,
          application_name: 'mdp-watchdog',
        })
      : undefined;
  pool?.on('error', () => undefined); // PostgreSQL restarted: the next look reconnects
  const slot = cdcNames(
    loadConnectorFile(DEFAULT_CONNECTOR_FILE, { registryApiUrl: '' }).config,
  ).slot;
  await watchServices({
    client: createProcessComposeClient(join(state, 'process-compose.sock')),
    services: readServices(composeFiles(infraDir, profile)),
    connector: connectUrl
      ? createConnectorHealth(
          createConnectClient(connectUrl, 10_000),
          CONNECTOR,
          log,
          pool && createSlotHolderWatch(pool, slot, log),
          process.env['SCHEMA_REGISTRY_URL'],
        )
      : undefined,
    state,
    log,
    signal: controller.signal,
  });
  await pool?.end().catch(() => undefined);
  return 0;
}
