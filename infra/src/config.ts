import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from './errors.js';
import {
  KAFKA_PASSWORD_NAMES,
  PLACEHOLDER,
  REGISTRY_PASSWORD_NAMES,
  SECRET_NAMES,
  secretsFile,
} from './secrets.js';
import type { Versions } from './versions.js';

/** Every port of the native stack: default, the service that binds it, the env name that moves it. */
export const PORTS = {
  postgres: { base: 15432, service: 'postgres', env: 'MDP_PG_PORT' },
  kafka: { base: 19092, service: 'kafka', env: 'MDP_KAFKA_PORT' },
  kafkaController: { base: 19093, service: 'kafka', env: 'MDP_KAFKA_CONTROLLER_PORT' },
  connect: { base: 18083, service: 'connect', env: 'MDP_CONNECT_PORT' },
  registry: { base: 18080, service: 'apicurio', env: 'MDP_REGISTRY_PORT' },
  minio: { base: 19000, service: 'minio', env: 'MDP_MINIO_PORT' },
  minioConsole: { base: 19001, service: 'minio', env: 'MDP_MINIO_CONSOLE_PORT' },
  sparkUi: { base: 14040, service: 'spark', env: 'MDP_SPARK_UI_PORT' },
  console: { base: 18088, service: 'console', env: 'MDP_CONSOLE_PORT' },
  // the cluster profile's other nodes (infra/process-compose.cluster.yaml)
  kafka2: { base: 19094, service: 'kafka-2', env: 'MDP_KAFKA_2_PORT' },
  kafka2Controller: { base: 19095, service: 'kafka-2', env: 'MDP_KAFKA_2_CONTROLLER_PORT' },
  kafka3: { base: 19096, service: 'kafka-3', env: 'MDP_KAFKA_3_PORT' },
  kafka3Controller: { base: 19097, service: 'kafka-3', env: 'MDP_KAFKA_3_CONTROLLER_PORT' },
  connect2: { base: 18084, service: 'connect-2', env: 'MDP_CONNECT_2_PORT' },
  minio2: { base: 19002, service: 'minio-2', env: 'MDP_MINIO_2_PORT' },
  minio3: { base: 19003, service: 'minio-3', env: 'MDP_MINIO_3_PORT' },
  minio4: { base: 19004, service: 'minio-4', env: 'MDP_MINIO_4_PORT' },
  minio2Console: { base: 19005, service: 'minio-2', env: 'MDP_MINIO_2_CONSOLE_PORT' },
  minio3Console: { base: 19006, service: 'minio-3', env: 'MDP_MINIO_3_CONSOLE_PORT' },
  minio4Console: { base: 19007, service: 'minio-4', env: 'MDP_MINIO_4_CONSOLE_PORT' },
  sparkMaster: { base: 17077, service: 'spark-master', env: 'MDP_SPARK_MASTER_PORT' },
  sparkMasterUi: { base: 18090, service: 'spark-master', env: 'MDP_SPARK_MASTER_UI_PORT' },
  sparkWorker1Ui: { base: 18091, service: 'spark-worker-1', env: 'MDP_SPARK_WORKER_1_UI_PORT' },
  sparkWorker2Ui: { base: 18092, service: 'spark-worker-2', env: 'MDP_SPARK_WORKER_2_UI_PORT' },
} as const;

export type PortName = keyof typeof PORTS;

/**
 * How many nodes of each engine: `single` (one of each, the default) or `cluster`
 * (3 Kafka brokers in a KRaft quorum, 2 Connect workers, a Spark master with 2
 * workers, MinIO on 4 drives: infra/process-compose.cluster.yaml).
 */
export const PROFILES = ['single', 'cluster'] as const;
export type Profile = (typeof PROFILES)[number];

export interface StackConfig {
  readonly repoRoot: string;
  readonly infraDir: string;
  readonly cacheDir: string;
  readonly stateDir: string;
  readonly portOffset: number;
  readonly profile: Profile;
  readonly ports: Readonly<Record<PortName, number>>;
  readonly postgres: {
    readonly database: string;
    readonly adminUser: string;
    readonly adminPassword: string;
    readonly debeziumPassword: string;
    readonly apicurioPassword: string;
    readonly readerUser: string;
    readonly readerPassword: string;
    readonly writerUser: string;
    readonly writerPassword: string;
  };
  /** The one user of Kafka Connect's REST API (HTTP Basic). */
  readonly connect: { readonly user: string; readonly password: string };
  /** Passwords of Kafka's SCRAM users (infra/kafka/init.sh names them and their rights). */
  readonly kafka: {
    readonly adminPassword: string;
    readonly connectWorkerPassword: string;
    readonly sparkPassword: string;
    readonly readerPassword: string;
    readonly benchPassword: string;
  };
  /** Passwords of the registry's users (infra/apicurio/application.properties). */
  readonly registry: { readonly adminPassword: string; readonly connectPassword: string };
  readonly minio: {
    readonly rootUser: string;
    readonly rootPassword: string;
    readonly bucket: string;
    readonly accessKey: string;
    readonly secretKey: string;
    readonly readerAccessKey: string;
    readonly readerSecretKey: string;
  };
  readonly versions: Versions;
}

export type EnvSource = Readonly<Record<string, string | undefined>>;

