/**
 * Where records and fields sit in a CSV file, from its bytes: physical lines
 * (CRLF, LF and a lone CR each end one line, quoted newlines included),
 * records as csv-parse reads them with our options (a quote opens a field
 * only at its start, `""` escapes a quote, blank lines are skipped, or, in a
 * one-column file, are rows after the header; a leading BOM is ignored), and
 * blank lines outside quotes.
 *
 * The scan feeds every chunk to a tracker for the blank-line count (a few
 * comparisons a byte, no allocation); errors find their line with
 * {@link locateFields}, a second walk that stops at the records asked for. So
 * the parser never has to produce a position object per record.
 */
import { createReadStream } from 'node:fs';

/** A field of a record: record 0 is the header, field 0 the first column. */
export interface FieldRef {
  record: number;
  field: number;
}

export interface CsvLayout {
  /** Feed the file's bytes, in order, in chunks of any size. */
  feed(chunk: Uint8Array): void;
  /** Records seen so far (the header included, skipped blank lines not). */
  readonly records: number;
  /** Lines with nothing on them outside quotes (rows or skipped: either way COPY's CSV differs). */
  readonly blankLines: number;
  /** 1-based physical line of the position reached. */
  readonly line: number;
  /** The start line of each target field reached so far (same order as `targets`). */
  readonly found: (number | undefined)[];
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const BOM = [0xef, 0xbb, 0xbf] as const;

// Parser states.
const FIELD_START = 0; // before the first byte of a field
const UNQUOTED = 1; // inside a field that did not start with a quote
const QUOTED = 2; // inside quotes
const QUOTE_SEEN = 3; // a quote inside quotes: an escaped quote or the closing one

/**
 * A tracker of the file's layout. `targets` are the fields whose start line
 * is wanted (in `found`); leave it empty to only count records and blank lines.
 */
export function createCsvLayout(
  targets: readonly FieldRef[] = [],
  blankLinesAreRows = false,
): CsvLayout {
  let state = FIELD_START;
  let line = 1;
  let record = 0;
  let field = 0;
  /** The current record has begun (a field byte or delimiter seen on it). */
  let started = false;
  let previousCr = false;
  let blankLines = 0;
  let bomMatched = 0; // bytes of a leading BOM met so far
  const found: (number | undefined)[] = targets.map(() => undefined);
  let pending = targets.length;

  function reach(): void {
    for (let t = 0; t < targets.length; t++) {
      const target = targets[t]!;
      if (found[t] === undefined && target.record === record && target.field === field) {
        found[t] = line;
        pending--;
      }
    }
  }

  function endRecord(): void {
    record++;
    field = 0;
    started = false;
    state = FIELD_START;
  }

  function feed(chunk: Uint8Array): void {
    let i = 0;
    if (bomMatched < BOM.length) {
      // csv-parse drops a leading UTF-8 BOM, even one split across chunks.
      while (bomMatched < BOM.length && i < chunk.length && chunk[i] === BOM[bomMatched]) {
        i++;
        bomMatched++;
      }
      if (i < chunk.length) bomMatched = BOM.length; // no BOM: plain bytes from here
    }
    for (; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte > QUOTE && byte !== COMMA && (state === UNQUOTED || state === QUOTED)) {
        previousCr = false; // the common case: a plain byte inside a field
        continue;
      }
      const afterCr = previousCr;
      previousCr = byte === CR;
      if (byte === LF && afterCr) continue; // the LF of a CRLF: the CR did the work
      if (state === QUOTED) {
        if (byte === QUOTE) state = QUOTE_SEEN;
        else if (byte === LF || byte === CR) line++;
        continue;
      }
      if (state === QUOTE_SEEN && byte === QUOTE) {
        state = QUOTED; // "" is an escaped quote
        continue;
      }
      if (byte === LF || byte === CR) {
        if (!started) {
          blankLines++;
          if (blankLinesAreRows && record > 0) {
            if (pending > 0) reach();
            endRecord();
          }
        } else endRecord();
        line++;
        continue;
      }
      if (!started) {
        started = true;
        if (pending > 0) reach();
      }
      if (byte === COMMA) {
        field++;
        state = FIELD_START;
        if (pending > 0) reach();
      } else if (state === FIELD_START) {
        state = byte === QUOTE ? QUOTED : UNQUOTED;
      } else if (state === QUOTE_SEEN) {
        state = UNQUOTED; // csv-parse refuses this ("a"b); only files it accepted are walked
      }
    }
  }

  return {
    feed,
    get records() {
      return record + (started ? 1 : 0);
    },
    get blankLines() {
      return blankLines;
    },
    get line() {
      return line;
    },
    found,
  };
}

/**
 * The start line of each target field of a file (undefined for a field the
 * file does not reach). Stops reading once every target is found.
 */
export async function locateFields(
  path: string,
  targets: readonly FieldRef[],
  blankLinesAreRows = false,
): Promise<(number | undefined)[]> {
  const layout = createCsvLayout(targets, blankLinesAreRows);
  if (targets.length === 0) return layout.found;
  const source = createReadStream(path);
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      layout.feed(chunk);
      if (layout.found.every((line) => line !== undefined)) break;
    }
  } finally {
    source.destroy();
  }
  return layout.found;
}
