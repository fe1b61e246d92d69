/** The console service (the native stack and compose start it; `pnpm console` runs one by hand). */
import { cliLogger, cliLogLevel, parseFlags } from '@mdp/schemas';
import { pino } from 'pino';
import { parseConfig } from '../config.js';
import { createGatherer } from '../gather.js';
import { createChangeReader } from './changes.js';
import { startConsole } from './server.js';

const DEFAULT_PORT = 18088;

const USAGE = `Usage: pnpm console [--help]

Serves the pipeline's live page: every stage from PostgreSQL to the lake with its
state and counts (what pnpm pipeline:status shows), the last verdicts of validate
and delta:check, the newest changes of a chosen table decoded, charts of events/s,
records the Spark job has not done, WAL not yet confirmed, silver's age and batch
durations, and links to MinIO's console and the Spark UI. The stack starts it
(pnpm stack:up; MDP_CONSOLE_URL in pnpm stack:env).

Settings (environment): those of pipeline:status (pnpm pipeline:status --help), and
  SCHEMA_REGISTRY_URL   to decode each table's newest changes
  MDP_CONSOLE_PORT   port (default ${DEFAULT_PORT} + MDP_PORT_OFFSET)
  MDP_CONSOLE_HOST   address to bind (default 127.0.0.1)
  MDP_MINIO_CONSOLE_PORT, MDP_SPARK_UI_PORT   for the links (on 127.0.0.1)`;

export async function main(argv: readonly string[], env = process.env): Promise<number> {
  let values;
  try {
    ({ values } = parseFlags(argv, { help: { type: 'boolean', short: 'h' } }, (m) => new Error(m)));
  } catch (err) {
    process.stderr.write(`console: ${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // As a service (its output in a log file): JSON lines on stdout, like the watchdog's;
  // run by hand on a terminal: the CLIs' human lines.
  const log = process.stdout.isTTY
    ? cliLogger('console', { defaultLevel: 'info', env })
    : pino({ base: undefined, name: 'console', level: cliLogLevel('console', env, 'info') });
  const config = parseConfig(env);
  if ('problems' in config) {
    log.error(`console: ${config.problems.join('; ')}`);
    return 3;
  }
  const port = Number(
    env['MDP_CONSOLE_PORT'] ?? DEFAULT_PORT + Number(env['MDP_PORT_OFFSET'] ?? 0),
  );
  if (!Number.isInteger(port) || port <= 0 || port >= 65536) {
    log.error(`console: MDP_CONSOLE_PORT="${env['MDP_CONSOLE_PORT']}" is not a port`);
    return 2;
  }
  const links = Object.fromEntries(
    [
      ['MinIO console', env['MDP_MINIO_CONSOLE_PORT']],
      ['Spark UI', env['MDP_SPARK_UI_PORT']],
    ]
      .filter((link): link is [string, string] => Boolean(link[1]))
      .map(([name, linkPort]) => [name, `http://127.0.0.1:${linkPort}`]),
  );
  const server = await startConsole({
    gatherer: createGatherer(config),
    host: env['MDP_CONSOLE_HOST'] ?? '127.0.0.1',
    port,
    links,
    intervalMs: 2000,
    ...(config.registryUrl && {
      changes: createChangeReader({
        brokers: config.kafkaBrokers,
        login: config.kafkaLogin,
        registryUrl: config.registryUrl,
        log: log.child({ component: 'changes' }, { level: 'warn' }), // not a line per page refresh
      }),
    }),
    log,
  });
  await new Promise((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await server.close();
  return 0;
}
