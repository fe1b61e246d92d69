import {
  cliLogger,
  isLogLevel,
  LOG_LEVELS,
  logLevelFromEnv,
  type LogLevel,
  parseFlags,
  writeResult,
} from '@mdp/schemas';
import type { Logger } from 'pino';
import { createPgSource, type PgSource } from './adapters/postgres.js';
import { createS3Store, type S3Store } from './adapters/s3-store.js';
import { compareTable, type TableReport } from './compare/compare-table.js';
import {
  formatReport,
  verdictSummary,
  type CheckReport,
  type TableFailure,
} from './compare/report.js';
import { parseConfig } from './config.js';
import { createDeltaReader } from './delta/table-reader.js';
import { DeltaCheckError, isDeltaCheckError } from './errors.js';

export const EXIT = { equal: 0, different: 1, usage: 2, cannotCheck: 3 } as const;

export const USAGE = `Usage: pnpm delta:check [options]

Reads the Delta tables on MinIO (S3 API) and compares each with its
PostgreSQL table row by row: counts, a hash of every row's canonical values,
keyed by the primary key. Exit 0 only when every table is equal.

Options:
  --tables a,b          tables to check (default: every table of the PostgreSQL schema)
  --schema NAME         PostgreSQL schema (default: public)
  --prefix PATH         lake folder the tables live in (default: silver → silver/<table>)
  --bronze              also replay bronze/<table>_changes (newest LSN per key, deletes
                        applied) and compare it too; counts events stored twice
  --max-differences N   differences listed per table (default: 10)
  --json FILE           also write the full report as JSON; - puts it on stdout
                        alone (the human report then goes to stderr)
  --log-level LEVEL     progress on stderr: info (default, or MDP_LOG_LEVEL), debug, warn, silent
  -h, --help            this help

Settings (environment; eval "$(pnpm -s stack:env)" for the native stack):
  PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD  S3_ENDPOINT S3_ACCESS_KEY S3_SECRET_KEY S3_BUCKET;
  S3_READER_ACCESS_KEY S3_READER_SECRET_KEY (a read-only key) and PG_READER_USER PG_READER_PASSWORD
  (the stack's read-only role), each used instead when both of its names are set

Exit codes: 0 equal · 1 differences found · 2 bad usage · 3 could not check
(service down, bad settings, table missing in PostgreSQL or the lake, unreadable table).`;