/** The state directory `MDP_STATE` names (relative to the repository), else `<repo>/.state`. */
export function stateDirOf(env: EnvSource, repoRoot: string): string {
  return resolve(repoRoot, env['MDP_STATE'] || '.state');
}

/**
 * Builds the stack's settings from one merged environment (process env over
 * `.env` over `.env.example`'s settings and the generated secrets, merged by
 * main.ts). Lists every bad key at once.
 */
export function loadStackConfig(
  env: EnvSource,
  repoRoot: string,
  versions: Versions,
  profile: Profile = 'single',
): StackConfig {
  const problems: string[] = [];
  const stateDir = stateDirOf(env, repoRoot);
  const secretNames: readonly string[] = SECRET_NAMES;
  const text = (name: string, fallback?: string): string => {
    const value = env[name] ?? fallback;
    if (value === undefined || value === '') {
      problems.push(`${name} is not set (see .env.example)`);
      return '';
    }
    if (secretNames.includes(name) && PLACEHOLDER.test(value)) {
      problems.push(
        `${name} is .env.example's placeholder "${value}", not a secret: remove it from .env and the ` +
          `environment (the stack then generates one into ${secretsFile(stateDir)}), or set one of your own`,
      );
    }
    return value;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}=${raw} must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };

  const portOffset = int('MDP_PORT_OFFSET', 0, 0, 40000);
  const ports = Object.fromEntries(
    Object.entries(PORTS).map(([name, spec]) => [
      name,
      int(spec.env, spec.base + portOffset, 1, 65535),
    ]),
  ) as Record<PortName, number>;
  const absolute = (name: string, fallback: string): string => {
    const value = env[name] || fallback;
    return isAbsolute(value) ? value : resolve(repoRoot, value);
  };

  const connectUser = text('KAFKA_CONNECT_USER');
  if (connectUser && !/^[A-Za-z0-9._-]+$/.test(connectUser))
    problems.push(
      `KAFKA_CONNECT_USER may hold letters, digits, '.', '_' and '-' only, got "${connectUser}"`,
    );
  for (const name of KAFKA_PASSWORD_NAMES) {
    // they sit between double quotes in Kafka's JAAS settings
    if (/["\\\s]/.test(env[name] ?? ''))
      problems.push(`${name} may not hold a double quote, a backslash or white space`);
  }
  for (const name of REGISTRY_PASSWORD_NAMES) {
    // a Java properties value, where Quarkus expands ${…}
    if (/[$\\\s]/.test(env[name] ?? ''))
      problems.push(`${name} may not hold a '$', a backslash or white space`);
  }
  const minioRootPassword = text('MINIO_ROOT_PASSWORD');
  if (minioRootPassword && minioRootPassword.length < 8)
    problems.push('MINIO_ROOT_PASSWORD needs at least 8 characters');
  for (const name of ['S3_SECRET_KEY', 'S3_READER_SECRET_KEY']) {
    if ((env[name] ?? '').length > 0 && (env[name] ?? '').length < 8)
      problems.push(`${name} needs at least 8 characters`);
  }

  const config: StackConfig = {
    repoRoot,
    infraDir: join(repoRoot, 'infra'),
    cacheDir: absolute('MDP_CACHE', join(homedir(), '.cache', 'mdp')),
    stateDir,
    portOffset,
    profile,
    ports,
    postgres: {
      database: text('PGDATABASE', 'mdp'),
      adminUser: text('PGUSER', 'mdp'),
      adminPassword: text('PGPASSWORD'),
      debeziumPassword: text('PG_DEBEZIUM_PASSWORD'),
      apicurioPassword: text('PG_APICURIO_PASSWORD'),
      readerUser: text('PG_READER_USER', 'mdp_reader'),
      readerPassword: text('PG_READER_PASSWORD'),
      writerUser: text('PG_WRITER_USER', 'mdp_writer'),
      writerPassword: text('PG_WRITER_PASSWORD'),
    },
    connect: {
      user: connectUser,
      password: text('KAFKA_CONNECT_PASSWORD'),
    },
    kafka: {
      adminPassword: text('KAFKA_ADMIN_PASSWORD'),
      connectWorkerPassword: text('KAFKA_CONNECT_WORKER_PASSWORD'),
      sparkPassword: text('KAFKA_SPARK_PASSWORD'),
      readerPassword: text('KAFKA_PASSWORD'),
      benchPassword: text('KAFKA_BENCH_PASSWORD'),
    },
    registry: {
      adminPassword: text('SCHEMA_REGISTRY_ADMIN_PASSWORD'),
      connectPassword: text('SCHEMA_REGISTRY_CONNECT_PASSWORD'),
    },
    minio: {
      rootUser: text('MINIO_ROOT_USER'),
      rootPassword: minioRootPassword,
      bucket: text('S3_BUCKET', 'lakehouse'),
      accessKey: text('S3_ACCESS_KEY'),
      secretKey: text('S3_SECRET_KEY'),
      readerAccessKey: text('S3_READER_ACCESS_KEY'),
      readerSecretKey: text('S3_READER_SECRET_KEY'),
    },
    versions,
  };
  const seen = new Map<number, string>();
  for (const [name, port] of Object.entries(ports)) {
    const other = seen.get(port);
    if (other) problems.push(`ports of ${other} and ${name} are both ${port}`);
    seen.set(port, name);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
