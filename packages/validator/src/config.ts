/** The validator's environment, parsed once; every missing key is listed at once. */
import {
  kafkaLogin,
  readPostgresReaderEnv,
  type KafkaLogin,
  type PostgresSettings,
} from '@mdp/schemas';
import { ConfigError } from './errors.js';

export interface KafkaConfig {
  brokers: readonly string[];
  /** KAFKA_USER / KAFKA_PASSWORD: `pnpm stack:env` exports the read-only user's. */
  login: KafkaLogin | undefined;
  registryUrl: string;
}
export type PgConfig = PostgresSettings;

export function kafkaConfig(env: NodeJS.ProcessEnv): KafkaConfig {
  const problems: string[] = [];
  if (!env.KAFKA_BROKERS) problems.push('KAFKA_BROKERS is not set (host:port[,host:port])');
  if (!env.SCHEMA_REGISTRY_URL)
    problems.push('SCHEMA_REGISTRY_URL is not set (http://host:port/apis/ccompat/v7)');
  else if (!/^https?:\/\//.test(env.SCHEMA_REGISTRY_URL))
    problems.push(`SCHEMA_REGISTRY_URL is not an http(s) URL: ${env.SCHEMA_REGISTRY_URL}`);
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze({
    brokers: Object.freeze(
      env
        .KAFKA_BROKERS!.split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    ),
    login: kafkaLogin(env),
    registryUrl: env.SCHEMA_REGISTRY_URL!,
  });
}

/** The checker reads (and records its verdict) with the stack's read-only role when it is set. */
export function pgConfig(env: NodeJS.ProcessEnv): PgConfig {
  const { settings, problems } = readPostgresReaderEnv(env);
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(settings);
}
