import { recordVerdict, type Verdict } from '@mdp/schemas';
import pg from 'pg';
import type { Logger } from 'pino';
import { DeltaCheckError, ServiceUnavailableError } from '../errors.js';

export interface PgOptions {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string | undefined;
}

export interface PgColumn {
  name: string;
  /** `pg_type.typname`, e.g. `numeric`, `timestamptz` (the element type's `_name` for arrays). */
  typname: string;
  /** `format_type()`, e.g. `numeric(12,2)`, for reports. */
  type: string;
}

export interface PgTable {
  schema: string;
  name: string;
  columns: PgColumn[];
  primaryKey: string[];
}

export interface PgSource {
  /** Ordinary and partitioned tables of a schema, by name. */
  listTables(schema: string): Promise<string[]>;
  describe(schema: string, table: string): Promise<PgTable>;
  /** Each row as texts (one per expression), read in one consistent snapshot. */
  query(sql: string): Promise<(string | null)[][]>;
  /** Keeps a verdict as delta:check's last (cdc.verdicts), for pipeline:status and the console. */
  keepVerdict(verdict: Verdict): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL through a small pool; every value comes back as PostgreSQL's own text. */
export function createPgSource(options: PgOptions, logger: Logger): PgSource {
  const where = `PostgreSQL at ${options.host}:${options.port}/${options.database}`;
  const pool = new pg.Pool({
    ...options,
    max: 2,
    connectionTimeoutMillis: 10_000,
    // No parsing: the comparison canonicalises PostgreSQL's text itself.
    types: { getTypeParser: () => (value: string) => value },
  });
  pool.on('error', (err) => logger.warn({ err }, 'idle PostgreSQL client error'));

  async function run<T extends pg.QueryResultRow>(
    sql: string,
    params: unknown[] = [],
  ): Promise<pg.QueryResult<T>> {
    try {
      return await pool.query<T>(sql, params);
    } catch (err) {
      throw wrap(err, sql);
    }
  }

  async function runArrays(sql: string): Promise<(string | null)[][]> {
    try {
      const res = await pool.query<(string | null)[]>({
        text: sql,
        rowMode: 'array',
      } as pg.QueryArrayConfig);
      return res.rows;
    } catch (err) {
      throw wrap(err, sql);
    }
  }

  function wrap(err: unknown, sql: string): Error {
    const code = (err as { code?: string } | null)?.code;
    if (
      code === undefined ||
      !/^[0-9A-Z]{5}$/.test(code) ||
      code.startsWith('08') ||
      code === '57P03' ||
      code === '28P01' ||
      code === '3D000'
    ) {
      const reason = err instanceof Error ? err.message || code || err.name : String(err);
      return new ServiceUnavailableError(
        'postgres',
        `${where} is not usable (${reason}). Is the stack up? See pnpm stack:status and pnpm stack:logs postgres`,
        { cause: err, context: { host: options.host, port: options.port, code } },
      );
    }
    return new DeltaCheckError(
      'POSTGRES_QUERY_FAILED',
      `${where}: query failed (${code}): ${(err as Error).message}\n  ${sql}`,
      {
        cause: err,
        context: { sqlstate: code },
      },
    );
  }

  return {
    async listTables(schema) {
      const res = await run<{ relname: string }>(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname`,
        [schema],
      );
      return res.rows.map((r) => r.relname);
    },
    async describe(schema, table) {
      const rel = await run<{ oid: string }>(
        `SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm')`,
        [schema, table],
      );
      const oid = rel.rows[0]?.oid;
      if (oid === undefined) {
        throw new DeltaCheckError('PG_TABLE_NOT_FOUND', `${where}: no table ${schema}.${table}`, {
          context: { schema, table },
        });
      }
      const cols = await run<{ attname: string; typname: string; type: string }>(
        `SELECT a.attname, t.typname, format_type(a.atttypid, a.atttypmod) AS type
           FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
          WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
        [oid],
      );
      const pk = await run<{ attname: string }>(
        `SELECT a.attname FROM pg_index i
           CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
          WHERE i.indrelid = $1 AND i.indisprimary ORDER BY k.ord`,
        [oid],
      );
      return {
        schema,
        name: table,
        columns: cols.rows.map((c) => ({ name: c.attname, typname: c.typname, type: c.type })),
        primaryKey: pk.rows.map((r) => r.attname),
      };
    },
    async keepVerdict(verdict) {
      await recordVerdict({ query: run }, verdict);
    },
    async query(sql) {
      return runArrays(sql);
    },
    async close() {
      await pool.end();
    },
  };
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
