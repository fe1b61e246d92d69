/**
 * The environment names every part of the platform reads (DESIGN.md,
 * "Contracts"). `.env.example` documents them; `pnpm stack:env` prints them
 * for the running native stack.
 */
export const ENV = {
  postgres: ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD'],
  kafka: ['KAFKA_BROKERS'],
  registry: ['SCHEMA_REGISTRY_URL'],
  s3: ['S3_ENDPOINT', 'S3_ACCESS_KEY', 'S3_SECRET_KEY', 'S3_BUCKET'],
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV][number];

/**
 * The `export NAME=value` lines `pnpm stack:env` prints (a value single-quoted
 * when the shell needs it, a quote inside written `'\''`) → name → value.
 * Other lines are ignored.
 */
export function parseStackEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    const raw = m[2]!;
    env[m[1]!] =
      raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2
        ? raw.slice(1, -1).replaceAll(`'\\''`, "'")
        : raw;
  }
  return env;
}
