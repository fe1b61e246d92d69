/**
 * The general CSV loader: every CSV becomes a table named after its file.
 * Pass 1 scans each file (types, nullability, key candidates); pass 2 runs in
 * ONE transaction: per table (referenced first) create it, COPY the file and
 * add the primary key (the first candidate PostgreSQL finds unique, or a
 * generated `row_id`); then foreign keys, REPLICA IDENTITY FULL, ANALYZE,
 * commit. Any failure rolls everything back, so no table is ever left
 * half-loaded.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { createCopyEncoder } from './encode.js';
import { LoadError, formatLocation, quoteValue } from './errors.js';
import { generatedKeyName, planTables } from './plan.js';
import type { RejectedKey, TablePlan } from './plan.js';
import { locateFields } from './layout.js';
import { csvParserOptions, mapParseError, readCsvBatches } from './read.js';
import { namedKeyCandidates, scanFile, tableNameOf } from './scan.js';
import type { ScannedTable } from './scan.js';
import { parseColumnType, sqlType } from './types.js';
import type { ColumnType } from './types.js';

/** Passes bytes through, reporting an estimate of rows done (rows × bytes read / file size). */
function createByteProgress(plan: TablePlan, report: (rows: number) => void): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      bytes += chunk.length;
      report(
        plan.bytes > 0
          ? Math.min(plan.rows, Math.round((plan.rows * bytes) / plan.bytes))
          : plan.rows,
      );
      callback(null, chunk);
    },
  });
}

/** Declared column types: `{ "orders": { "quantity": "integer" } }`. */
export type TypeDeclarations = Record<string, Record<string, string>>;

export type LoadProgress =
  | { phase: 'scan'; file: string; rows: number; bytes: number; totalBytes: number }
  | { phase: 'copy'; file: string; table: string; rows: number; totalRows: number };

export interface LoadOptions {
  /** CSV files to load (absolute paths); see {@link listCsvFiles}. */
  files: string[];
  /** PostgreSQL schema of the tables (created if missing). Default `public`. */
  schema?: string;
  /** Drop and recreate tables that already exist (in the same transaction). */
  replace?: boolean;
  types?: TypeDeclarations;
  /**
   * How rows reach COPY. `auto` (default): a file PostgreSQL's CSV parser
   * reads exactly as csv-parse did (one line-ending style, no blank lines)
   * is streamed as raw bytes with FORMAT csv; other files are parsed and
   * re-encoded as COPY text. `parse`: always parse and re-encode.
   */
  copy?: 'auto' | 'parse';
  /** Memory for proving key candidates unique while scanning; past it PostgreSQL decides. */
  uniquenessBudgetBytes?: number;
  onProgress?: (progress: LoadProgress) => void;
}

export interface TableReport {
  table: string;
  file: string;
  rows: number;
  /** `raw` when the file's bytes went to COPY as they are, `parsed` when re-encoded. */
  copyPath: 'raw' | 'parsed';
  scanSeconds: number;
  copySeconds: number;
  primaryKey: string;
  /** Set when no column of the file is a key: the generated key column (`row_id`). */
  generatedKey: string | undefined;
  /** Named key columns (`id`, `<singular>_id`) that are not a key, and why. */
  rejectedKeys: RejectedKey[];
  foreignKeys: { column: string; references: string }[];
  columns: { name: string; type: string; nullable: boolean }[];
}

export interface Loader {
  /** Pass 1 only: what would be created (no database access). */
  plan(
    options: Pick<LoadOptions, 'files' | 'types' | 'onProgress' | 'uniquenessBudgetBytes'>,
  ): Promise<TablePlan[]>;
  load(options: LoadOptions): Promise<TableReport[]>;
}

