/**
 * The native stack's secrets. One the user sets (process env, else .env) is
 * used as given, unless it is still a placeholder of .env.example; one not set
 * is generated once, random, into the state directory (mode 0600, like every
 * file there that holds one) and reused by every later command.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { EnvSource } from './config.js';
import { markStateDir } from './state-dir.js';
import { readEnvFile } from './versions.js';

/** The passwords of Kafka's users (infra/kafka/init.sh); KAFKA_PASSWORD is the read-only user's, every client's. */
export const KAFKA_PASSWORD_NAMES = [
  'KAFKA_ADMIN_PASSWORD',
  'KAFKA_CONNECT_WORKER_PASSWORD',
  'KAFKA_SPARK_PASSWORD',
  'KAFKA_PASSWORD',
  'KAFKA_BENCH_PASSWORD',
] as const;

/** The registry's logins (infra/apicurio/application.properties): its admin's, Connect's. */
export const REGISTRY_PASSWORD_NAMES = [
  'SCHEMA_REGISTRY_ADMIN_PASSWORD',
  'SCHEMA_REGISTRY_CONNECT_PASSWORD',
] as const;

/** Every password and secret key of the native stack (its users and access keys are settings). */
export const SECRET_NAMES = [
  'PGPASSWORD',
  'PG_DEBEZIUM_PASSWORD',
  'PG_APICURIO_PASSWORD',
  'PG_READER_PASSWORD',
  'PG_WRITER_PASSWORD',
  'MINIO_ROOT_PASSWORD',
  'S3_SECRET_KEY',
  'S3_READER_SECRET_KEY',
  'KAFKA_CONNECT_PASSWORD',
  ...KAFKA_PASSWORD_NAMES,
  ...REGISTRY_PASSWORD_NAMES,
] as const;

/** .env.example's values of secrets: documentation, never a password. */
export const PLACEHOLDER = /^change-me/;

export const SECRETS_FILE_NAME = 'secrets.env';

/** Where the generated secrets of the stack in `stateDir` are kept. */
export const secretsFile = (stateDir: string): string => join(stateDir, SECRETS_FILE_NAME);

/** The secrets `env` lacks: those generated before into `file`, else fresh ones, then written there. */
export async function generatedSecrets(
  env: EnvSource,
  file: string,
): Promise<Record<string, string>> {
  const missing = SECRET_NAMES.filter((name) => !env[name]);
  if (missing.length === 0) return {};
  const kept = readEnvFile(file);
  const fresh = missing.filter((name) => !kept[name]);
  if (fresh.length > 0) {
    for (const name of fresh) kept[name] = randomBytes(20).toString('hex');
    // a state dir made here is one (stack:reset may delete it); an existing dir is left unmarked
    if (!existsSync(dirname(file))) await markStateDir(dirname(file));
    const lines = Object.entries(kept).map(([name, value]) => `${name}=${value}\n`);
    await writeFile(`${file}.tmp`, lines.join(''), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }
  await chmod(file, 0o600);
  return Object.fromEntries(missing.map((name) => [name, kept[name]!]));
}
