/**
 * Pass 1 over one CSV file: header → column names, field counts, UTF-8,
 * declared types, and per-column inference from every value. Nothing is
 * kept per row except, for a table without an `id`-style column, the values
 * of columns that may still be unique (the primary key candidates).
 */
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { LoadError, formatLocation, quoteValue } from './errors.js';
import { createColumnInferrer } from './infer.js';
import type { ColumnInferrer } from './infer.js';
import { singular, toSnakeCase } from './names.js';
import { lineOfField, readCsv, startLine } from './read.js';
import { fits, sqlType } from './types.js';
import type { ColumnType } from './types.js';

export interface ScannedColumn {
  name: string;
  header: string;
  inferrer: ColumnInferrer;
  declared: ColumnType | undefined;
  firstNullLine: number | undefined;
}

export interface ScannedTable {
  path: string;
  /** The file name, as messages show it. */
  file: string;
  table: string;
  columns: ScannedColumn[];
  rows: number;
  bytes: number;
  /** Columns with no NULL and no repeated value (only tracked when no `id`-style column exists). */
  uniqueColumns: string[];
  /**
   * PostgreSQL's own CSV parser reads the file exactly as csv-parse did: one
   * line-ending style, no blank lines. Then COPY can take the raw bytes.
   */
  rawCopySafe: boolean;
}

export interface ScanProgress {
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

export async function scanFile(
  path: string,
  options: {
    declared?: Record<string, ColumnType>;
    onProgress?: (progress: ScanProgress) => void;
  } = {},
): Promise<ScannedTable> {
  const file = basename(path);
  const table = tableNameOf(path);
  const totalBytes = (await stat(path)).size;
  const endings = { crlf: 0, lf: 0, cr: 0 };
  const records = readCsv(path, { endings });
  const first = await records.next();
  if (first.done || first.value.fields.every((f) => f.trim() === '')) {
    const location = { file };
    throw new LoadError(
      'EMPTY_FILE',
      `${file}: the file is empty; a CSV needs a header line naming its columns.`,
      {
        location,
      },
    );
  }
  const names = normalizeHeader(first.value.fields, file);
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
    header: first.value.fields[i] ?? '',
    inferrer: createColumnInferrer(),
    declared: declared[name],
    firstNullLine: undefined,
  }));
  const declaredAt = columns.map((c) => c.declared);
  const keyByName = namedKeyCandidates(table).some((key) => names.includes(key));
  // Values seen per column that may still be a primary key (no NULL, no repeat so far).
  const seen: (Set<string> | undefined)[] = names.map(() =>
    keyByName ? undefined : new Set<string>(),
  );

  let rows = 0;
  let bytes = 0;
  let endLine = first.value.endLine;
  let emptyLines = first.value.emptyLines;
  for await (const record of records) {
    const { fields } = record;
    if (fields.length !== names.length) {
      const location = { file, line: startLine(record) };
      throw new LoadError(
        'FIELD_COUNT',
        `${formatLocation(location)}: the row has ${fields.length} fields, the header has ${names.length}. ` +
          'Quote values that contain commas or newlines.',
        { location, table },
      );
    }
    for (let i = 0; i < fields.length; i++) {
      const value = fields[i]!;
      const column = columns[i]!;
      column.inferrer.observe(value);
      const type = declaredAt[i];
      if (value === '') {
        column.firstNullLine ??= lineOfField(record, i);
        seen[i] = undefined;
        continue;
      }
      if (type !== undefined && !fits(type, value)) {
        const location = {
          file,
          line: lineOfField(record, i),
          column: i + 1,
          columnName: column.name,
          value,
        };
        throw new LoadError(
          'TYPE_MISMATCH',
          `${formatLocation(location)}: value ${quoteValue(value)} is not a valid ${sqlType(type)}. ` +
            'Fix the value or change the declared type.',
          { location, table },
        );
      }
      const set = seen[i];
      if (set !== undefined) {
        if (set.has(value)) seen[i] = undefined;
        else set.add(value);
      }
    }
    rows++;
    bytes = record.bytes;
    endLine = record.endLine;
    emptyLines = record.emptyLines;
    if (options.onProgress && rows % 20000 === 0)
      options.onProgress({ file, rows, bytes, totalBytes });
  }
  options.onProgress?.({ file, rows, bytes: totalBytes, totalBytes });
  const uniqueColumns = rows === 0 ? [] : names.filter((_, i) => seen[i] !== undefined);
  const rawCopySafe =
    endings.cr === 0 &&
    (endings.crlf === 0 || endings.lf === 0) &&
    emptyLines === 0 &&
    endings.crlf + endings.lf <= endLine;
  return { path, file, table, columns, rows, bytes: totalBytes, uniqueColumns, rawCopySafe };
}