/** The `*.csv` files of a folder, sorted by name. */
export async function listCsvFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new LoadError(
      'FILE_NOT_FOUND',
      `${dir}: no such folder. Pass --dir with a folder of CSV files.`,
      {
        location: { file: dir },
        cause: err,
      },
    );
  }
  const files = names.filter((name) => name.toLowerCase().endsWith('.csv')).sort();
  if (files.length === 0) {
    throw new LoadError('NO_CSV_FILES', `${dir}: the folder holds no *.csv file.`, {
      location: { file: dir },
    });
  }
  return files.map((name) => join(dir, name));
}

function parseDeclarations(
  types: TypeDeclarations,
  tables: string[],
): Map<string, Record<string, ColumnType>> {
  const declared = new Map<string, Record<string, ColumnType>>();
  for (const [table, columns] of Object.entries(types)) {
    if (!tables.includes(table)) {
      throw new LoadError(
        'BAD_TYPE_OVERRIDE',
        `types are declared for table "${table}", but no file makes that table (tables: ${tables.join(', ')}).`,
        { table },
      );
    }
    const parsed: Record<string, ColumnType> = {};
    for (const [column, text] of Object.entries(columns)) {
      const type = parseColumnType(text);
      if (type === undefined) {
        throw new LoadError(
          'BAD_TYPE_OVERRIDE',
          `${table}.${column}: unknown type ${quoteValue(text)}. Use smallint, integer, bigint, numeric(p,s), ` +
            'boolean, date, timestamptz, timestamp, uuid or text.',
          { table },
        );
      }
      parsed[column] = type;
    }
    declared.set(table, parsed);
  }
  return declared;
}

async function checkFiles(files: string[]): Promise<void> {
  for (const path of files) {
    const info = await stat(path).catch((err: unknown) => {
      throw new LoadError('FILE_NOT_FOUND', `${path}: no such file.`, {
        location: { file: path },
        cause: err,
      });
    });
    if (!info.isFile())
      throw new LoadError('FILE_NOT_FOUND', `${path}: not a file.`, { location: { file: path } });
  }
  const seen = new Map<string, string>();
  for (const path of files) {
    const table = tableNameOf(path);
    const other = seen.get(table);
    if (other !== undefined) {
      throw new LoadError(
        'DUPLICATE_TABLE',
        `${other} and ${path} both make table "${table}". Rename one.`,
        {
          table,
        },
      );
    }
    seen.set(table, path);
  }
}

/** The lines of the first records (after the header) matching `match`, at field `column`. */
async function findRows(
  plan: TablePlan,
  column: number,
  match: (fields: string[], index: number) => boolean,
  limit: number,
): Promise<number[]> {
  const { path, blankLinesAreRows } = plan;
  const records: number[] = [];
  let index = -1;
  search: for await (const batch of readCsvBatches(path, { validate: false, blankLinesAreRows })) {
    for (const fields of batch) {
      if (index >= 0 && match(fields, index)) {
        records.push(index + 1);
        if (records.length >= limit) break search;
      }
      index++;
    }
  }
  const lines = await locateFields(
    path,
    records.map((record) => ({ record, field: column })),
    blankLinesAreRows,
  );
  return lines.filter((line): line is number => line !== undefined);
}

interface PgError extends Error {
  code?: string;
  detail?: string;
  where?: string;
  table?: string;
}

function isPgError(err: unknown): err is PgError {
  return err instanceof Error && typeof (err as PgError).code === 'string';
}

