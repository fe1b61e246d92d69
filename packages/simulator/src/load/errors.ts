import { SimulatorError } from '../errors.js';

/** Every documented loader failure; the CLI exits 1 with the message. */
export const LOAD_ERROR_CODES = [
  'FILE_NOT_FOUND', // a named file or the folder does not exist
  'NO_CSV_FILES', // the folder holds no *.csv
  'EMPTY_FILE', // a file with no header (0 bytes or blank)
  'MALFORMED_CSV', // csv-parse could not read it (e.g. a quote never closed)
  'FIELD_COUNT', // a row with more or fewer fields than the header
  'INVALID_UTF8', // bytes that are not UTF-8
  'DUPLICATE_COLUMN', // two headers normalize to the same column name
  'DUPLICATE_TABLE', // two files normalize to the same table name
  'BAD_TYPE_OVERRIDE', // --types names an unknown table, column or type
  'TYPE_MISMATCH', // a value that does not fit its column's (declared) type
  'MISSING_REFERENCE', // a foreign key value with no row in the referenced table
  'TABLES_EXIST', // target tables exist and --replace was not given
  'DATABASE', // any other PostgreSQL failure
] as const;
export type LoadErrorCode = (typeof LOAD_ERROR_CODES)[number];

/** Where in a CSV file a problem is: 1-based physical line, 1-based field. */
export interface CsvLocation {
  file: string;
  line?: number;
  column?: number;
  columnName?: string;
  value?: string;
}

export class LoadError extends SimulatorError {
  declare readonly code: LoadErrorCode;
  readonly location: CsvLocation | undefined;
  readonly table: string | undefined;

  constructor(
    code: LoadErrorCode,
    message: string,
    context: { location?: CsvLocation; table?: string; cause?: unknown; retriable?: boolean } = {},
  ) {
    super(code, message, { cause: context.cause, retriable: context.retriable });
    this.location = context.location;
    this.table = context.table;
  }
}

/** `orders.csv:12:3 (quantity)` — the prefix of every located message. */
export function formatLocation(loc: CsvLocation): string {
  let text = loc.file;
  if (loc.line !== undefined) text += `:${loc.line}`;
  if (loc.column !== undefined) text += `:${loc.column}`;
  if (loc.columnName !== undefined) text += ` (column "${loc.columnName}")`;
  return text;
}

/** A value quoted for a message, shortened when long. */
export function quoteValue(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return JSON.stringify(shown);
}
