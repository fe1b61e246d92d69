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

/** What a CLI says when the stack's settings are missing from its environment. */
export const STACK_ENV_HINT =
  'start the stack with `pnpm stack:up` and run eval "$(pnpm -s stack:env)"';

/** A PostgreSQL client's settings, from the `PG*` names libpq reads too. */
export interface PostgresSettings {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** Unset: PostgreSQL's own rules decide (trust, a `.pgpass`). */
  readonly password: string | undefined;
}

/**
 * `PG*` → a client's settings, with every problem at once (a name not set, a port
 * that is not one); each CLI reports the problems its own way.
 */
export function readPostgresEnv(env: Record<string, string | undefined>): {
  settings: PostgresSettings;
  problems: string[];
} {
  const problems = (['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER'] as const)
    .filter((name) => !env[name])
    .map((name) => `${name} is not set`);
  const port = Number(env['PGPORT']);
  if (env['PGPORT'] && !(Number.isInteger(port) && port > 0 && port < 65536))
    problems.push(`PGPORT="${env['PGPORT']}" is not a port`);
  const settings = {
    host: env['PGHOST'] ?? '',
    port,
    database: env['PGDATABASE'] ?? '',
    user: env['PGUSER'] ?? '',
    password: env['PGPASSWORD'],
  };
  return { settings, problems };
}

/**
 * `PG*` → the settings of a client that only reads (and records its verdict): the
 * stack's checkers' role (`PG_READER_USER`, `PG_READER_PASSWORD`) when it is set, the
 * admin's (`PGUSER`, `PGPASSWORD`) otherwise; like {@link readPostgresEnv}.
 */
export function readPostgresReaderEnv(env: Record<string, string | undefined>): {
  settings: PostgresSettings;
  problems: string[];
} {
  return readPostgresEnv(asRole(env, 'PG_READER'));
}

/**
 * `PG*` → the settings of the loader and the simulator: the stack's writers' role
 * (`PG_WRITER_USER`, `PG_WRITER_PASSWORD`: the business tables and its own schemas,
 * nothing of the stack's) when it is set, the admin's otherwise.
 */
export function readPostgresWriterEnv(env: Record<string, string | undefined>): {
  settings: PostgresSettings;
  problems: string[];
} {
  return readPostgresEnv(asRole(env, 'PG_WRITER'));
}

/** `env` with PGUSER/PGPASSWORD replaced by `<prefix>_USER`/`<prefix>_PASSWORD` when both are set. */
function asRole(
  env: Record<string, string | undefined>,
  prefix: string,
): Record<string, string | undefined> {
  const user = env[`${prefix}_USER`];
  const password = env[`${prefix}_PASSWORD`];
  return user && password ? { ...env, PGUSER: user, PGPASSWORD: password } : env;
}

/** An S3 client's settings (MinIO's API, the lake's bucket). */
export interface S3Settings {
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly bucket: string;
}

/**
 * `S3_*` → the settings of a client that only reads the lake: the stack's
 * read-only key (`S3_READER_*`) when it is set, the writer's otherwise; with
 * every problem at once, like {@link readPostgresEnv}.
 */
export function readS3ReaderEnv(env: Record<string, string | undefined>): {
  settings: S3Settings;
  problems: string[];
} {
  const problems = ENV.s3.filter((name) => !env[name]).map((name) => `${name} is not set`);
  if (env['S3_ENDPOINT'] && !/^https?:\/\/[^/]+/.test(env['S3_ENDPOINT']))
    problems.push(`S3_ENDPOINT="${env['S3_ENDPOINT']}" is not an http(s) URL`);
  const reader = Boolean(env['S3_READER_ACCESS_KEY'] && env['S3_READER_SECRET_KEY']);
  const settings = {
    endpoint: env['S3_ENDPOINT'] ?? '',
    accessKey: env[reader ? 'S3_READER_ACCESS_KEY' : 'S3_ACCESS_KEY'] ?? '',
    secretKey: env[reader ? 'S3_READER_SECRET_KEY' : 'S3_SECRET_KEY'] ?? '',
    bucket: env['S3_BUCKET'] ?? '',
  };
  return { settings, problems };
}