export interface MainIo {
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

interface Options {
  tables?: string[];
  schema: string;
  prefix: string;
  bronze: boolean;
  maxDifferences: number;
  json?: string;
  logLevel: LogLevel;
}

/** The delta-check command: returns its exit code (bin/delta-check.ts exits with it). */
export async function main(argv: string[], io: MainIo): Promise<number> {
  let options: Options;
  try {
    const parsed = parseOptions(argv);
    if (parsed === 'help') {
      io.stdout(USAGE);
      return EXIT.equal;
    }
    options = parsed;
  } catch (err) {
    io.stderr(`delta-check: ${(err as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }

  const logger = cliLogger('delta:check', {
    defaultLevel: 'info',
    level: options.logLevel,
    env: io.env,
  });
  let store: S3Store | undefined;
  let pg: PgSource | undefined;
  try {
    const config = parseConfig(io.env);
    store = createS3Store(config.s3);
    pg = createPgSource(config.pg, logger.child({ component: 'postgres' }));
    const report = await check(options, store, pg, logger);
    await keep(pg, report.equal, verdictSummary(report), logger);
    await writeResult(options.json, report, formatReport(report), io);
    if (report.errors.length > 0) return EXIT.cannotCheck;
    return report.equal ? EXIT.equal : EXIT.different;
  } catch (err) {
    if (!isDeltaCheckError(err)) logger.error({ err }, 'delta-check failed');
    const code = isDeltaCheckError(err) ? err.code : 'INTERNAL';
    io.stderr(`delta-check: [${code}] ${(err as Error).message}`);
    if (pg && code !== 'POSTGRES_UNAVAILABLE')
      await keep(pg, false, `could not check: [${code}] ${(err as Error).message}`, logger);
    if (options.json)
      await writeResult(
        options.json,
        { equal: false, error: { code, message: (err as Error).message } },
        '',
        io,
      ).catch(() => undefined);
    return EXIT.cannotCheck;
  } finally {
    store?.close();
    await pg?.close().catch(() => undefined);
    logger.flush();
  }
}

/** Each verdict is kept for pipeline:status and the console; failing to keep it only warns. */
async function keep(pg: PgSource, ok: boolean, summary: string, logger: Logger): Promise<void> {
  const verdict = {
    checker: 'delta:check',
    ok,
    summary,
    finishedAt: new Date().toISOString(),
  } as const;
  await pg
    .keepVerdict(verdict)
    .catch((err: unknown) =>
      logger.warn(
        { err },
        `the verdict could not be kept in PostgreSQL for pnpm pipeline:status (${(err as Error).message})`,
      ),
    );
}

async function check(
  options: Options,
  store: S3Store,
  pg: PgSource,
  logger: Logger,
): Promise<CheckReport> {
  const all = await pg.listTables(options.schema);
  // Reach MinIO once up front, so a stopped MinIO or a missing bucket is one clear error.
  await store.list(`${options.prefix}/`)[Symbol.asyncIterator]().next();
  const tables = options.tables ?? all;
  if (tables.length === 0) {
    throw new DeltaCheckError(
      'PG_TABLE_NOT_FOUND',
      `PostgreSQL schema "${options.schema}" has no tables to check: load data first (pnpm sim:load) or name them with --tables`,
    );
  }
  const reader = createDeltaReader({ store, logger: logger.child({ component: 'delta' }) });
  const reports: TableReport[] = [];
  const errors: TableFailure[] = [];
  const targets = tables.flatMap((table) => [
    { table, lakePath: `${options.prefix}/${table}`, bronze: false },
    ...(options.bronze ? [{ table, lakePath: `bronze/${table}_changes`, bronze: true }] : []),
  ]);
  for (const { table, lakePath, bronze } of targets) {
    try {
      if (!all.includes(table)) {
        throw new DeltaCheckError(
          'PG_TABLE_NOT_FOUND',
          `PostgreSQL has no table ${options.schema}.${table}`,
          {
            context: { table },
          },
        );
      }
      const report = await compareTable({
        pg,
        reader,
        logger,
        pgSchema: options.schema,
        table,
        lakePath,
        maxDifferences: options.maxDifferences,
        bronze,
      });
      logger.info(
        {
          table,
          lakePath,
          equal: report.equal,
          rows: report.postgresRows,
          seconds: report.seconds,
        },
        'table checked',
      );
      reports.push(report);
    } catch (err) {
      if (
        !isDeltaCheckError(err) ||
        err.code === 'MINIO_UNAVAILABLE' ||
        err.code === 'POSTGRES_UNAVAILABLE'
      )
        throw err;
      const message =
        err.code === 'LAKE_TABLE_NOT_FOUND'
          ? `${err.message}. The Spark job may not have run yet, or not have seen a change of this table: see pnpm stack:logs spark`
          : err.message;
      errors.push({ table, lakePath, code: err.code, message });
    }
  }
  return {
    equal: errors.length === 0 && reports.every((r) => r.equal),
    checkedAt: new Date().toISOString(),
    location: store.location,
    tables: reports,
    errors,
  };
}

function parseOptions(argv: string[]): Options | 'help' {
  const { values, positionals } = parseFlags(
    argv,
    {
      tables: { type: 'string', multiple: true },
      schema: { type: 'string', default: 'public' },
      prefix: { type: 'string', default: 'silver' },
      bronze: { type: 'boolean', default: false },
      'max-differences': { type: 'string', default: '10' },
      json: { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    (message) => new Error(message),
    true,
  );
  if (values.help) return 'help';
  if (positionals.length > 0)
    throw new Error(`unexpected argument "${positionals[0]}" (tables go in --tables a,b)`);
  const maxDifferences = Number(values['max-differences']);
  if (!Number.isInteger(maxDifferences) || maxDifferences < 0) {
    throw new Error(`--max-differences must be a whole number, got "${values['max-differences']}"`);
  }
  const logLevel = values['log-level'] ?? logLevelFromEnv(process.env, 'info');
  if (!isLogLevel(logLevel)) throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const tables = values.tables
    ?.flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter(Boolean);
  if (values.tables && tables?.length === 0)
    throw new Error('--tables needs at least one table name');
  return {
    tables,
    schema: values.schema,
    prefix: values.prefix.replace(/\/+$/, ''),
    bronze: values.bronze,
    maxDifferences,
    json: values.json,
    logLevel,
  };
}
