import type { S3StoreOptions } from '@mdp/delta-check';
import {
  ENV,
  kafkaLogin,
  type KafkaLogin,
  type PostgresSettings,
  readPostgresEnv,
  readS3ReaderEnv,
  STACK_ENV_HINT,
} from '@mdp/schemas';

export interface Config {
  readonly pg: PostgresSettings;
  readonly kafkaBrokers: string;
  /** KAFKA_USER / KAFKA_PASSWORD, the read-only user's in the stack. */
  readonly kafkaLogin: KafkaLogin | undefined;
  readonly connectUrl: string;
  readonly s3: S3StoreOptions;
  /** SCHEMA_REGISTRY_URL, for the console's decoded changes (pipeline:status does without). */
  readonly registryUrl?: string;
}

/** The settings pipeline:status reads, every problem at once; a reader's S3 key when the stack has one. */
export function parseConfig(
  env: Record<string, string | undefined>,
): Config | { problems: string[] } {
  const pg = readPostgresEnv(env);
  const s3 = readS3ReaderEnv(env);
  const problems = [
    ...pg.problems,
    ...[...ENV.kafka, 'KAFKA_CONNECT_URL']
      .filter((name) => !env[name])
      .map((name) => `${name} is not set`),
    ...s3.problems,
  ];
  if (problems.length > 0) return { problems: [...problems, STACK_ENV_HINT] };
  return {
    pg: pg.settings,
    kafkaBrokers: env['KAFKA_BROKERS']!,
    kafkaLogin: kafkaLogin(env),
    connectUrl: env['KAFKA_CONNECT_URL']!,
    s3: s3.settings,
    ...(env['SCHEMA_REGISTRY_URL'] && { registryUrl: env['SCHEMA_REGISTRY_URL'] }),
  };
}
