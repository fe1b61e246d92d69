import type { StackConfig } from '../config.js';

/** Every Kafka broker's address (bootstrap.servers): one, or the cluster profile's three. */
export function kafkaBootstrap(config: StackConfig): string {
  const { kafka, kafka2, kafka3 } = config.ports;
  const ports = config.profile === 'cluster' ? [kafka, kafka2, kafka3] : [kafka];
  return ports.map((port) => `127.0.0.1:${port}`).join(',');
}

/**
 * The settings every client reads (DESIGN.md "Contracts"), for this stack.
 * `pnpm stack:env` prints them as `export NAME=value` lines.
 */
export function clientEnv(config: StackConfig): Record<string, string> {
  const { ports, postgres, minio, connect, kafka, registry } = config;
  return {
    PGHOST: '127.0.0.1',
    PGPORT: String(ports.postgres),
    PGDATABASE: postgres.database,
    PGUSER: postgres.adminUser,
    PGPASSWORD: postgres.adminPassword,
    PG_READER_USER: postgres.readerUser,
    PG_READER_PASSWORD: postgres.readerPassword,
    PG_WRITER_USER: postgres.writerUser,
    PG_WRITER_PASSWORD: postgres.writerPassword,
    KAFKA_BROKERS: kafkaBootstrap(config),
    // SCRAM users (infra/kafka/init.sh): clients read as mdp-reader; tests and tools act as the admin
    KAFKA_USER: 'mdp-reader',
    KAFKA_PASSWORD: kafka.readerPassword,
    KAFKA_ADMIN_USER: 'mdp-admin',
    KAFKA_ADMIN_PASSWORD: kafka.adminPassword,
    KAFKA_BENCH_USER: 'mdp-bench',
    KAFKA_BENCH_PASSWORD: kafka.benchPassword,
    SCHEMA_REGISTRY_URL: `http://127.0.0.1:${ports.registry}/apis/ccompat/v7`,
    // reads need no login; the stack's tools and the tests write as the admin
    SCHEMA_REGISTRY_ADMIN_USER: 'mdp-admin',
    SCHEMA_REGISTRY_ADMIN_PASSWORD: registry.adminPassword,
    KAFKA_CONNECT_URL: `http://127.0.0.1:${ports.connect}`,
    KAFKA_CONNECT_USER: connect.user,
    KAFKA_CONNECT_PASSWORD: connect.password,
    S3_ENDPOINT: `http://127.0.0.1:${ports.minio}`,
    S3_ACCESS_KEY: minio.accessKey,
    S3_SECRET_KEY: minio.secretKey,
    S3_READER_ACCESS_KEY: minio.readerAccessKey,
    S3_READER_SECRET_KEY: minio.readerSecretKey,
    S3_BUCKET: minio.bucket,
    MDP_CONSOLE_URL: `http://127.0.0.1:${ports.console}`,
  };
}

/** `export NAME='value'` lines a POSIX shell can eval. */
export function formatExports(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
    .join('\n');
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
