/**
 * The docker compose files, validated by the real Docker Compose v2.40.3 (built
 * from the Go module proxy into MDP_CACHE by scripts/validate-compose.sh; no
 * engine needed): `config -q` accepts them with .env.example (compose.yaml alone,
 * and with compose.cluster.yaml), and refuses them when any `${VAR:?}` secret is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const script = join(repo, 'scripts', 'validate-compose.sh');
const tmp = mkdtempSync(join(tmpdir(), 'mdp-compose-'));
let compose = '';

const SINGLE = ['compose.yaml'];
const CLUSTER = ['compose.yaml', 'compose.cluster.yaml'];

function config(envFile: string, files: readonly string[], ...args: string[]) {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (/^(PG|S3_|MINIO_|MDP_)/.test(name)) delete env[name];
  return spawnSync(
    compose,
    [
      '--project-directory',
      repo,
      ...files.flatMap((file) => ['-f', join(repo, file)]),
      '--env-file',
      envFile,
      'config',
      ...args,
    ],
    {
      encoding: 'utf8',
      env,
    },
  );
}

beforeAll(() => {
  compose = execFileSync('bash', [script, '--build-only'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}, 15 * 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('compose.yaml', () => {
  it('passes scripts/validate-compose.sh (config -q, and every missing secret refused)', () => {
    const run = spawnSync('bash', [script], { encoding: 'utf8' });
    expect(run.stderr).not.toMatch(/FAIL/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/ok: missing PG_DEBEZIUM_PASSWORD is refused/);
  });

  it.each([[SINGLE], [CLUSTER]])(
    '%j: publishes every port on 127.0.0.1 only and builds every image from infra/compose/Dockerfile',
    (files) => {
      const envFile = join(tmp, 'ok.env');
      writeFileSync(envFile, readFileSync(join(repo, '.env.example')));
      const run = config(envFile, files, '--format', 'json');
      expect(run.status, run.stderr).toBe(0);
      const project = JSON.parse(run.stdout) as {
        services: Record<
          string,
          {
            build?: { dockerfile?: string; target?: string };
            image?: string;
            pull_policy?: string;
            init?: boolean;
            ports?: { host_ip?: string }[];
            healthcheck?: unknown;
          }
        >;
      };
      const services = Object.entries(project.services);
      expect(services.length).toBeGreaterThanOrEqual(8);
      const built = new Set(services.filter(([, s]) => s.build).map(([, s]) => s.image));
      for (const [name, service] of services) {
        for (const port of service.ports ?? [])
          expect(port.host_ip, `${name} port`).toBe('127.0.0.1');
        expect(service.init, `${name} init`).toBe(true);
        if (!service.build) {
          // a one-shot on an image another service builds: never pulled
          expect(built.has(service.image), `${name} image`).toBe(true);
          expect(service.pull_policy, `${name} pull_policy`).toBe('never');
          continue;
        }
        expect(service.build.dockerfile, `${name} build`).toMatch(/infra\/compose\/Dockerfile$/);
        expect(service.build.target, `${name} target`).toBeTruthy();
        expect(service.pull_policy, `${name} pull_policy`).toBe('build');
      }
      // one external image, the base: every other FROM names a stage of the file
      const dockerfile = readFileSync(join(repo, 'infra', 'compose', 'Dockerfile'), 'utf8');
      const stages = [...dockerfile.matchAll(/^FROM (\S+)(?: AS (\S+))?$/gm)];
      const names = new Set(stages.map((m) => m[2]));
      for (const [, from] of stages)
        expect(from === '${BASE_IMAGE}' || names.has(from), from).toBe(true);
      const longRunning = ['postgres', 'kafka', 'apicurio', 'minio', 'connect', 'spark'];
      if (files === CLUSTER)
        longRunning.push(
          'kafka-2',
          'kafka-3',
          'connect-2',
          'spark-master',
          'spark-worker-1',
          'spark-worker-2',
          'minio-2',
          'minio-3',
          'minio-4',
        );
      for (const name of longRunning) {
        expect(project.services[name]?.healthcheck, `${name} healthcheck`).toBeDefined();
      }
    },
  );

  it.each([[SINGLE], [CLUSTER]])('%j: refuses a missing secret naming it', (files) => {
    const envFile = join(tmp, 'missing.env');
    const text = readFileSync(join(repo, '.env.example'), 'utf8');
    writeFileSync(envFile, text.replace(/^PG_SUPERUSER_PASSWORD=.*$/m, ''));
    const run = config(envFile, files, '-q');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/PG_SUPERUSER_PASSWORD/);
  });
});
