import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliLogger, parseFlags } from '@mdp/schemas';
import type { Logger } from 'pino';
import { PORTS } from '../config.js';
import { ConfigError, StackError, UsageError } from '../errors.js';
import { readEnvFile } from '../versions.js';
import { registerConnector } from './register.js';
import { DEFAULT_CONNECTOR_FILE } from './connector-config.js';

const USAGE = `Usage: pnpm connect:register [--file F] [--connect-url URL] [--timeout S]

Registers the Debezium PostgreSQL connector, idempotently:
  1. waits for PostgreSQL and, as a superuser, creates or updates the heartbeat
     table cdc.heartbeat (debezium may update it), Debezium's signal table
     cdc.signal, the publication (FOR TABLES IN SCHEMA public + those two),
     REPLICA IDENTITY FULL on every public table, now and (event trigger) for
     tables created later, and an event trigger that has Debezium re-read a
     table (incremental snapshot) after an ALTER TABLE changed its columns;
  2. sets the schema registry's global compatibility to BACKWARD (Confluent's
     default): an incompatible schema change is refused, the connector stops;
  3. waits for Kafka Connect, checks the Debezium and Apicurio plugins are there;
  4. PUT /connectors/<name>/config when the stored config differs;
  5. waits until the connector and its task are RUNNING (a FAILED task is
     restarted once, then its trace is printed).

Options:
  --file F          connector config (default infra/connect/mdp-postgres.json;
                    the connector's name is the file name without .json)
  --connect-url URL Kafka Connect REST (default $KAFKA_CONNECT_URL, else
                    http://127.0.0.1:<18083 + MDP_PORT_OFFSET>)
  --timeout S       seconds to wait for everything (default 180)
  -h, --help        this help

Environment (process env, else .env, else .env.example): PGHOST PGPORT PGDATABASE
PGUSER (the admin role owning the tables), SCHEMA_REGISTRY_URL, KAFKA_CONNECT_URL
with KAFKA_CONNECT_USER and KAFKA_CONNECT_PASSWORD (process env only: its REST user);
the superuser that runs the admin SQL: PG_SUPERUSER (default postgres),
PG_SUPERUSER_HOST (default the native stack's socket $MDP_STATE/postgres/run,
else PGHOST), PG_SUPERUSER_PASSWORD (docker compose). Connect resolves the \${env:…} values of the file from its own
environment (config.providers=env).`;

/** Exit codes: 0 RUNNING, 1 failure, 2 usage. */
export async function main(argv: readonly string[]): Promise<number> {
  const log = cliLogger('connect-register', { defaultLevel: 'info' });
  try {
    return await run(argv, log);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`connect:register: ${err.code}: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (err instanceof StackError) {
      process.stderr.write(`connect:register: ${err.code}: ${err.message}\n`);
      return 1;
    }
    log.error({ err }, 'connect:register: unexpected failure');
    return 1;
  }
}

async function run(argv: readonly string[], log: Logger): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      help: { type: 'boolean', short: 'h' },
      file: { type: 'string' },
      'connect-url': { type: 'string' },
      timeout: { type: 'string' },
    },
    (message) => new UsageError(message),
  );
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const timeout = Number(values.timeout ?? '180');
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new UsageError(`--timeout must be a positive number of seconds, got "${values.timeout}"`);

  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const env: Record<string, string | undefined> = {
    ...readEnvFile(join(repoRoot, '.env.example')),
    ...readEnvFile(join(repoRoot, '.env')),
    ...process.env,
  };
  const problems: string[] = [];
  const need = (name: string): string => {
    const value = env[name];
    if (!value)
      problems.push(`${name} is not set (see .env.example, or eval "$(pnpm -s stack:env)")`);
    return value ?? '';
  };
  const offset = Number(env['MDP_PORT_OFFSET'] ?? '0');
  const connectUrl =
    values['connect-url'] ??
    env['KAFKA_CONNECT_URL'] ??
    `http://127.0.0.1:${env[PORTS.connect.env] ?? PORTS.connect.base + (Number.isInteger(offset) ? offset : 0)}`;
  // The superuser: native stack = `postgres` with trust on the stack's private
  // socket; docker compose = the image's POSTGRES_USER with PG_SUPERUSER_PASSWORD.
  const stateDir = resolve(repoRoot, env['MDP_STATE'] || '.state');
  const socketDir = join(stateDir, 'postgres', 'run');
  const superuser = {
    host: env['PG_SUPERUSER_HOST'] || (existsSync(socketDir) ? socketDir : need('PGHOST')),
    port: Number(need('PGPORT')),
    database: need('PGDATABASE'),
    user: env['PG_SUPERUSER'] || 'postgres',
    password: env['PG_SUPERUSER_PASSWORD'] || undefined,
  };
  const adminRole = need('PGUSER');
  const schemaRegistryUrl = need('SCHEMA_REGISTRY_URL');
  if (problems.length > 0) throw new ConfigError(problems);

  const started = Date.now();
  const result = await registerConnector({
    file: resolve(values.file ?? DEFAULT_CONNECTOR_FILE),
    connectUrl,
    schemaRegistryUrl,
    superuser,
    adminRole,
    timeoutMs: timeout * 1000,
    logger: log.child({ component: 'connect-register' }),
  });
  process.stdout.write(
    `connector ${result.name} ${result.action}, RUNNING (${result.status.tasks.length} task) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return 0;
}
