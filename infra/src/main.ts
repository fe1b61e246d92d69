import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliLogger, parseFlags, resultJson } from '@mdp/schemas';
import type { Logger } from 'pino';
import { loadStackConfig, PROFILES, stateDirOf, type EnvSource, type Profile } from './config.js';
import { StackError, UsageError } from './errors.js';
import { formatExports } from './stack/env.js';
import { followLog } from './stack/logs.js';
import { createStack, type ServiceStatus } from './stack/stack.js';
import { generatedSecrets, SECRET_NAMES, secretsFile } from './secrets.js';
import { readProfile } from './state-dir.js';
import { readEnvFile, readVersions } from './versions.js';

const USAGE = `Usage: pnpm stack:<command> [service…]   (or: pnpm --filter @mdp/infra stack <command> …)

The native stack: PostgreSQL, Kafka, Kafka Connect + Debezium, Apicurio Registry,
MinIO as local processes under process-compose, bound to 127.0.0.1.

Commands:
  up [service…]        start the stack (or only these services and their dependencies);
                       installs what is missing into $MDP_CACHE; a no-op when already up.
                       --profile cluster: 3 Kafka brokers, 2 Connect workers, a Spark
                       master and 2 workers, MinIO on 4 drives (docs/scaling.md); the
                       state dir keeps its profile, later commands use it
  down                 stop every service
  status               each service: status, readiness, pid, memory, ports, log file; a
                       service that kept crashing (10 restarts within 10 minutes) is
                       stopped by the watchdog service and shown Failed, with why
  env                  print the clients' settings as export lines: eval "$(pnpm -s stack:env)"
  logs <service> [-f]  the service's log (-n N last lines, -f to follow)
  reset                stop the stack and delete its state directory (data, logs)
  start|stop|restart <service>
                       start waits for a service the supervisor is already restarting;
                       a stopped service stays stopped until start
  kill <service>       SIGKILL the service's process (fault tests); the supervisor restarts
                       it, as docker compose does with restart: unless-stopped
  lake-reset           stop Spark, delete the lake (bronze, silver, quarantine, checkpoints),
                       start Spark: it rebuilds every table from the CDC topics
  lake-replay          stop Spark, replay the quarantined records that decode now (their
                       cause fixed) into bronze and silver, start Spark

Options:
  -f, --follow         logs: keep following
  -n, --lines N        logs: how many lines (default 100)
      --json           status, up: the result as JSON on stdout
      --profile P      up: single (default) or cluster
  -h, --help           this help

Environment:
  MDP_STATE            state directory (default <repo>/.state)
  MDP_CACHE            install cache (default ~/.cache/mdp)
  MDP_PORT_OFFSET      added to every default port (default 0)
  MDP_PG_PORT MDP_KAFKA_PORT MDP_KAFKA_CONTROLLER_PORT MDP_CONNECT_PORT MDP_REGISTRY_PORT
  MDP_MINIO_PORT MDP_MINIO_CONSOLE_PORT MDP_SPARK_UI_PORT   one port each (the cluster
                       profile's other nodes: MDP_KAFKA_2_PORT, … in .env.example)
  MDP_STACK_TIMEOUT    seconds to wait for readiness (default 900)
  MDP_JAVA_HOME        a JDK to try first (else JAVA_HOME, java on PATH, /usr/lib/jvm/*);
                       Apicurio needs Java 21+, Kafka and Connect 17+
  Users and access keys: PGUSER PG_READER_USER PG_WRITER_USER KAFKA_CONNECT_USER
  MINIO_ROOT_USER S3_ACCESS_KEY S3_READER_ACCESS_KEY (process env, else .env, else
  .env.example)
  Passwords and secret keys: PGPASSWORD PG_DEBEZIUM_PASSWORD PG_APICURIO_PASSWORD
  PG_READER_PASSWORD PG_WRITER_PASSWORD KAFKA_CONNECT_PASSWORD KAFKA_ADMIN_PASSWORD
  KAFKA_CONNECT_WORKER_PASSWORD KAFKA_SPARK_PASSWORD KAFKA_PASSWORD KAFKA_BENCH_PASSWORD
  SCHEMA_REGISTRY_ADMIN_PASSWORD SCHEMA_REGISTRY_CONNECT_PASSWORD MINIO_ROOT_PASSWORD
  S3_SECRET_KEY S3_READER_SECRET_KEY (process env, else .env, else generated once into
  $MDP_STATE/secrets.env, mode 0600; .env.example's placeholders are refused)`;

