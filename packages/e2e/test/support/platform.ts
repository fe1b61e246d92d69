/**
 * The platform as its users drive it: the root CLIs (`pnpm sim:load`, `sim:run`,
 * `validate`, `delta:check`, `stack …`) and the settings that `pnpm stack:env`
 * exported (test/stack-setup.ts). The suite reaches the services only through
 * those, so it runs the same against any stack that exports them.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUSINESS_TABLES, connectHeaders, pollUntil } from '@mdp/schemas';
import pg from 'pg';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export { BUSINESS_TABLES };
const workDir = mkdtempSync(join(tmpdir(), 'mdp-e2e-'));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A root script through pnpm (`pnpm <args>`), to completion or the deadline (then SIGKILL). */
export function pnpm(args: readonly string[], timeoutMs = 1_200_000): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn('pnpm', ['--silent', '--workspace-root', ...args], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, stdout, stderr }));
  });
}

/** Like pnpm, but a non-zero exit is an error that carries the output. */
export async function pnpmOk(args: readonly string[], timeoutMs = 1_200_000): Promise<string> {
  const result = await pnpm(args, timeoutMs);
  if (result.code !== 0) {
    throw new Error(
      `pnpm ${args.join(' ')} exited ${result.code}:\n${result.stderr.slice(-3000)}\n${result.stdout.slice(-3000)}`,
    );
  }
  return result.stdout;
}

export function createPool(): pg.Pool {
  const pool = new pg.Pool({ max: 2 });
  pool.on('error', () => undefined); // idle clients lose their server when PostgreSQL restarts
  return pool;
}

/** The three CSV files of data/ in PostgreSQL, loaded once per stack. */
export async function ensureLoaded(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ loaded: boolean }>(
    `SELECT to_regclass('public.orders') IS NOT NULL AS loaded`,
  );
  if (!rows[0]?.loaded) await pnpmOk(['sim:load']);
}

export interface RunningSimulator {
  readonly pid: number;
  /** SIGTERM: the simulator finishes its in-flight events and exits. */
  stop(): Promise<number | null>;
  /** SIGKILL, mid-flight. */
  kill(): Promise<void>;
  /** Its output so far. */
  log(): string;
}

/**
 * `pnpm sim:run --rate <rate>` until stopped, as one node process (the CLI's own
 * bin through tsx, so a signal reaches the simulator and not a wrapper).
 */
export function startSimulator(rate = '50/s', extra: readonly string[] = []): RunningSimulator {
  const logFile = join(workDir, `sim-${Date.now()}.log`);
  const out = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bin/sim-run.ts', '--rate', rate, ...extra],
    { cwd: join(repo, 'packages', 'simulator'), stdio: ['ignore', out, out] },
  );
  closeSync(out);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    log: () => readFileSync(logFile, 'utf8'),
  };
}

interface ValidateReport {
  ok: boolean;
  caughtUp: boolean;
  tables: { table: string; records: number; tombstones: number; duplicates: number }[];
}

/** `pnpm validate` with its JSON report (exit 0 consistent, 1 inconsistent, 3 not caught up). */
export async function validate(tables: readonly string[] = BUSINESS_TABLES, timeoutS = 300) {
  const report = join(workDir, `validate-${Date.now()}.json`);
  const result = await pnpm(
    ['validate', '--tables', tables.join(','), '--timeout', String(timeoutS), '--json', report],
    (timeoutS + 300) * 1000,
  );
  return { ...result, report: readReport<ValidateReport>(report) };
}

interface DeltaTableReport {
  table: string;
  lakePath: string;
  equal: boolean;
  lakeRows: number;
  duplicateKeys: number;
  comparedColumns: string[];
  staleColumns: string[];
  bronze?: { events: number; duplicateRecords: number; duplicateChanges: number };
}

export interface DeltaReport {
  equal: boolean;
  tables: DeltaTableReport[];
}

/**
 * `pnpm delta:check --bronze` until the lake equals PostgreSQL: the Spark job
 * lags the source by a few micro-batches, so a difference right after a fault
 * is retried. It fails, with the checker's last report, when the lake stops
 * moving (no row or bronze change in `stallMs`: the job is down or stuck) or
 * at the deadline. The deadline is generous on purpose: on a busy 2-core
 * machine the job may first work through the backlog the other suites left in
 * Kafka, but then the lake moves.
 */
