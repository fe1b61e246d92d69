import { readPostgresReaderEnv, readS3ReaderEnv } from '@mdp/schemas';
import type { PgOptions } from './adapters/postgres.js';
import type { S3StoreOptions } from './adapters/s3-store.js';
import { DeltaCheckError } from './errors.js';

export interface Config {
  readonly pg: Readonly<PgOptions>;
  readonly s3: Readonly<S3StoreOptions>;
}

/** The settings delta-check reads (DESIGN.md "Contracts"), all checked at once. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // A checker only reads: with the stack's read-only role and key when they are set.
  const pg = readPostgresReaderEnv(env);
  const s3 = readS3ReaderEnv(env);
  const problems = [...pg.problems, ...s3.problems];
  if (problems.length > 0) {
    throw new DeltaCheckError(
      'CONFIG_INVALID',
      `configuration: ${problems.join('; ')}. For the native stack: eval "$(pnpm -s stack:env)" (see .env.example)`,
      { context: { problems } },
    );
  }
  return Object.freeze({ pg: Object.freeze(pg.settings), s3: Object.freeze(s3.settings) });
}