export function createLoader(deps: { client: pg.ClientBase; logger?: Logger }): Loader {
  const { client } = deps;
  const log = deps.logger ?? pino({ level: 'silent' });

  async function scanAll(
    options: Pick<LoadOptions, 'files' | 'types' | 'onProgress' | 'uniquenessBudgetBytes'>,
  ): Promise<{ scans: ScannedTable[]; plans: TablePlan[]; seconds: Map<string, number> }> {
    await checkFiles(options.files);
    const declared = parseDeclarations(options.types ?? {}, options.files.map(tableNameOf));
    const scans: ScannedTable[] = [];
    const seconds = new Map<string, number>();
    for (const path of options.files) {
      const started = performance.now();
      const scan = await scanFile(path, {
        declared: declared.get(tableNameOf(path)),
        uniquenessBudgetBytes: options.uniquenessBudgetBytes,
        onProgress: (p) => options.onProgress?.({ phase: 'scan', ...p }),
      });
      seconds.set(scan.table, (performance.now() - started) / 1000);
      log.debug({ file: scan.file, rows: scan.rows }, 'scanned');
      scans.push(scan);
    }
    return { scans, plans: planTables(scans), seconds };
  }

  async function load(options: LoadOptions): Promise<TableReport[]> {
    const { plans, seconds } = await scanAll(options);
    const schema = options.schema ?? 'public';
    const q = (name: string) => client.escapeIdentifier(name);
    const qualified = (table: string) => `${q(schema)}.${q(table)}`;
    const copySeconds = new Map<string, number>();

    await client.query('BEGIN');
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`);
      const names = plans.map((p) => p.table);
      const existing = await client.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name = ANY($2) ORDER BY 1',
        [schema, names],
      );
      if (existing.rows.length > 0) {
        const list = existing.rows.map((r) => `${schema}.${r.table_name}`);
        if (options.replace !== true) {
          throw new LoadError(
            'TABLES_EXIST',
            `table(s) ${list.join(', ')} already exist; nothing was changed. ` +
              'Run again with --replace to drop and reload them (in one transaction), or drop them yourself.',
            { table: list[0] },
          );
        }
        log.info({ tables: list }, 'replacing existing tables');
        // Rows go out as deletes first: a change-data-capture stream sees nothing of a
        // DROP, so without them every consumer would keep the old rows. One statement,
        // so that references between the replaced tables are checked after all of it.
        await client.query(
          existing.rows
            .map(
              (r, i) =>
                `${i === 0 ? 'WITH' : ','} d${i} AS (DELETE FROM ${qualified(r.table_name)})`,
            )
            .join(' ') + ' SELECT 1',
        );
        await client.query(
          `DROP TABLE ${existing.rows.map((r) => qualified(r.table_name)).join(', ')} CASCADE`,
        );
      }
      const createAndCopy = async (plan: TablePlan) => {
        const columns = plan.columns.map(
          (c) => `${q(c.name)} ${sqlType(c.type)}${c.nullable ? '' : ' NOT NULL'}`,
        );
        if (plan.generatedKey !== undefined)
          columns.unshift(`${q(plan.generatedKey)} bigint GENERATED BY DEFAULT AS IDENTITY`);
        await client.query(`CREATE TABLE ${qualified(plan.table)} (${columns.join(', ')})`);
        const started = performance.now();
        await copyTable(plan, qualified(plan.table), options);
        copySeconds.set(plan.table, (performance.now() - started) / 1000);
        log.debug({ table: plan.table, rows: plan.rows }, 'copied');
      };
      for (const plan of plans) {
        await client.query('SAVEPOINT mdp_table');
        await createAndCopy(plan);
        if (!(await addPrimaryKey(plan, qualified(plan.table)))) {
          // No candidate held (past the scan's memory budget only PostgreSQL could tell):
          // the table again, numbered in file order. Its first rows were never committed,
          // so no change-data-capture consumer ever sees them.
          await client.query('ROLLBACK TO SAVEPOINT mdp_table');
          plan.generatedKey = generatedKeyName(plan.columns.map((c) => c.name));
          plan.primaryKey = plan.generatedKey;
          await createAndCopy(plan);
          await addPrimaryKey(plan, qualified(plan.table));
        }
        log.info(
          { table: plan.table, primaryKey: plan.primaryKey, rejected: plan.rejectedKeys },
          'primary key',
        );
      }
      for (const plan of plans) {
        // A reference names another table's key only if that key is the column it was planned on.
        plan.foreignKeys = plan.foreignKeys.filter((fk) => {
          const target = plans.find((p) => p.table === fk.refTable);
          return target?.generatedKey === undefined && target?.primaryKey === fk.refColumn;
        });
        for (const fk of plan.foreignKeys) {
          await client
            .query(
              `ALTER TABLE ${qualified(plan.table)} ADD FOREIGN KEY (${q(fk.column)}) ` +
                `REFERENCES ${qualified(fk.refTable)} (${q(fk.refColumn)})`,
            )
            .catch((err: unknown) => rethrowKeyError(err, plan, plans));
        }
        await client.query(`ALTER TABLE ${qualified(plan.table)} REPLICA IDENTITY FULL`);
        await client.query(`ANALYZE ${qualified(plan.table)}`);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw toLoadError(err, plans);
    }

    return plans.map((plan) => ({
      table: plan.table,
      file: plan.file,
      rows: plan.rows,
      copyPath: rawCopy(plan, options) ? ('raw' as const) : ('parsed' as const),
      scanSeconds: seconds.get(plan.table) ?? 0,
      copySeconds: copySeconds.get(plan.table) ?? 0,
      primaryKey: plan.primaryKey,
      generatedKey: plan.generatedKey,
      rejectedKeys: plan.rejectedKeys,
      foreignKeys: plan.foreignKeys.map((fk) => ({
        column: fk.column,
        references: `${fk.refTable}.${fk.refColumn}`,
      })),
      columns: [
        ...(plan.generatedKey === undefined
          ? []
          : [{ name: plan.generatedKey, type: 'bigint', nullable: false }]),
        ...plan.columns.map((c) => ({
          name: c.name,
          type: sqlType(c.type),
          nullable: c.nullable,
        })),
      ],
    }));
  }

  /**
   * The first key candidate PostgreSQL finds unique becomes the primary key (each try in a
   * savepoint; a named one that fails is recorded with the repeated value and its lines).
   * False when none is left.
   */
  async function addPrimaryKey(plan: TablePlan, target: string): Promise<boolean> {
    const add = (column: string) =>
      client.query(`ALTER TABLE ${target} ADD PRIMARY KEY (${client.escapeIdentifier(column)})`);
    if (plan.generatedKey !== undefined) {
      await add(plan.generatedKey);
      return true;
    }
    for (const column of plan.keyCandidates) {
      await client.query('SAVEPOINT mdp_key');
      try {
        await add(column);
        await client.query('RELEASE SAVEPOINT mdp_key');
        plan.primaryKey = column;
        return true;
      } catch (err) {
        if (!isPgError(err) || err.code !== '23505') throw err;
        await client.query('ROLLBACK TO SAVEPOINT mdp_key');
        if (namedKeyCandidates(plan.table).includes(column)) {
          const { value, lines } = await keyViolation(err, plan);
          const where = lines.map((line) => formatLocation({ file: plan.file, line })).join(', ');
          plan.rejectedKeys.push({
            column,
            reason: `value ${quoteValue(value)} repeats at ${where}`,
          });
        }
      }
    }
    return false;
  }

  function rawCopy(plan: TablePlan, options: LoadOptions): boolean {
    return plan.rawCopySafe && options.copy !== 'parse';
  }

  async function copyTable(plan: TablePlan, target: string, options: LoadOptions): Promise<void> {
    const columns = plan.columns.map((c) => client.escapeIdentifier(c.name)).join(', ');
    const report = (rows: number) =>
      options.onProgress?.({
        phase: 'copy',
        file: plan.file,
        table: plan.table,
        rows,
        totalRows: plan.rows,
      });
    const raw = rawCopy(plan, options);
    try {
      if (raw) {
        // Values were all checked in pass 1; FORCE_NULL makes "" NULL as csv-parse's empty value was.
        const sql = `COPY ${target} (${columns}) FROM STDIN WITH (FORMAT csv, HEADER true, FORCE_NULL (${columns}))`;
        await pipeline(
          createReadStream(plan.path),
          createByteProgress(plan, report),
          client.query(copyFrom(sql)),
        );
      } else {
        const copy = client.query(copyFrom(`COPY ${target} (${columns}) FROM STDIN`));
        await pipeline(
          createReadStream(plan.path),
          parse(csvParserOptions(plan.blankLinesAreRows)),
          createCopyEncoder(plan.columns, report),
          copy,
        );
      }
    } catch (err) {
      if (isPgError(err)) throw await locateCopyError(err, plan, raw ? 2 : 1);
      throw mapParseError(err, plan.path);
    }
  }

  /** A row PostgreSQL refused during COPY: find its file line from COPY's `line N` (the Nth data row). */
  async function locateCopyError(
    err: PgError,
    plan: TablePlan,
    firstDataLine: number,
  ): Promise<unknown> {
    const match = /line (\d+)(?:, column ([^:]+))?/.exec(err.where ?? '');
    if (!match) return err;
    const row = Number(match[1]) - firstDataLine;
    const columnIndex = Math.max(
      0,
      plan.columns.findIndex((c) => c.name === match[2]),
    );
    let value: string | undefined;
    const [line] = await findRows(
      plan,
      columnIndex,
      (fields, index) => {
        if (index !== row) return false;
        value = fields[columnIndex];
        return true;
      },
      1,
    );
    const location = {
      file: plan.file,
      line,
      column: columnIndex + 1,
      columnName: plan.columns[columnIndex]?.name,
      value,
    };
    return new LoadError(
      'TYPE_MISMATCH',
      `${formatLocation(location)}: PostgreSQL refused value ${quoteValue(value ?? '')} (${err.message}).`,
      { location, table: plan.table, cause: err },
    );
  }

  /** The column and value of a unique or foreign key violation, and its first lines in the file. */
  async function keyViolation(err: PgError, plan: TablePlan) {
    const detail =
      /^Key \((.+?)\)=\((.*)\) (?:is duplicated|is not present in table "(.+)")\.$/s.exec(
        err.detail ?? '',
      );
    if (!detail) throw err;
    const [, column = '', value = '', refTable] = detail;
    const columnIndex = plan.columns.findIndex((c) => c.name === column);
    const lines = await findRows(plan, columnIndex, (fields) => fields[columnIndex] === value, 2);
    return { column, columnIndex, value, refTable, lines };
  }

  async function rethrowKeyError(
    err: unknown,
    plan: TablePlan,
    plans: TablePlan[],
  ): Promise<never> {
    if (!isPgError(err) || err.code !== '23503') throw err;
    const { column, columnIndex, value, refTable, lines } = await keyViolation(err, plan);
    const ref = plans.find((p) => p.table === refTable);
    const fk = plan.foreignKeys.find((f) => f.column === column);
    const at = {
      file: plan.file,
      line: lines[0],
      column: columnIndex + 1,
      columnName: column,
      value,
    };
    throw new LoadError(
      'MISSING_REFERENCE',
      `${formatLocation(at)}: ${column}=${quoteValue(value)} references ${refTable}.${fk?.refColumn ?? 'id'}, ` +
        `but ${ref?.file ?? refTable} has no such row. Add that row or fix the reference.`,
      { location: at, table: plan.table, cause: err },
    );
  }

  function toLoadError(err: unknown, plans: TablePlan[]): unknown {
    if (err instanceof LoadError) return err;
    if (isPgError(err)) {
      if (err.code === '42P07') {
        return new LoadError(
          'TABLES_EXIST',
          `${err.message}; nothing was changed. Run again with --replace.`,
          {
            cause: err,
          },
        );
      }
      const connection = ['08000', '08003', '08006', '57P01', '40001', '40P01'].includes(
        err.code ?? '',
      );
      return new LoadError(
        'DATABASE',
        `PostgreSQL failed while loading ${plans.map((p) => p.table).join(', ')}: ${err.message}; nothing was changed.`,
        { cause: err, retriable: connection },
      );
    }
    return err;
  }

  return {
    plan: async (options) => (await scanAll(options)).plans,
    load,
  };
}