export async function deltaCheckUntilEqual(
  tables: readonly string[] = BUSINESS_TABLES,
  timeoutMs = 1_800_000,
  stallMs = 300_000,
): Promise<DeltaReport> {
  const started = Date.now();
  let lakeState = '';
  let movedAt = started;
  for (;;) {
    const file = join(workDir, `delta-${Date.now()}.json`);
    const result = await pnpm([
      'delta:check',
      '--bronze',
      '--tables',
      tables.join(','),
      '--json',
      file,
      '--log-level',
      'warn',
    ]);
    const report = readReport<DeltaReport>(file);
    if (result.code === 0 && report) return report;
    const now = Date.now();
    const state = JSON.stringify(report?.tables.map((t) => [t.lakeRows, t.bronze?.events]));
    if (state !== lakeState) [lakeState, movedAt] = [state, now];
    const why =
      result.code === 2
        ? 'refused its arguments'
        : now - started > timeoutMs
          ? `still differs after the ${timeoutMs / 1000} s deadline`
          : now - movedAt > stallMs
            ? `still differs and the lake has not changed for ${stallMs / 1000} s (is the Spark job running? pnpm stack:status, pnpm stack:logs spark)`
            : undefined;
    if (why) {
      throw new Error(
        `delta:check exited ${result.code}: ${why}:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-2000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 5000));
  }
}

/** A checker's JSON report, or undefined when it failed before writing one. */
function readReport<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export interface PipelineStage {
  name: string;
  health: 'ok' | 'lagging' | 'stopped';
  summary: string;
  action?: string;
}

export interface PipelineStatus {
  ok: boolean;
  stages: PipelineStage[];
  tables: {
    table: string;
    postgresRows?: number;
    kafkaRecords?: number;
    sparkBehind?: number;
    bronze?: { rows?: number };
    silver?: { rows?: number };
  }[];
  batches: { id: number; records?: number; durationMs?: number }[];
  quarantined?: number;
  verdicts: { checker: string; ok: boolean; summary: string; finishedAt: string }[];
}

type StatusWithStage = PipelineStatus & { stage(name: string): PipelineStage };

/** `pnpm pipeline:status --json -`: exit 0 every stage OK, 1 a stage is not; anything else throws. */
export async function pipelineStatus(): Promise<
  PipelineStatus & { stage(name: string): PipelineStage }
> {
  const result = await pnpm(['pipeline:status', '--json', '-'], 60_000);
  if (result.code !== 0 && result.code !== 1)
    throw new Error(`pipeline:status exited ${result.code}:\n${result.stderr.slice(-3000)}`);
  const status = JSON.parse(result.stdout) as PipelineStatus;
  return { ...status, stage: (name) => status.stages.find((s) => s.name === name)! };
}

/**
 * pipeline:status until every stage up to the Spark job is OK (the lake stage may
 * say lagging: suites quarantine garbage on purpose); at the deadline, fails with
 * the stages it last saw.
 */
export async function pipelineCaughtUp(timeoutMs = 120_000): Promise<StatusWithStage> {
  const upToSpark = ['postgres', 'slot', 'connect', 'kafka', 'spark'];
  let status = await pipelineStatus();
  const deadline = Date.now() + timeoutMs;
  while (!upToSpark.every((name) => status.stage(name).health === 'ok')) {
    if (Date.now() > deadline)
      throw new Error(
        `pipeline:status not caught up within ${timeoutMs / 1000} s:\n${status.stages
          .map((s) => `${s.name} ${s.health}: ${s.summary}`)
          .join('\n')}`,
      );
    await new Promise((r) => setTimeout(r, 2000));
    status = await pipelineStatus();
  }
  return status;
}

/** The verdicts after a fault: both checkers pass; prints and returns the duplicate counts. */
export async function verdicts(
  label: string,
  tables: readonly string[] = BUSINESS_TABLES,
): Promise<{ kafkaDuplicates: number; silverDuplicates: number; bronzeStoredTwice: number }> {
  const validated = await validate(tables);
  if (validated.code !== 0) {
    throw new Error(
      `validate exited ${validated.code} after ${label}:\n${validated.stdout.slice(-4000)}\n${validated.stderr.slice(-2000)}`,
    );
  }
  const lake = await deltaCheckUntilEqual(tables);
  const silver = lake.tables.filter((t) => t.lakePath.startsWith('silver/'));
  const counts = {
    kafkaDuplicates: sum(validated.report?.tables.map((t) => t.duplicates)),
    silverDuplicates: sum(silver.map((t) => t.duplicateKeys)),
    bronzeStoredTwice: sum(lake.tables.map((t) => t.bronze?.duplicateRecords ?? 0)),
  };
  process.stdout.write(
    `${label}: validate consistent, delta:check equal; duplicates in Kafka ${counts.kafkaDuplicates} (allowed), ` +
      `in silver ${counts.silverDuplicates}, Kafka records stored twice in bronze ${counts.bronzeStoredTwice}\n`,
  );
  return counts;
}

function sum(values: readonly number[] | undefined): number {
  return (values ?? []).reduce((a, b) => a + b, 0);
}

/** The events the simulator has logged (its ground truth), to wait for progress. */
export async function eventCount(pool: pg.Pool): Promise<number> {
  const exists = await pool.query<{ log: string | null }>(
    `SELECT to_regclass('sim.event_log')::text AS log`,
  );
  if (!exists.rows[0]?.log) return 0; // no simulation yet
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM sim.event_log');
  return Number(rows[0]?.n ?? 0);
}

/** eventCount, or -1 while PostgreSQL cannot answer (during its own restart). */
const eventCountOrUnknown = (pool: pg.Pool) => eventCount(pool).catch(() => -1);

/**
 * Runs the simulator at 50/s around `fault`: some events before, the fault, some
 * after. A fault that ends the simulator itself returns the one that replaces it.
 */
export async function withSimulator(
  pool: pg.Pool,
  fault: (sim: RunningSimulator) => Promise<RunningSimulator | void>,
  eventsAround = 300,
): Promise<void> {
  let sim = startSimulator('50/s');
  try {
    const start = await eventCount(pool);
    await pollUntil(
      'simulator progress before the fault',
      async () => (await eventCountOrUnknown(pool)) >= start + eventsAround,
      120_000,
    );
    sim = (await fault(sim)) ?? sim;
    const after = await eventCount(pool);
    await pollUntil(
      'simulator progress after the fault',
      async () => (await eventCountOrUnknown(pool)) >= after + eventsAround,
      300_000,
    );
  } catch (err) {
    await sim.kill();
    throw err;
  }
  const code = await sim.stop();
  if (code !== 0) throw new Error(`sim:run exited ${code}:\n${sim.log().slice(-3000)}`);
}

/** Whether the Spark job (its UI's REST API on `uiPort`) is running a Spark job now: a micro-batch in flight. */
export async function sparkJobRunning(uiPort: number): Promise<boolean> {
  try {
    const base = `http://127.0.0.1:${uiPort}/api/v1/applications`;
    const apps = (await (await fetch(base)).json()) as { id: string }[];
    const jobs = (await (
      await fetch(`${base}/${apps[0]!.id}/jobs?status=running`)
    ).json()) as unknown[];
    return jobs.length > 0;
  } catch {
    return false;
  }
}

interface ConnectorStatus {
  connector: { state: string };
  tasks: TaskStatus[];
}

export interface TaskStatus {
  state: string;
  trace?: string;
}

/** The Debezium connector's task as Connect's REST API reports it (KAFKA_CONNECT_URL). */
export async function connectorTask(): Promise<TaskStatus | undefined> {
  const res = await fetch(`${process.env['KAFKA_CONNECT_URL']}/connectors/mdp-postgres/status`, {
    headers: connectHeaders(),
  });
  return ((await res.json()) as ConnectorStatus).tasks[0];
}

/** Whether the Debezium connector and all its tasks are RUNNING (Connect's REST API, KAFKA_CONNECT_URL). */
export async function connectorRunning(): Promise<boolean> {
  try {
    const res = await fetch(`${process.env['KAFKA_CONNECT_URL']}/connectors/mdp-postgres/status`, {
      headers: connectHeaders(),
    });
    const text = await res.text();
    lastConnectorAnswer = `${res.status} ${text}`;
    const status = JSON.parse(text) as ConnectorStatus;
    return (
      status.connector.state === 'RUNNING' &&
      status.tasks.length > 0 &&
      status.tasks.every((t) => t.state === 'RUNNING')
    );
  } catch (err) {
    lastConnectorAnswer = (err as Error).message;
    return false;
  }
}

let lastConnectorAnswer = '(none yet)';

/**
 * Waits until the connector and its tasks are RUNNING (and `also` holds); a timeout says
 * what Connect answered last.
 */
export async function untilConnectorRunning(
  what: string,
  also: () => boolean = () => true,
): Promise<void> {
  await pollUntil(what, async () => also() && (await connectorRunning()), 300_000).catch(
    (err: Error) => {
      throw new Error(`${err.message}; Connect's last status answer: ${lastConnectorAnswer}`);
    },
  );
}

/** A service of the native stack as `pnpm stack status` shows it: its process id, ports and log. */
export async function stackService(
  name: string,
): Promise<{ pid: number; ports: number[]; logFile: string }> {
  const services = JSON.parse(await pnpmOk(['stack', 'status', '--json'])) as {
    name: string;
    pid: number;
    ports: number[];
    logFile: string;
  }[];
  const service = services.find((s) => s.name === name);
  if (!service) throw new Error(`pnpm stack status shows no service "${name}"`);
  return service;
}

/** The native stack's state directory, where the Spark job's log is `<state>/spark/<file>`. */
export async function stackState(): Promise<string> {
  return dirname(dirname((await stackService('spark')).logFile));
}

/** SQL as PostgreSQL's superuser, over the native stack's unix socket (local trust; as user postgres when root). */
export function asSuperuser(state: string, sql: string): void {
  const psql = ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', `${state}/postgres/run`];
  const args = [
    ...psql,
    '-p',
    process.env['PGPORT']!,
    '-U',
    'postgres',
    '-d',
    process.env['PGDATABASE']!,
    '-c',
    sql,
  ];
  if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', ...args]);
  else execFileSync(args[0]!, args.slice(1));
}
