/**
 * Pass 1 over one CSV file: header → column names, field counts, UTF-8,
 * declared types, and per-column inference from every value. Nothing is
 * kept per row except the values of columns that may still be unique (the
 * primary key candidates), within a memory budget: past it, uniqueness is
 * left for PostgreSQL to decide (loader.ts, addPrimaryKey).
 */
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { LoadError, formatLocation, quoteValue } from './errors.js';
import { createColumnInferrer } from './infer.js';
import type { ColumnInferrer } from './infer.js';
import { singular, toSnakeCase } from './names.js';
import { createCsvLayout, locateFields } from './layout.js';
import { FastCsvUnsupported } from './fast-csv.js';
import { readCsvBatches } from './read.js';
import { fits, sqlType } from './types.js';
import type { ColumnType } from './types.js';

interface ScannedColumn {
  name: string;
  header: string;
  inferrer: ColumnInferrer;
  declared: ColumnType | undefined;
  /** Whether the column can be a primary key, as far as the scan could tell. */
  uniqueness: Uniqueness;
}

/**
 * `unique`: no NULL, no value twice. `unknown`: no NULL, and no repeat among the values
 * tracked before the memory budget ran out. `null`/`repeated`: the first such record's
 * line (looked up for a named key only: the one whose rejection is explained).
 */
type Uniqueness =
  | { kind: 'unique' | 'unknown' }
  | { kind: 'null'; line: number | undefined }
  | { kind: 'repeated'; line: number | undefined; value: string };

/** Memory for the values of key candidates (bytes, roughly); past it PostgreSQL decides. */
const UNIQUENESS_BUDGET_BYTES = 64 * 1024 * 1024;
/** What one tracked value costs beyond its characters (a Set entry, a string header). */
const TRACKED_VALUE_OVERHEAD = 48;

export interface ScannedTable {
  path: string;
  /** The file name, as messages show it. */
  file: string;
  table: string;
  columns: ScannedColumn[];
  rows: number;
  bytes: number;
  /**
   * PostgreSQL's own CSV parser reads the file exactly as csv-parse did: one
   * line-ending style, no blank lines. Then COPY can take the raw bytes.
   */
  rawCopySafe: boolean;
  /** A one-column file: a blank line after the header is a row with an empty value. */
  blankLinesAreRows: boolean;
}

/** A record the scan refuses: wrong field count, or a value that does not fit its declared type. */
type Problem =
  | { record: number; field: number; fields: number }
  | { record: number; field: number; value: string; type: ColumnType };

interface ScanProgress {
  file: string;
  rows: number;
  bytes: number;
  totalBytes: number;
}

export function tableNameOf(path: string): string {
  return toSnakeCase(basename(path, extname(path)));
}

/** The column names that make a primary key by name: `id`, `<singular>_id`. */
export function namedKeyCandidates(table: string): string[] {
  return ['id', `${singular(table)}_id`];
}

function normalizeHeader(fields: string[], file: string): string[] {
  const names: string[] = [];
  fields.forEach((header, i) => {
    const name = toSnakeCase(header) || `column_${i + 1}`;
    const first = names.indexOf(name);
    if (first !== -1) {
      const location = { file, line: 1, column: i + 1, value: header };
      throw new LoadError(
        'DUPLICATE_COLUMN',
        `${formatLocation(location)}: header ${quoteValue(header)} becomes column "${name}", ` +
          `like header ${quoteValue(fields[first] ?? '')} in column ${first + 1}. Rename one of them.`,
        { location },
      );
    }
    names.push(name);
  });
  return names;
}

interface ScanOptions {
  declared?: Record<string, ColumnType>;
  onProgress?: (progress: ScanProgress) => void;
  /** Defaults to {@link UNIQUENESS_BUDGET_BYTES}. */
  uniquenessBudgetBytes?: number;
}

/**
 * Scans with the fast parser, and scans again with csv-parse a file the fast one does
 * not read as csv-parse would (fast-csv.ts): its records up to there are csv-parse's,
 * so an error found before is the same either way.
 */
export async function scanFile(path: string, options: ScanOptions = {}): Promise<ScannedTable> {
  try {
    return await scanFileWith(path, options, true);
  } catch (err) {
    if (!(err instanceof FastCsvUnsupported)) throw err;
    return scanFileWith(path, options, false);
  }
}

