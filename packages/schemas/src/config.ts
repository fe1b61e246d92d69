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
