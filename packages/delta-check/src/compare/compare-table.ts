import { createHash } from 'node:crypto';
import { UNAVAILABLE_VALUE } from '@mdp/schemas';
import type { Logger } from 'pino';
import { quoteIdent, type PgSource, type PgTable } from '../adapters/postgres.js';
import { DeltaCheckError } from '../errors.js';
import type { DeltaReader } from '../delta/table-reader.js';
import type { DeltaValue } from '../delta/parquet-file.js';
import type { Snapshot } from '../delta/log.js';
import {
  canonicalFromLake,
  canonicalFromPg,
  kindOfPgType,
  pgSelectExpression,
  type Canonical,
  type CanonicalKind,
} from './canonical.js';

export interface ColumnDifference {
  column: string;
  postgres: Canonical;
  lake: Canonical;
}

export interface RowDifference {
  kind: 'missing' | 'extra' | 'different' | 'duplicate';
  /** Primary key column → canonical value. */
  key: Record<string, Canonical>;
  columns?: ColumnDifference[];
}

export interface TableReport {
  table: string;
  lakePath: string;
  lakeVersion: number;
  equal: boolean;
  postgresRows: number;
  lakeRows: number;
  /** Rows in PostgreSQL that the lake lacks. */
  missing: number;
  /** Rows in the lake that PostgreSQL does not have. */
  extra: number;
  /** Rows present on both sides whose compared columns differ. */
  different: number;
  /** Keys present more than once in the lake. */
  duplicateKeys: number;
  primaryKey: string[];
  comparedColumns: string[];
  /** PostgreSQL columns the lake table does not have (every row then differs). */
  columnsMissingInLake: string[];
  /**
   * Lake columns PostgreSQL does not have that come from the source: a column dropped or
   * renamed there and still in silver. A difference (bronze, a change log, keeps them).
   */
  staleColumns: string[];
  /** Lake columns PostgreSQL does not have that are not compared: the pipeline's `_` columns,
   * derived columns (named in the table property {@link DERIVED_PROPERTY}), a bronze's old columns. */
  columnsOnlyInLake: string[];
  firstDifferences: RowDifference[];
  /** With --bronze: the change table replayed (newest LSN per key, deletes applied). */
  bronze?: BronzeStats;
  seconds: number;
}

export interface BronzeStats {
  events: number;
  /** The same Kafka record (topic, partition, offset) stored twice: must be 0 (exactly-once appends). */
  duplicateRecords: number;
  /** The same change (key, LSN, change type) from different Kafka records: at-least-once delivery, tolerated. */
  duplicateChanges: number;
}

/** Spark's change columns in bronze (spark/mdp_spark/transform.py). */
const BRONZE_COLUMNS = [
  '_change_type',
  '_lsn',
  '_kafka_topic',
  '_kafka_partition',
  '_kafka_offset',
] as const;
/** Debezium's snapshot marker in bronze (absent from lakes written before it was kept). */
const SNAPSHOT_COLUMN = '_snapshot';
/** The marker of a table's last row in a blocking snapshot. */
const SNAPSHOT_ENDS = new Set(['last', 'last_in_data_collection']);

export interface CompareOptions {
  pg: PgSource;
  reader: DeltaReader;
  logger: Logger;
  pgSchema: string;
  table: string;
  lakePath: string;
  maxDifferences: number;
  /** The lake table is a bronze change table: replay it before comparing. */
  bronze?: boolean;
}

interface Side {
  hash: string;
  values: Canonical[];
}

