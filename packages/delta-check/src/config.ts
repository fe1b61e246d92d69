import { ENV, readPostgresEnv } from '@mdp/schemas';
import type { PgOptions } from './adapters/postgres.js';
import type { S3StoreOptions } from './adapters/s3-store.js';
import { DeltaCheckError } from './errors.js';

export interface Config {
  readonly pg: Readonly<PgOptions>;
  readonly s3: Readonly<S3StoreOptions>;
}

/** The settings delta-check reads (DESIGN.md "Contracts"), all checked at once. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const pg = readPostgresEnv(env);
  const missing = [...ENV.postgres, ...ENV.s3].filter((n) => n !== 'PGPASSWORD' && !env[n]);
  const problems = [
    ...pg.problems,
    ...missing.filter((n) => n.startsWith('S3_')).map((n) => `${n} is not set`),
  ];
  if (env.S3_ENDPOINT && !/^https?:\/\/[^/]+/.test(env.S3_ENDPOINT)) {
    problems.push(`S3_ENDPOINT="${env.S3_ENDPOINT}" is not an http(s) URL`);
  }
  if (problems.length > 0) {
    throw new DeltaCheckError(
      'CONFIG_INVALID',
      `configuration: ${problems.join('; ')}. For the native stack: eval "$(pnpm -s stack:env)" (see .env.example)`,
      { context: { missing } },
    );
  }
  const get = (n: string): string => env[n]!;
  // A checker only reads: with the stack's read-only key when it is set.
  const reader = Boolean(env.S3_READER_ACCESS_KEY && env.S3_READER_SECRET_KEY);
  return Object.freeze({
    pg: Object.freeze(pg.settings),
    s3: Object.freeze({
      endpoint: get('S3_ENDPOINT'),
      accessKey: get(reader ? 'S3_READER_ACCESS_KEY' : 'S3_ACCESS_KEY'),
      secretKey: get(reader ? 'S3_READER_SECRET_KEY' : 'S3_SECRET_KEY'),
      bucket: get('S3_BUCKET'),
    }),
  });
}
