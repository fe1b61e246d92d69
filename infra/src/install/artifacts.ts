import { join } from 'node:path';
import type { Logger } from 'pino';
import type { StackConfig } from '../config.js';
import { goBinaryPath, goInstall } from './go-binaries.js';
import { createMavenInstaller } from './maven.js';
import { installSpark } from './spark.js';

/** Where each installed artifact lives in the cache, keyed by its version (known before installing). */
export interface ArtifactPaths {
  readonly kafkaLibs: string;
  readonly debeziumPlugin: string;
  readonly apicurioConverter: string;
  readonly apicurioRegistry: string;
  readonly minio: string;
  readonly mc: string;
}

export function artifactPaths(config: StackConfig): ArtifactPaths {
  const v = config.versions;
  const cache = config.cacheDir;
  return {
    kafkaLibs: join(cache, 'jars', `kafka-${v.KAFKA_VERSION}-log4j-${v.LOG4J_VERSION}`),
    debeziumPlugin: join(cache, 'connect-plugins', `debezium-postgres-${v.DEBEZIUM_VERSION}`),
    apicurioConverter: join(
      cache,
      'connect-plugins',
      `apicurio-converter-${v.APICURIO_CONVERTER_VERSION}`,
    ),
    apicurioRegistry: join(cache, 'apicurio-registry', v.APICURIO_REGISTRY_VERSION),
    minio: goBinaryPath(cache, 'minio', v.MINIO_VERSION),
    mc: goBinaryPath(cache, 'mc', v.MC_VERSION),
  };
}

/** Installs what the given services need (idempotent: present artifacts are reused). */
export async function installArtifacts(
  config: StackConfig,
  services: readonly string[],
  log: Logger,
): Promise<ArtifactPaths> {
  const paths = artifactPaths(config);
  const v = config.versions;
  const maven = createMavenInstaller(config.cacheDir, config.infraDir, log);
  const needs = (name: string) => services.includes(name);
  if (needs('kafka') || needs('connect')) {
    await maven.copyDependencies(
      `Kafka ${v.KAFKA_VERSION}`,
      join(config.infraDir, 'maven', 'kafka', 'pom.xml'),
      paths.kafkaLibs,
      {
        'kafka.version': v.KAFKA_VERSION,
        'scala.version': v.KAFKA_SCALA_VERSION,
        'log4j.version': v.LOG4J_VERSION,
      },
    );
  }
  if (needs('connect')) {
    await maven.unpack(
      `Debezium PostgreSQL connector ${v.DEBEZIUM_VERSION}`,
      `io.debezium:debezium-connector-postgres:${v.DEBEZIUM_VERSION}:tar.gz:plugin`,
      paths.debeziumPlugin,
    );
    await maven.copyDependencies(
      `Apicurio converter ${v.APICURIO_CONVERTER_VERSION}`,
      join(config.infraDir, 'maven', 'apicurio-converter', 'pom.xml'),
      join(paths.apicurioConverter, 'apicurio-converter'),
      { 'apicurio.converter.version': v.APICURIO_CONVERTER_VERSION },
      ['-DexcludeGroupIds=org.apache.kafka'],
    );
  }
  if (needs('apicurio')) {
    await maven.unpack(
      `Apicurio Registry ${v.APICURIO_REGISTRY_VERSION}`,
      `io.apicurio:apicurio-registry-app:${v.APICURIO_REGISTRY_VERSION}:tar.gz:all`,
      paths.apicurioRegistry,
    );
  }
  if (needs('minio'))
    await goInstall(config.cacheDir, 'minio', 'github.com/minio/minio', v.MINIO_VERSION, log);
  if (needs('minio-init'))
    await goInstall(config.cacheDir, 'mc', 'github.com/minio/mc', v.MC_VERSION, log);
  if (needs('spark')) await installSpark(config, log);
  return paths;
}
