/**
 * Streaming CSV reading in batches of records (one await per batch, not per
 * record). Records carry no positions: the caller counts them, and an error
 * finds its `file:line:column` with {@link locateFields} (see layout.ts).
 * Invalid UTF-8 fails before parsing.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import type { TransformCallback, TransformOptions } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, Parser } from 'csv-parse';
import type { Options } from 'csv-parse';
import { LoadError, formatLocation } from './errors.js';
import { createFastCsvStream } from './fast-csv.js';
import type { CsvLayout } from './layout.js';
import { createUtf8Validator } from './utf8.js';
import type { LineEndings } from './utf8.js';

/**
 * `blankLinesAreRows`: for a file of one column, where a blank line after the header is a
 * row whose value is empty (NULL); in a wider file a blank line is no row and is skipped.
 */
export function csvParserOptions(blankLinesAreRows = false): Options {
  // Any mix of CRLF, LF and CR ends a record (csv-parse would otherwise keep the first style it meets).
  return {
    bom: true,
    relax_column_count: true,
    skip_empty_lines: !blankLinesAreRows,
    record_delimiter: ['\r\n', '\n', '\r'],
  };
}

/** A record of one empty field: what a blank line is when blank lines are rows. */
export const isEmptyRecord = (fields: readonly string[]) => fields.length === 1 && fields[0] === '';

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
function createFileUtf8Validator(file: string, endings?: LineEndings) {
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

/** Records the parser may hold before the reader takes them (a batch is at most about this). */
const BATCH_RECORDS = 4096;

export interface ReadCsvOptions {
  /** `false` for a file already checked as UTF-8. */
  validate?: boolean;
  /** Line endings counted by the UTF-8 check. */
  endings?: LineEndings;
  /** Fed with every byte of the file, in order. */
  layout?: CsvLayout;
  /** Bytes of the file read so far, updated as chunks arrive. */
  progress?: { bytes: number };
  /** See {@link csvParserOptions}. Blank lines before the header are skipped all the same. */
  blankLinesAreRows?: boolean;
  /**
   * Parse with fast-csv.ts, not csv-parse, counting blank lines into it: it throws
   * FastCsvUnsupported on a file it does not read exactly as csv-parse would (then read
   * it again without). Not with `blankLinesAreRows`.
   */
  fast?: { blankLines: number };
}

/** A pass-through that shows each chunk to `see`. */
function createTap(see: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      see(chunk);
      callback(null, chunk);
    },
  });
}

/**
 * Every record of a file (the header first), in order, as batches of
 * records; each record is its array of fields.
 */
export async function* readCsvBatches(
  file: string,
  options: ReadCsvOptions = {},
): AsyncGenerator<string[][], void> {
  const streamOptions: TransformOptions = { readableHighWaterMark: BATCH_RECORDS };
  const fast = options.fast !== undefined && options.blankLinesAreRows !== true;
  const parser = fast
    ? createFastCsvStream(options.fast)
    : new Parser({ ...csvParserOptions(options.blankLinesAreRows), ...streamOptions });
  let beforeHeader = options.blankLinesAreRows === true;
  const { layout, progress } = options;
  const stages: Transform[] = [];
  if (options.validate !== false) stages.push(createFileUtf8Validator(file, options.endings));
  if (layout !== undefined || progress !== undefined) {
    stages.push(
      createTap((chunk) => {
        layout?.feed(chunk);
        if (progress !== undefined) progress.bytes += chunk.length;
      }),
    );
  }
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const done = pipeline([createReadStream(file), ...stages, parser]).catch((err: unknown) => {
    failure ??= err instanceof Error ? err : new Error(String(err));
    parser.destroy(failure);
  });
  parser.on('readable', () => wake?.());
  parser.on('end', () => {
    ended = true;
    wake?.();
  });
  parser.on('error', (err: Error) => {
    failure ??= err;
    wake?.();
  });
  try {
    for (;;) {
      let batch: string[][] = [];
      if (fast) batch = (parser.read() as string[][] | null) ?? [];
      let record: string[] | null;
      while (!fast && (record = parser.read() as string[] | null) !== null) {
        if (beforeHeader && isEmptyRecord(record)) continue;
        beforeHeader = false;
        batch.push(record);
      }
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } catch (err) {
    throw mapParseError(err, file);
  } finally {
    parser.destroy();
    await done;
  }
}