/** Compares one PostgreSQL table with its Delta table row by row (keyed by the primary key). */
export async function compareTable(options: CompareOptions): Promise<TableReport> {
  const started = performance.now();
  const { pg, reader, logger: log, pgSchema, table, lakePath } = options;
  const described = await pg.describe(pgSchema, table);
  if (described.primaryKey.length === 0) {
    throw new DeltaCheckError(
      'PG_NO_PRIMARY_KEY',
      `${pgSchema}.${table} has no primary key: delta-check matches rows by primary key (add one, or leave the table out with --tables)`,
      { context: { table } },
    );
  }
  const snapshot = await reader.snapshot(lakePath);
  const lakeColumns = resolveColumns(described, snapshot);
  const compared = described.columns.filter((c) => lakeColumns.has(c.name));
  const kinds = compared.map((c) => kindOfPgType(c.typname));
  const keyIndexes = described.primaryKey.map((k) => compared.findIndex((c) => c.name === k));
  const columnsMissingInLake = described.columns
    .filter((c) => !lakeColumns.has(c.name))
    .map((c) => c.name);
  if (keyIndexes.some((i) => i < 0)) {
    const absent = described.primaryKey.filter((_, i) => keyIndexes[i]! < 0);
    throw new DeltaCheckError(
      'LAKE_TABLE_NOT_FOUND',
      `${lakePath} has no column ${absent.join(', ')} (primary key of ${pgSchema}.${table}): is it the right table?`,
      { context: { table, lakePath } },
    );
  }
  const pgNames = new Set(described.columns.map((c) => c.name.toLowerCase()));
  const lakeOnly = snapshot.schema.map((f) => f.name).filter((n) => !pgNames.has(n.toLowerCase()));
  const derived = derivedColumns(snapshot.metadata.configuration, lakePath);
  const isStale = (n: string) => !options.bronze && !n.startsWith('_') && !derived.has(n);
  const staleColumns = lakeOnly.filter(isStale);
  const columnsOnlyInLake = lakeOnly.filter((n) => !isStale(n));

  log.info(
    { table, lakePath, version: snapshot.version, files: snapshot.files.length },
    'reading lake table',
  );
  const lake = new Map<string, Side>();
  let lakeRows = 0;
  let duplicateKeys = 0;
  const duplicates: RowDifference[] = [];
  const lakeNames = compared.map((c) => lakeColumns.get(c.name)!);
  let bronze: BronzeStats | undefined;
  if (options.bronze) {
    const absent = BRONZE_COLUMNS.filter((c) => !snapshot.schema.some((f) => f.name === c));
    if (absent.length > 0) {
      throw new DeltaCheckError(
        'BRONZE_COLUMNS_MISSING',
        `${lakePath} lacks the change column(s) ${absent.join(', ')}: is it a bronze change table written by the Spark job?`,
        { context: { table, lakePath, absent } },
      );
    }
    const events = new Map<
      string,
      { lsn: bigint; offset: bigint; deleted: boolean; values: Canonical[] }
    >();
    // Per key and column that can hold Debezium's placeholder: its newest real value.
    const markers = kinds.map(unavailableMarkers);
    const realValues = new Map<
      string,
      ({ lsn: bigint; offset: bigint; value: Canonical } | undefined)[]
    >();
    const records = new Set<string>();
    const changes = new Set<string>();
    // The newest TRUNCATE or completed blocking snapshot (the one Debezium takes again after its
    // slot was lost sends every row the table has): every change before it (by LSN, whatever order
    // the files are read in) is gone, but for the snapshot's own rows.
    let clearedAt = -1n;
    const marked = snapshot.schema.some((f) => f.name === SNAPSHOT_COLUMN);
    bronze = { events: 0, duplicateRecords: 0, duplicateChanges: 0 };
    for await (const batch of reader.rows(snapshot, {
      columns: [...lakeNames, ...BRONZE_COLUMNS, ...(marked ? [SNAPSHOT_COLUMN] : [])],
    })) {
      for (const row of batch) {
        bronze.events++;
        const values = lakeNames.map((name, i) => canonicalFromLake(row[name], kinds[i]!));
        const key = keyOf(values, keyIndexes);
        const type = scalar(row._change_type);
        const record = `${scalar(row._kafka_topic)}/${scalar(row._kafka_partition)}/${scalar(row._kafka_offset)}`;
        if (records.has(record)) bronze.duplicateRecords++;
        records.add(record);
        const change = `${key}@${scalar(row._lsn)}/${type}`;
        if (changes.has(change)) bronze.duplicateChanges++;
        changes.add(change);
        const lsn = BigInt(row._lsn === null ? -1 : (row._lsn as bigint | number));
        const completesSnapshot =
          type === 'snapshot' && marked && SNAPSHOT_ENDS.has(scalar(row[SNAPSHOT_COLUMN]));
        if ((type === 'truncate' || completesSnapshot) && lsn > clearedAt) clearedAt = lsn;
        if (type === 'truncate') continue;
        const offset = BigInt(row._kafka_offset as bigint | number);
        let real = realValues.get(key);
        markers.forEach((marker, i) => {
          const value = values[i] ?? null;
          if (marker === undefined || (value !== null && marker.has(value))) return;
          real ??= [];
          const kept = real[i];
          if (!kept || lsn > kept.lsn || (lsn === kept.lsn && offset > kept.offset))
            real[i] = { lsn, offset, value };
        });
        if (real) realValues.set(key, real);
        const current = events.get(key);
        if (!current || lsn > current.lsn || (lsn === current.lsn && offset > current.offset)) {
          events.set(key, { lsn, offset, deleted: type === 'delete', values });
        }
      }
    }
    for (const [key, event] of events) {
      if (event.deleted || event.lsn < clearedAt) continue;
      // An unchanged TOASTed value: the value the row had (silver holds the same).
      event.values.forEach((value, i) => {
        if (value !== null && markers[i]?.has(value))
          event.values[i] = realValues.get(key)?.[i]?.value ?? null;
      });
      lakeRows++;
      lake.set(key, { hash: hashOf(event.values), values: event.values });
    }
  } else {
    for await (const batch of reader.rows(snapshot, { columns: lakeNames })) {
      for (const row of batch) {
        lakeRows++;
        const values = lakeNames.map((name, i) => canonicalFromLake(row[name], kinds[i]!));
        const key = keyOf(values, keyIndexes);
        if (lake.has(key)) {
          duplicateKeys++;
          if (duplicates.length < options.maxDifferences) {
            duplicates.push({ kind: 'duplicate', key: keyObject(described, values, keyIndexes) });
          }
        }
        lake.set(key, { hash: hashOf(values), values });
      }
    }
  }

  log.info({ table }, 'reading PostgreSQL table');
  const select = compared.map((c) => pgSelectExpression(quoteIdent(c.name), c.typname)).join(', ');
  const pgRowsText = await pg.query(
    `SELECT ${select || '1'} FROM ${quoteIdent(pgSchema)}.${quoteIdent(table)}`,
  );

  const differences: RowDifference[] = [...duplicates];
  let missing = 0;
  let different = 0;
  const seen = new Set<string>();
  for (const texts of pgRowsText) {
    const values = texts.map((t, i) => canonicalFromPg(t, kinds[i]!));
    const key = keyOf(values, keyIndexes);
    seen.add(key);
    const other = lake.get(key);
    if (!other) {
      missing++;
      if (differences.length < options.maxDifferences) {
        differences.push({ kind: 'missing', key: keyObject(described, values, keyIndexes) });
      }
    } else if (other.hash !== hashOf(values)) {
      different++;
      if (differences.length < options.maxDifferences) {
        differences.push({
          kind: 'different',
          key: keyObject(described, values, keyIndexes),
          columns: diffColumns(
            compared.map((c) => c.name),
            values,
            other.values,
          ),
        });
      }
    }
  }
  let extra = 0;
  for (const [key, side] of lake) {
    if (seen.has(key)) continue;
    extra++;
    if (differences.length < options.maxDifferences) {
      differences.push({ kind: 'extra', key: keyObject(described, side.values, keyIndexes) });
    }
  }

  const schemaEqual = columnsMissingInLake.length === 0 && staleColumns.length === 0;
  return {
    table,
    lakePath,
    lakeVersion: snapshot.version,
    equal:
      schemaEqual &&
      missing === 0 &&
      extra === 0 &&
      different === 0 &&
      duplicateKeys === 0 &&
      (bronze?.duplicateRecords ?? 0) === 0,
    postgresRows: pgRowsText.length,
    lakeRows,
    missing,
    extra,
    different,
    duplicateKeys,
    primaryKey: described.primaryKey,
    comparedColumns: compared.map((c) => c.name),
    columnsMissingInLake,
    staleColumns,
    columnsOnlyInLake,
    firstDifferences: differences,
    bronze,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The Spark job's table property naming a silver table's derived columns (a JSON array). */
const DERIVED_PROPERTY = 'mdp.derivedColumns';

function derivedColumns(configuration: Record<string, string>, lakePath: string): Set<string> {
  const declared = configuration[DERIVED_PROPERTY];
  if (declared === undefined) return new Set();
  try {
    const names: unknown = JSON.parse(declared);
    if (Array.isArray(names) && names.every((n) => typeof n === 'string')) return new Set(names);
  } catch {
    // reported below
  }
  throw new DeltaCheckError(
    'DELTA_LOG_CORRUPT',
    `${lakePath}: table property ${DERIVED_PROPERTY} is ${JSON.stringify(declared)}, not a JSON array of column names`,
    { context: { lakePath } },
  );
}

function scalar(value: DeltaValue | undefined): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** PostgreSQL column → lake column name (exact, else case-insensitive: Spark may fold case). */
function resolveColumns(table: PgTable, snapshot: Snapshot): Map<string, string> {
  const exact = new Set(snapshot.schema.map((f) => f.name));
  const folded = new Map(snapshot.schema.map((f) => [f.name.toLowerCase(), f.name]));
  const out = new Map<string, string>();
  for (const c of table.columns) {
    const name = exact.has(c.name) ? c.name : folded.get(c.name.toLowerCase());
    if (name !== undefined) out.set(c.name, name);
  }
  return out;
}

function keyOf(values: Canonical[], keyIndexes: number[]): string {
  return JSON.stringify(keyIndexes.map((i) => values[i] ?? null));
}

function keyObject(
  table: PgTable,
  values: Canonical[],
  keyIndexes: number[],
): Record<string, Canonical> {
  return Object.fromEntries(table.primaryKey.map((k, i) => [k, values[keyIndexes[i]!] ?? null]));
}

/** The row's hash over its canonical values; null is distinct from every string. */
export function hashOf(values: Canonical[]): string {
  const hash = createHash('sha1');
  for (const v of values) hash.update(v === null ? '\u0000N' : `\u0001${v}\u0002`);
  return hash.digest('base64');
}

function diffColumns(names: string[], pg: Canonical[], lake: Canonical[]): ColumnDifference[] {
  const out: ColumnDifference[] = [];
  names.forEach((column, i) => {
    if (pg[i] !== lake[i]) out.push({ column, postgres: pg[i] ?? null, lake: lake[i] ?? null });
  });
  return out;
}

/** How Debezium's placeholder for an unchanged TOASTed value reads in a column of `kind`. */
function unavailableMarkers(kind: CanonicalKind): Set<string> | undefined {
  if (kind !== 'text' && kind !== 'json' && kind !== 'bytea') return undefined;
  const marks = [
    canonicalFromLake(UNAVAILABLE_VALUE, kind),
    canonicalFromLake(Buffer.from(UNAVAILABLE_VALUE), kind),
  ];
  return new Set(marks.filter((m): m is string => m !== null));
}
