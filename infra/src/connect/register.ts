import pg from 'pg';
import pino, { type Logger } from 'pino';
import { applyAdminSql } from './admin-sql.js';
import { createConnectClient, type ConnectClient, type ConnectorStatus } from './connect-client.js';
import { cdcNames, loadConnectorFile, type ConnectorConfig } from './connector-config.js';
import { ConnectorFailedError, PluginMissingError } from './errors.js';
import { setCompatibility } from './registry-config.js';
import { registryApiUrl } from './registry-url.js';
import { waitFor } from './wait.js';

export interface RegisterOptions {
  /** The connector config file; its name (without .json) is the connector's name. */
  readonly file: string;
  readonly connectUrl: string;
  /** SCHEMA_REGISTRY_URL as Connect reaches it (ccompat base). */
  readonly schemaRegistryUrl: string;
  /** A superuser connection to the business database (publication on a schema, event trigger). */
  readonly superuser: pg.ClientConfig & { database: string };
  /** The admin role that owns the business tables (PGUSER). */
  readonly adminRole: string;
  readonly timeoutMs: number;
  readonly logger?: Logger;
}

export interface RegisterResult {
  readonly name: string;
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly status: ConnectorStatus;
}

const CONNECTOR_CLASS = 'io.debezium.connector.postgresql.PostgresConnector';

/**
 * Registers the Debezium connector, idempotently:
 * 1. waits for PostgreSQL, applies the admin SQL (heartbeat, signal table, publication, replica identity, DDL trigger);
 * 2. sets the registry's global compatibility to BACKWARD;
 * 3. waits for Connect and checks the connector and converter plugins are there;
 * 4. `PUT /connectors/<name>/config` when the stored config differs;
 * 5. restarts failed tasks and waits until connector and task are RUNNING.
 */
export async function registerConnector(o: RegisterOptions): Promise<RegisterResult> {
  const log = o.logger ?? pino({ level: 'silent' });
  const deadline = Date.now() + o.timeoutMs;
  const left = () => Math.max(1000, deadline - Date.now());
  const { name, config } = loadConnectorFile(o.file, {
    registryApiUrl: registryApiUrl(o.schemaRegistryUrl),
  });
  const names = cdcNames(config);

  log.info(
    { host: o.superuser.host, port: o.superuser.port, database: o.superuser.database },
    'waiting for PostgreSQL',
  );
  const client = await waitFor(
    async () => {
      const c = new pg.Client(o.superuser);
      c.on('error', () => undefined);
      try {
        await c.connect();
        return c;
      } catch (err) {
        await c.end().catch(() => undefined);
        throw err;
      }
    },
    { what: `PostgreSQL at ${o.superuser.host}:${o.superuser.port}`, timeoutMs: left() },
  );
  try {
    await applyAdminSql(client, {
      adminRole: o.adminRole,
      database: o.superuser.database,
      debeziumUser: names.user,
      publication: names.publication,
    });
  } finally {
    await client.end();
  }
  log.info({ user: names.user, publication: names.publication }, 'PostgreSQL ready for Debezium');

  log.info({ url: o.schemaRegistryUrl }, 'waiting for the schema registry');
  await waitFor(
    async () => {
      await setCompatibility(o.schemaRegistryUrl, 'BACKWARD');
      return true;
    },
    { what: `the schema registry at ${o.schemaRegistryUrl}`, timeoutMs: left() },
  );
  log.info('schema registry: global compatibility BACKWARD');

  const connect = createConnectClient(o.connectUrl);
  log.info({ url: connect.url }, 'waiting for Kafka Connect');
  const info = await waitFor(() => connect.info(), {
    what: `Kafka Connect at ${connect.url}`,
    timeoutMs: left(),
  });
  const plugins = await connect.pluginClasses();
  for (const needed of [CONNECTOR_CLASS, config['key.converter'], config['value.converter']]) {
    if (needed && !plugins.has(needed)) throw new PluginMissingError(needed);
  }

  const action = await putIfChanged(connect, name, config);
  log.info({ connector: name, action, connectVersion: info.version }, 'connector config applied');
  const status = await waitRunning(connect, name, left(), log);
  return { name, action, status };
}

async function putIfChanged(
  connect: ConnectClient,
  name: string,
  config: ConnectorConfig,
): Promise<RegisterResult['action']> {
  const stored = await waitFor(async () => ({ config: await connect.getConfig(name) }), {
    what: `reading connector ${name}`,
    timeoutMs: 60_000,
  });
  if (stored.config && sameConfig(stored.config, config)) return 'unchanged';
  const created = await waitFor(() => connect.putConfig(name, config), {
    what: `PUT connector ${name}`,
    timeoutMs: 60_000,
  });
  return created ? 'created' : 'updated';
}

function sameConfig(stored: Record<string, string>, wanted: ConnectorConfig): boolean {
  const a = Object.entries(stored).filter(([k]) => k !== 'name');
  return a.length === Object.keys(wanted).length && a.every(([k, v]) => wanted[k] === v);
}

async function waitRunning(
  connect: ConnectClient,
  name: string,
  timeoutMs: number,
  log: Logger,
): Promise<ConnectorStatus> {
  let restarted = false;
  return waitFor(
    async () => {
      const status = await connect.status(name);
      if (!status) return undefined;
      const failed = [status.connector, ...status.tasks].find((s) => s.state === 'FAILED');
      if (failed) {
        // A task that failed before this run (e.g. PostgreSQL was down) gets one restart.
        if (!restarted) {
          restarted = true;
          log.warn({ connector: name }, 'connector or task FAILED: restarting it once');
          await connect.restartFailed(name);
          return undefined;
        }
        throw new ConnectorFailedError(name, failed.trace ?? '(no trace)');
      }
      const running =
        status.connector.state === 'RUNNING' &&
        status.tasks.length > 0 &&
        status.tasks.every((t) => t.state === 'RUNNING');
      return running ? status : undefined;
    },
    { what: `connector ${name} and its task RUNNING`, timeoutMs },
  );
}