/**
 * The stack's settings: the process env over .env over .env.example's settings,
 * and the generated secrets for those none of them set (never .env.example's).
 */
async function stackEnvironment(repoRoot: string): Promise<EnvSource> {
  const example = readEnvFile(join(repoRoot, '.env.example'));
  for (const name of SECRET_NAMES) delete example[name];
  const settings = { ...example, ...readEnvFile(join(repoRoot, '.env')), ...process.env };
  const file = secretsFile(stateDirOf(settings, repoRoot));
  return { ...settings, ...(await generatedSecrets(settings, file)) };
}

/** How long stack:up waits for readiness: JVMs on a busy 2-core machine take minutes. */
const DEFAULT_TIMEOUT_S = 900;

const COMMANDS = [
  'up',
  'down',
  'status',
  'env',
  'logs',
  'reset',
  'start',
  'stop',
  'restart',
  'kill',
  'lake-reset',
  'lake-replay',
] as const;
type Command = (typeof COMMANDS)[number];
const ONE_SERVICE: readonly Command[] = ['logs', 'start', 'stop', 'restart', 'kill'];

/** Exit codes: 0 ok, 1 failure, 2 usage, 3 stack not running (status). */
export async function main(argv: readonly string[]): Promise<number> {
  const log = cliLogger('stack', { defaultLevel: 'info' });
  try {
    return await runCommand(argv, log);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`stack: ${err.code}: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (err instanceof StackError) {
      process.stderr.write(`stack: ${err.code}: ${err.message}\n`);
      return err.code === 'STACK_NOT_RUNNING' ? 3 : 1;
    }
    log.error({ err }, 'stack: unexpected failure');
    return 1;
  }
}

async function runCommand(argv: readonly string[], log: Logger): Promise<number> {
  const parsed = parseFlags(
    argv,
    {
      help: { type: 'boolean', short: 'h' },
      follow: { type: 'boolean', short: 'f' },
      lines: { type: 'string', short: 'n' },
      json: { type: 'boolean' },
      profile: { type: 'string' },
    },
    (message) => new UsageError(message),
    true,
  );
  const [command, ...names] = parsed.positionals;
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!command) throw new UsageError(`a command is needed: one of ${COMMANDS.join(', ')}`);
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError(`unknown command "${command}": use one of ${COMMANDS.join(', ')}`);
  }
  const cmd = command as Command;
  if (ONE_SERVICE.includes(cmd) && names.length !== 1)
    throw new UsageError(`${cmd} takes exactly one service name`);
  if (!ONE_SERVICE.includes(cmd) && cmd !== 'up' && names.length > 0)
    throw new UsageError(`${cmd} takes no service name`);
  const lines = Number(parsed.values.lines ?? '100');
  if (!Number.isInteger(lines) || lines < 0)
    throw new UsageError(`--lines must be a whole number, got "${parsed.values.lines}"`);

  if (parsed.values.profile !== undefined && cmd !== 'up')
    throw new UsageError(`--profile goes with up only: ${cmd} uses the state dir's profile`);

  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const env = await stackEnvironment(repoRoot);
  const config = loadStackConfig(
    env,
    repoRoot,
    readVersions(join(repoRoot, 'infra', 'versions.env')),
    chooseProfile(parsed.values.profile, await readProfile(stateDirOf(env, repoRoot))),
  );
  const timeout = Number(env['MDP_STACK_TIMEOUT'] ?? DEFAULT_TIMEOUT_S);
  const stack = createStack({
    config,
    logger: log,
    readyTimeoutMs: (Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_TIMEOUT_S) * 1000,
    pgBinDir: env['MDP_PG_BIN'] || undefined,
    pgMaxSlotWalKeepSize: env['MDP_PG_MAX_SLOT_WAL_KEEP_SIZE'] || undefined,
    lakeRetainHours: env['MDP_LAKE_RETAIN_HOURS'] || undefined,
    sparkDriverMemory: env['MDP_SPARK_DRIVER_MEMORY'] || undefined,
    javaHome: env['MDP_JAVA_HOME'] || env['JAVA_HOME'] || undefined,
  });
  const service = names[0] ?? '';
  const started = Date.now();

  switch (cmd) {
    case 'up': {
      const result = await stack.up(names);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(
        parsed.values.json
          ? resultJson({ ...result, seconds: Number(seconds), stateDir: config.stateDir })
          : result.alreadyUp
            ? `stack already up (${config.stateDir}): nothing changed\n`
            : `stack up in ${seconds} s: ${result.started.join(', ')} (state ${config.stateDir}); settings: pnpm -s stack:env\n`,
      );
      return 0;
    }
    case 'down':
      process.stdout.write(
        (await stack.down())
          ? 'stack stopped\n'
          : `stack was not running (${config.stateDir}): nothing to stop\n`,
      );
      return 0;
    case 'status':
      {
        const rows = await stack.status();
        process.stdout.write(parsed.values.json ? resultJson(rows) : formatStatus(rows));
      }
      return 0;
    case 'env':
      process.stdout.write(`${formatExports(storedEnv(config.stateDir) ?? stack.env())}\n`);
      return 0;
    case 'logs':
      return followLog(stack.logFile(service), { lines, follow: parsed.values.follow ?? false });
    case 'reset':
      await stack.reset();
      process.stdout.write(`stack stopped and ${config.stateDir} deleted\n`);
      return 0;
    case 'start':
      await stack.start(service);
      process.stdout.write(`${service} started and ready\n`);
      return 0;
    case 'stop':
      await stack.stop(service);
      process.stdout.write(`${service} stopped\n`);
      return 0;
    case 'restart':
      await stack.restart(service);
      process.stdout.write(`${service} restarted and ready\n`);
      return 0;
    case 'kill':
      process.stdout.write(`${service} killed (SIGKILL to pid ${await stack.kill(service)})\n`);
      return 0;
    case 'lake-replay':
      process.stdout.write(`${await stack.replayQuarantine()}\nspark started again\n`);
      return 0;
    case 'lake-reset':
      process.stdout.write(
        `${await stack.resetLake()}\nspark started again: rebuilding the lake from the topics\n`,
      );
      return 0;
  }
}

/** The profile `up --profile` asks for, else the state dir's, else single; never another than the state dir's. */
function chooseProfile(asked: string | undefined, stored: Profile | undefined): Profile {
  if (asked !== undefined && !(PROFILES as readonly string[]).includes(asked))
    throw new UsageError(`--profile must be one of ${PROFILES.join(', ')}, got "${asked}"`);
  const profile = (asked as Profile | undefined) ?? stored ?? 'single';
  if (stored && profile !== stored)
    throw new StackError(
      'PROFILE_MISMATCH',
      `this state dir holds a ${stored} stack, not a ${profile} one: start it without --profile, ` +
        'or use another MDP_STATE (and MDP_PORT_OFFSET), or delete it with pnpm stack:reset',
    );
  return profile;
}

/** The settings saved when the stack in this state dir was started (its ports may differ from today's env). */
function storedEnv(stateDir: string): Record<string, string> | undefined {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'stack.env.json'), 'utf8')) as Record<
      string,
      string
    >;
  } catch {
    return undefined;
  }
}

function formatStatus(rows: readonly ServiceStatus[]): string {
  const table = [
    ['SERVICE', 'STATUS', 'READY', 'PID', 'RSS', 'PORTS', 'LOG'],
    ...rows.map((row) => [
      row.name,
      row.status,
      row.ready ? 'yes' : 'no',
      row.pid > 0 ? String(row.pid) : '-',
      row.rssBytes > 0 ? `${Math.round(row.rssBytes / 1048576)} MB` : '-',
      row.ports.join(',') || '-',
      row.logFile,
    ]),
  ];
  const widths = table[0]!.map((_, col) => Math.max(...table.map((row) => row[col]!.length)));
  const failed = rows.flatMap((row) => {
    if (!row.failure) return [];
    return row.status === 'Failed'
      ? [
          `\n${row.name} ${row.failure}: see ${row.logFile}; once fixed, pnpm stack start ${row.name}`,
        ]
      : [`\n${row.failure} (log: ${row.logFile})`];
  });
  return `${table
    .map((row) =>
      row
        .map((cell, col) => cell.padEnd(widths[col]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n${failed.join('\n')}${failed.length ? '\n' : ''}`;
}
