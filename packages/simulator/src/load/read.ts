/**
 * Streaming CSV reading with real file positions: every record knows the
 * physical lines it spans (quoted newlines included), so errors can name
 * `file:line:column`. Invalid UTF-8 fails before parsing.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import type { Options, Parser } from 'csv-parse';
import { LoadError, formatLocation } from './errors.js';
import { createUtf8Validator } from './utf8.js';
import type { LineEndings } from './utf8.js';

export interface CsvRecord {
  fields: string[];
  /** Blank lines skipped so far. */
  emptyLines: number;
  /** Physical line where the record ends (1-based). */
  endLine: number;
  /** Bytes of the file read so far. */
  bytes: number;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Physical line where a record starts. */
export function startLine(record: CsvRecord): number {
  let line = record.endLine;
  for (const field of record.fields) line -= countNewlines(field);
  return line;
}

/** Physical line of field `index` of a record (fields before it may hold quoted newlines). */
export function lineOfField(record: CsvRecord, index: number): number {
  let line = startLine(record);
  for (let i = 0; i < index; i++) line += countNewlines(record.fields[i] ?? '');
  return line;
}

export function csvParserOptions(): Options {
  // Any mix of CRLF, LF and CR ends a record (csv-parse would otherwise keep the first style it meets).
  return {
    info: true,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    record_delimiter: ['\r\n', '\n', '\r'],
  };
}

/** Turns csv-parse's own errors into MALFORMED_CSV with the file and line. */
export function mapParseError(err: unknown, file: string): unknown {
  if (err instanceof CsvError) {
    const lines = (err as CsvError & { lines?: number }).lines;
    const location = { file: basename(file), ...(lines === undefined ? {} : { line: lines }) };
    return new LoadError(
      'MALFORMED_CSV',
      `${formatLocation(location)}: the CSV cannot be read (${err.message}). Check the quoting near that line.`,
      { location, cause: err },
    );
  }
  return err;
}

/** Wraps the UTF-8 check's findings as INVALID_UTF8. */
export function createFileUtf8Validator(file: string, endings?: LineEndings) {
  return createUtf8Validator(({ line, column, byte }) => {
    const location = { file: basename(file), line, column };
    return new LoadError(
      'INVALID_UTF8',
      `${formatLocation(location)}: byte 0x${byte.toString(16).padStart(2, '0')} is not valid UTF-8. ` +
        'Save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8).',
      { location },
    );
  }, endings);
}

/**
 * Every record of a file (the header first), in order, validated as UTF-8.
 * Pass `validate: false` for a file already checked.
 */
export async function* readCsv(
  file: string,
  options: { validate?: boolean; endings?: LineEndings } = {},
): AsyncGenerator<CsvRecord> {
  const parser: Parser = parse(csvParserOptions());
  const source = createReadStream(file);
  const piped =
    options.validate === false
      ? pipeline(source, parser)
      : pipeline(source, createFileUtf8Validator(file, options.endings), parser);
  const done = piped.catch((err: unknown) => {
    parser.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  try {
    type Item = { record: string[]; info: { lines: number; bytes: number; empty_lines: number } };
    for await (const item of parser as AsyncIterable<Item>) {
      yield {
        fields: item.record,
        endLine: item.info.lines,
        bytes: item.info.bytes,
        emptyLines: item.info.empty_lines,
      };
    }
  } catch (err) {
    throw mapParseError(err, file);
  } finally {
    parser.destroy();
    await done;
  }
}