async function scanFileWith(
  path: string,
  options: ScanOptions,
  fast: boolean,
): Promise<ScannedTable> {
  const file = basename(path);
  const table = tableNameOf(path);
  const totalBytes = (await stat(path)).size;
  // The header first: its width decides what a blank line is (a row only in a one-column file).
  const peek = readCsvBatches(path);
  const peeked = await peek.next();
  await peek.return();
  const blankLinesAreRows = peeked.done !== true && peeked.value[0]?.length === 1;
  const endings = { crlf: 0, lf: 0, cr: 0 };
  // The fast parser counts blank lines itself; csv-parse needs the layout beside it.
  const fastParser = fast && !blankLinesAreRows;
  const counted = { blankLines: 0 };
  const layout = fastParser ? undefined : createCsvLayout([], blankLinesAreRows);
  const progress = { bytes: 0 };
  const batches = readCsvBatches(path, {
    endings,
    layout,
    progress,
    blankLinesAreRows,
    fast: fastParser ? counted : undefined,
  });
  const first = await batches.next();
  const firstRecords = first.done === true ? [] : first.value;
  const header = firstRecords[0];
  if (header === undefined || header.every((f) => f.trim() === '')) {
    const location = { file };
    throw new LoadError(
      'EMPTY_FILE',
      `${file}: the file is empty; a CSV needs a header line naming its columns.`,
      {
        location,
      },
    );
  }
  const names = normalizeHeader(header, file);
  const declared = options.declared ?? {};
  for (const column of Object.keys(declared)) {
    if (!names.includes(column)) {
      throw new LoadError(
        'BAD_TYPE_OVERRIDE',
        `${file}: a type is declared for column "${column}", which the file does not have (columns: ${names.join(', ')}).`,
        { location: { file }, table },
      );
    }
  }
  const columns: ScannedColumn[] = names.map((name, i) => ({
    name,
    header: header[i] ?? '',
    inferrer: createColumnInferrer(),
    declared: declared[name],
    uniqueness: { kind: 'unknown' },
  }));
  const width = names.length;
  const observers = columns.map((c) => c.inferrer.observe);
  const declaredAt = columns.map((c) => c.declared);
  // Values seen per column that may still be a primary key (no NULL, no repeat so far),
  // until `budget` runs out; then no column is tracked any more.
  const seen: (Set<string> | undefined)[] = names.map(() => new Set<string>());
  let budget = options.uniquenessBudgetBytes ?? UNIQUENESS_BUDGET_BYTES;
  let tracking = true;
  // Record index (header = 0) of each column's first NULL and first repeat.
  const firstNull: (number | undefined)[] = names.map(() => undefined);
  const firstRepeat: ({ record: number; value: string } | undefined)[] = names.map(() => undefined);

  let rows = 0;
  /** Observes a batch's records; returns the first bad one (its line is found afterwards). */
  const scanBatch = (batch: string[][], from: number): Problem | undefined => {
    for (let r = from; r < batch.length; r++) {
      const fields = batch[r]!;
      const record = rows + 1;
      if (fields.length !== width) return { record, field: 0, fields: fields.length };
      for (let i = 0; i < width; i++) {
        const value = fields[i]!;
        observers[i]!(value);
        if (value === '') {
          firstNull[i] ??= record;
          seen[i] = undefined;
          continue;
        }
        const type = declaredAt[i];
        if (type !== undefined && !fits(type, value)) return { record, field: i, value, type };
        const set = seen[i];
        if (set !== undefined) {
          if (set.has(value)) {
            firstRepeat[i] = { record, value };
            seen[i] = undefined;
          } else {
            set.add(value);
            budget -= value.length + TRACKED_VALUE_OVERHEAD;
          }
        }
      }
      if (tracking && budget < 0) {
        tracking = false;
        seen.fill(undefined);
      }
      rows++;
      if (options.onProgress && rows % 20000 === 0)
        options.onProgress({ file, rows, bytes: progress.bytes, totalBytes });
    }
    return undefined;
  };
  let problem = scanBatch(firstRecords, 1);
  if (problem === undefined) {
    for await (const batch of batches) {
      problem = scanBatch(batch, 0);
      if (problem !== undefined) break;
    }
  }
  if (problem !== undefined) {
    const [line] = await locateFields(path, [problem], blankLinesAreRows);
    if ('fields' in problem) {
      const location = { file, line };
      throw new LoadError(
        'FIELD_COUNT',
        `${formatLocation(location)}: the row has ${problem.fields} fields, the header has ${width}. ` +
          'Quote values that contain commas or newlines.',
        { location, table },
      );
    }
    const { field, value, type } = problem;
    const location = { file, line, column: field + 1, columnName: names[field], value };
    throw new LoadError(
      'TYPE_MISMATCH',
      `${formatLocation(location)}: value ${quoteValue(value)} is not a valid ${sqlType(type)}. ` +
        'Fix the value or change the declared type.',
      { location, table },
    );
  }
  options.onProgress?.({ file, rows, bytes: totalBytes, totalBytes });
  // Why a named key is not one gets explained: find the lines of those problems alone.
  const named = namedKeyCandidates(table);
  const explain = columns.flatMap((column, field) => {
    const record = firstNull[field] ?? firstRepeat[field]?.record;
    return named.includes(column.name) && record !== undefined ? [{ record, field }] : [];
  });
  const lines = await locateFields(path, explain, blankLinesAreRows);
  columns.forEach((column, field) => {
    const line = lines[explain.findIndex((e) => e.field === field)];
    const repeat = firstRepeat[field];
    if (firstNull[field] !== undefined) column.uniqueness = { kind: 'null', line };
    else if (repeat !== undefined)
      column.uniqueness = { kind: 'repeated', line, value: repeat.value };
    else column.uniqueness = { kind: seen[field] !== undefined ? 'unique' : 'unknown' };
  });
  const rawCopySafe =
    endings.cr === 0 &&
    (endings.crlf === 0 || endings.lf === 0) &&
    (layout?.blankLines ?? counted.blankLines) === 0;
  return { path, file, table, columns, rows, bytes: totalBytes, rawCopySafe, blankLinesAreRows };
}
