/**
 * The docker compose stacks of the test command, each a project of its own on the
 * engine that `scripts/docker-engine.sh` finds or starts, with secrets generated
 * for the run: `mdp-test` (compose.yaml, ports moved by MDP_TEST_COMPOSE_PORT_OFFSET,
 * default +2000) and `mdp-test-cluster` (compose.yaml + compose.cluster.yaml,
 * MDP_TEST_COMPOSE_CLUSTER_PORT_OFFSET, default +4000). useComposeProject chooses
 * one the way a user would, with COMPOSE_PROJECT_NAME and COMPOSE_FILE, which every
 * `docker compose` of the run (and of the test workers) reads. Its settings are the
 * same names as the native stack's (`.env.example`), so the platform's CLIs
 * (support/platform.ts) drive it exactly as they drive the native one.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repo } from './platform.js';

export type ComposeProfile = 'single' | 'cluster';

const PROJECTS = {
  single: { name: 'mdp-test', files: ['compose.yaml'] },
  cluster: { name: 'mdp-test-cluster', files: ['compose.yaml', 'compose.cluster.yaml'] },
} as const;

/** Points every later `docker compose` of the run at the profile's project and files. */
export function useComposeProject(profile: ComposeProfile): void {
  const project = PROJECTS[profile];
  process.env['COMPOSE_PROJECT_NAME'] = project.name;
  process.env['COMPOSE_FILE'] = project.files.map((file) => join(repo, file)).join(':');
}

/** The default host port of each published service port (compose.yaml's `${MDP_*_PORT:-…}`). */
const PORTS = {
  MDP_PG_PORT: 15432,
  MDP_KAFKA_PORT: 19092,
  MDP_CONNECT_PORT: 18083,
  MDP_REGISTRY_PORT: 18080,
  MDP_MINIO_PORT: 19000,
  MDP_MINIO_CONSOLE_PORT: 19001,
  MDP_SPARK_UI_PORT: 14040,
  MDP_CONSOLE_PORT: 18088,
  // the cluster profile's other nodes (compose.cluster.yaml)
  MDP_KAFKA_2_PORT: 19094,
  MDP_KAFKA_3_PORT: 19096,
  MDP_CONNECT_2_PORT: 18084,
  MDP_MINIO_2_PORT: 19002,
  MDP_MINIO_3_PORT: 19003,
  MDP_MINIO_4_PORT: 19004,
  MDP_SPARK_MASTER_UI_PORT: 18090,
} as const;

/** The compose project's settings: .env.example with fresh secrets and moved ports. */
export function composeSettings(profile: ComposeProfile, offset: number): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const line of readFileSync(join(repo, '.env.example'), 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) settings[match[1]!] = match[2]!;
  }
  // Every fresh secret starts with '-', as a generated one may: a part that passes
  // secrets as command arguments would read it as a flag (mc did).
  for (const [name, value] of Object.entries(settings))
    if (value.startsWith('change-me')) settings[name] = `-${randomBytes(18).toString('base64url')}`;
  const port = Object.fromEntries(
    Object.entries(PORTS).map(([name, base]) => [name, base + offset]),
  ) as Record<keyof typeof PORTS, number>;
  for (const [name, value] of Object.entries(port)) settings[name] = String(value);
  return {
    ...settings,
    PGHOST: '127.0.0.1',
    PGPORT: String(port.MDP_PG_PORT),
    KAFKA_BROKERS: (profile === 'cluster'
      ? [port.MDP_KAFKA_PORT, port.MDP_KAFKA_2_PORT, port.MDP_KAFKA_3_PORT]
      : [port.MDP_KAFKA_PORT]
    )
      .map((p) => `127.0.0.1:${p}`)
      .join(','),
    SCHEMA_REGISTRY_URL: `http://127.0.0.1:${port.MDP_REGISTRY_PORT}/apis/ccompat/v7`,
    KAFKA_CONNECT_URL: `http://127.0.0.1:${port.MDP_CONNECT_PORT}`,
    S3_ENDPOINT: `http://127.0.0.1:${port.MDP_MINIO_PORT}`,
    MDP_CONSOLE_URL: `http://127.0.0.1:${port.MDP_CONSOLE_PORT}`,
  };
}

/** Writes the settings as the project's env file (mode 0600: it holds the secrets). */
export function writeEnvFile(settings: Record<string, string>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mdp-compose-')), '.env');
  const lines = Object.entries(settings).map(([name, value]) => `${name}=${value}`);
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return file;
}

const composeArgs = (envFile: string, args: readonly string[]) => [
  'compose',
  '--project-directory',
  repo,
  '--env-file',
  envFile,
  ...args,
];

/** Where every `docker compose` command of the run writes its output: beside the env file. */
export const composeLog = (envFile: string): string => join(dirname(envFile), 'compose.log');

/**
 * `docker compose …` on the test project, to completion. Its output (image
 * builds are long) goes to composeLog; a failure names it.
 */
export function compose(
  envFile: string,
  args: readonly string[],
  timeoutMs = 3_600_000,
): Promise<void> {
  const log = composeLog(envFile);
  appendFileSync(log, `\n$ docker compose ${args.join(' ')}\n`);
  const out = openSync(log, 'a');
  return new Promise((resolveRun, reject) => {
    const child = spawn('docker', composeArgs(envFile, args), {
      cwd: repo,
      stdio: ['ignore', out, out],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    closeSync(out);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolveRun()
        : reject(new Error(`docker compose ${args.join(' ')} exited ${code}: see ${log}`)),
    );
  });
}

/** `docker compose …` with its stdout (a query: ps, logs). */
export function composeOutput(envFile: string, args: readonly string[]): string {
  return execFileSync('docker', composeArgs(envFile, args), {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 28,
  });
}

export interface ContainerState {
  Service: string;
  State: string;
  Health: string;
  ExitCode: number;
}

/** Every container of the project, running or exited (one-shots included). */
export function containers(envFile: string): ContainerState[] {
  return composeOutput(envFile, ['ps', '--all', '--format', 'json'])
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as ContainerState);
}

/** The names of the project's volumes that exist on the engine. */
export function volumes(): string[] {
  return execFileSync(
    'docker',
    [
      'volume',
      'ls',
      '--quiet',
      '--filter',
      `label=com.docker.compose.project=${process.env['COMPOSE_PROJECT_NAME']}`,
    ],
    { encoding: 'utf8' },
  )
    .split('\n')
    .filter(Boolean);
}
