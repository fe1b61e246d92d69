import type { S3StoreOptions } from '@mdp/delta-check';
import { ENV, type PostgresSettings, readPostgresEnv, STACK_ENV_HINT } from '@mdp/schemas';

export interface Config {
  readonly pg: PostgresSettings;
  readonly kafkaBrokers: string;
  readonly connectUrl: string;
  readonly s3: S3StoreOptions;
}

/** The settings pipeline:status reads, every problem at once; a reader's S3 key when the stack has one. */
export function parseConfig(
  env: Record<string, string | undefined>,
): Config | { problems: string[] } {
  const pg = readPostgresEnv(env);
  const problems = [
    ...pg.problems,
    ...[...ENV.kafka, 'KAFKA_CONNECT_URL', ...ENV.s3]
      .filter((name) => !env[name])
      .map((name) => `${name} is not set`),
  ];
  if (problems.length > 0) return { problems: [...problems, STACK_ENV_HINT] };
  const reader = Boolean(env['S3_READER_ACCESS_KEY'] && env['S3_READER_SECRET_KEY']);
  return {
    pg: pg.settings,
    kafkaBrokers: env['KAFKA_BROKERS']!,
    connectUrl: env['KAFKA_CONNECT_URL']!,
    s3: {
      endpoint: env['S3_ENDPOINT']!,
      accessKey: env[reader ? 'S3_READER_ACCESS_KEY' : 'S3_ACCESS_KEY']!,
      secretKey: env[reader ? 'S3_READER_SECRET_KEY' : 'S3_SECRET_KEY']!,
      bucket: env['S3_BUCKET']!,
    },
  };
}
