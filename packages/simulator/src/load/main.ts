/**
 * Composition root of `sim:load`: flags and environment → logger → pg client
 * → loader; progress on a terminal; per-file rates at the end. The only
 * loader module that reads the environment or decides the exit code.
 */
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cliLogger,
  parseFlags,
  readPostgresWriterEnv,
  STACK_ENV_HINT,
  userPath,
} from '@mdp/schemas';
import pg from 'pg';
import { LoadError } from './errors.js';
import { createLoader, listCsvFiles } from './loader.js';
import type { LoadProgress, TableReport, TypeDeclarations } from './loader.js';

const LOAD_USAGE = `Usage: pnpm sim:load [--dir DIR | FILE.csv ...] [--replace] [--schema NAME] [--types FILE.json]

Loads every CSV of a folder (default: the repository's data/) into PostgreSQL,
one table per file, named after the file. Column names come from the header
(snake_case), types and nullability from all the values. The primary key is
"id" or "<singular>_id" when its values are unique and never empty (else the
summary says why not), or the first unique column, or a generated "row_id"
numbered in file order. "<singular>_id" columns become foreign keys to the
table of that name. In a one-column file a blank line is a row (NULL).
Everything happens in one transaction: on any error nothing is left behind.

Options:
  --dir DIR          folder of *.csv files (default: <repo>/data)
  FILE.csv ...       load just these files instead of a folder
  --replace          drop and recreate tables that already exist (same transaction)
  --schema NAME      PostgreSQL schema for the tables (default: public)
  --types FILE.json  declared column types, e.g. {"orders": {"quantity": "integer"}};
                     a value that does not fit is reported as file:line:column
  -h, --help         this help

Connection: PGHOST PGPORT PGDATABASE with PG_WRITER_USER PG_WRITER_PASSWORD (the stack's
writers' role; else PGUSER PGPASSWORD) (eval "$(pnpm -s stack:env)").
Exit codes: 0 loaded, 1 load error (code and location printed), 2 bad usage.`;

const DEFAULT_DIR = fileURLToPath(new URL('../../../../data/', import.meta.url));

function parseLoadArgs(argv: readonly string[]) {
  const { values, positionals } = parseFlags(
    argv,
    {
      dir: { type: 'string' },
      replace: { type: 'boolean', default: false },
      schema: { type: 'string', default: 'public' },
      types: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    (message) => new Error(message),
    true,
  );
  if (values.dir !== undefined && positionals.length > 0) {
    throw new Error('give either --dir or CSV files, not both');
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(values.schema))
    throw new Error(`--schema ${values.schema}: use a plain name`);
  return { ...values, files: positionals };
}

function formatRate(rows: number, seconds: number): string {
  return seconds > 0 ? Math.round(rows / seconds).toLocaleString('en-US') : '-';
}

function progressLine(p: LoadProgress): string {
  if (p.phase === 'scan') {
    const pct = p.totalBytes > 0 ? Math.floor((100 * p.bytes) / p.totalBytes) : 100;
    return `scanning ${p.file}: ${p.rows.toLocaleString('en-US')} rows (${pct}%)`;
  }
  const pct = p.totalRows > 0 ? Math.floor((100 * p.rows) / p.totalRows) : 100;
  return `copying ${p.file} → ${p.table}: ${p.rows.toLocaleString('en-US')}/${p.totalRows.toLocaleString('en-US')} rows (${pct}%)`;
}

function summaryText(reports: TableReport[], schema: string): string {
  const lines = reports.map((r) => {
    const seconds = r.scanSeconds + r.copySeconds;
    return (
      `${r.file} → ${schema}.${r.table}: ${r.rows.toLocaleString('en-US')} rows, ` +
      `COPY (${r.copyPath}) ${r.copySeconds.toFixed(2)} s (${formatRate(r.rows, r.copySeconds)} rows/s), ` +
      `scan+COPY ${formatRate(r.rows, seconds)} rows/s; key ${r.primaryKey}` +
      (r.generatedKey === undefined ? '' : ' (generated, numbered in file order)') +
      r.foreignKeys.map((fk) => `, ${fk.column} → ${fk.references}`).join('') +
      r.rejectedKeys.map((k) => `\n  "${k.column}" is not a key: ${k.reason}`).join('')
    );
  });
  return lines.join('\n') + '\n';
}

export async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseLoadArgs(argv);
  } catch (err) {
    process.stderr.write(`sim:load: ${(err as Error).message}\n${LOAD_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${LOAD_USAGE}\n`);
    return 0;
  }
  const env = process.env;
  const postgres = readPostgresWriterEnv(env);
  if (postgres.problems.length > 0) {
    process.stderr.write(`sim:load: ${postgres.problems.join('; ')}; ${STACK_ENV_HINT}\n`);
    return 2;
  }
  const fromUser = (path: string) => userPath(path, env);
  const logger = cliLogger('sim:load', {
    defaultLevel: 'warn',
    base: { component: 'sim-load' },
    env,
  });
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  const onProgress = (p: LoadProgress) => {
    const now = performance.now();
    if (now - lastDraw < 100) return;
    lastDraw = now;
    process.stderr.write(`\r${progressLine(p)}\x1b[K`);
  };

  const client = new pg.Client({ ...postgres.settings, application_name: 'sim-load' });
  client.on('error', (err) => logger.error({ err }, 'PostgreSQL connection error'));
  try {
    const files =
      args.files.length > 0
        ? args.files.map(fromUser)
        : await listCsvFiles(args.dir ? fromUser(args.dir) : DEFAULT_DIR);
    let types: TypeDeclarations | undefined;
    if (args.types !== undefined) types = await readTypes(fromUser(args.types));
    await client.connect();
    const loader = createLoader({ client, logger });
    const reports = await loader.load({
      files,
      schema: args.schema,
      replace: args.replace,
      types,
      onProgress: tty ? onProgress : undefined,
    });
    if (tty) process.stderr.write('\r\x1b[K');
    process.stdout.write(summaryText(reports, args.schema));
    return 0;
  } catch (err) {
    if (tty) process.stderr.write('\r\x1b[K');
    const code = err instanceof LoadError ? err.code : 'UNEXPECTED';
    const message = err instanceof Error ? err.message : String(err);
    logger.debug({ err, code }, 'load failed');
    // Paths in the message as the user gave them: relative to where pnpm was called.
    process.stderr.write(`sim:load: ${code}: ${message.replaceAll(`${fromUser('.')}/`, '')}\n`);
    return 1;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function readTypes(path: string): Promise<TypeDeclarations> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new LoadError('FILE_NOT_FOUND', `${path}: no such types file.`, {
      location: { file: path },
      cause: err,
    });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    const ok =
      typeof parsed === 'object' &&
      parsed !== null &&
      Object.values(parsed as Record<string, unknown>).every(
        (cols) =>
          typeof cols === 'object' &&
          cols !== null &&
          Object.values(cols as Record<string, unknown>).every((t) => typeof t === 'string'),
      );
    if (!ok) throw new Error('expected {"table": {"column": "type"}}');
    return parsed as TypeDeclarations;
  } catch (err) {
    throw new LoadError(
      'BAD_TYPE_OVERRIDE',
      `${relative(process.cwd(), path)}: not a types file (${(err as Error).message}).`,
      { location: { file: path }, cause: err },
    );
  }
}
