/** The validator's environment, parsed once; every missing key is listed at once. */
import { ConfigError } from './errors.js';

export interface KafkaConfig {
  brokers: readonly string[];
  registryUrl: string;
}
export interface PgConfig {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string | undefined;
}

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
    registryUrl: env.SCHEMA_REGISTRY_URL!,
  });
}

export function pgConfig(env: NodeJS.ProcessEnv): PgConfig {
  const problems: string[] = [];
  for (const name of ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER'] as const)
    if (!env[name]) problems.push(`${name} is not set`);
  const port = Number(env.PGPORT);
  if (env.PGPORT && !Number.isInteger(port))
    problems.push(`PGPORT is not a port number: ${env.PGPORT}`);
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze({
    host: env.PGHOST!,
    port,
    database: env.PGDATABASE!,
    user: env.PGUSER!,
    password: env.PGPASSWORD,
  });
}
