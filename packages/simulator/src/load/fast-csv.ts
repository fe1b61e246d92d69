/**
 * A CSV parser for the files csv-parse reads without complaint, several times
 * faster than csv-parse (the scan's largest cost). It gives the records
 * csv-parse gives with our options (read.ts, csvParserOptions): fields split
 * at commas, records at CRLF, LF or a lone CR, `""` inside quotes is a quote,
 * blank lines skipped, a leading BOM dropped, any number of fields a record.
 *
 * It gives up (throws {@link FastCsvUnsupported}) on anything else: a quote
 * inside an unquoted field, a byte after a closing quote, a quote left open at
 * the end. The caller then reads the file again with csv-parse, which also words
 * the error of a malformed file. A one-column file, whose blank lines are rows,
 * is left to csv-parse from the start.
 *
 * A record that spans chunks is parsed again from its start with each new chunk,
 * so a record longer than `maxRecordBytes` (an unclosed quote early in a big file
 * makes the rest of the file one record) also makes it give up: csv-parse reads
 * it in one pass.
 */
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

export class FastCsvUnsupported extends Error {}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

export interface FastCsvParser {
  /** The records that end within the bytes fed so far (in order). */
  feed(chunk: Buffer): string[][];
  /** The last record, if the file does not end with a line break. */
  end(): string[][];
  /** Lines with nothing on them (skipped), so far: COPY's CSV would read them as rows. */
  readonly blankLines: number;
}

/** Buffer's own UTF-8 decoder, without toString's argument checks (a cost per field). */
const utf8 = (buf: Buffer, from: number, to: number): string =>
  (buf as Buffer & { utf8Slice(from: number, to: number): string }).utf8Slice(from, to);

/** Longer records are left to csv-parse (see above). */
const MAX_RECORD_BYTES = 1024 * 1024;

export function createFastCsvParser(maxRecordBytes = MAX_RECORD_BYTES): FastCsvParser {
  let rest: Buffer | undefined; // bytes of a record the previous chunk did not finish
  let atFileStart = true;
  let blankLines = 0;

  /** Parses the records of `buf` that end before its end (all of them when `final`). */
  function parse(buf: Buffer, final: boolean): string[][] {
    const records: string[][] = [];
    const length = buf.length;
    let i = 0;
    if (atFileStart && length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3;
    if (atFileStart && (length >= 3 || final)) atFileStart = false;
    else if (atFileStart) {
      rest = buf; // too short to know whether a BOM starts it
      return records;
    }
    let recordStart = i;
    record: while (i < length) {
      const first = buf[i]!;
      if (first === LF || first === CR) {
        if (first === CR && i + 1 === length && !final) break; // is an LF next?
        i += first === CR && buf[i + 1] === LF ? 2 : 1;
        blankLines++;
        recordStart = i;
        continue;
      }
      const fields: string[] = [];
      for (;;) {
        let value: string;
        if (buf[i] === QUOTE) {
          let from = i + 1;
          value = '';
          for (;;) {
            const close = buf.indexOf(QUOTE, from);
            if (close === -1 || (close + 1 === length && !final)) {
              if (final) throw new FastCsvUnsupported('a quote is not closed');
              break record;
            }
            if (buf[close + 1] === QUOTE) {
              value += utf8(buf, from, close + 1); // "" is one quote
              from = close + 2;
              continue;
            }
            value += utf8(buf, from, close);
            i = close + 1;
            break;
          }
          const after = buf[i];
          if (i < length && after !== COMMA && after !== LF && after !== CR)
            throw new FastCsvUnsupported('a byte follows a closing quote');
        } else {
          let end = i;
          for (; end < length; end++) {
            const byte = buf[end]!;
            if (byte > QUOTE && byte !== COMMA) continue;
            if (byte === COMMA || byte === LF || byte === CR) break;
            if (byte === QUOTE) throw new FastCsvUnsupported('a quote inside an unquoted field');
          }
          if (end === length && !final) break record;
          value = utf8(buf, i, end);
          i = end;
        }
        fields.push(value);
        if (i === length) {
          if (!final) break record;
          records.push(fields);
          recordStart = i;
          break record;
        }
        if (buf[i] === COMMA) {
          i++;
          if (i === length && !final) break record;
          if (i === length) {
            fields.push(''); // a comma at the very end: one more, empty field
            records.push(fields);
            recordStart = i;
            break record;
          }
          continue;
        }
        // LF, CR or CRLF
        if (buf[i] === CR && i + 1 === length && !final) break record; // is an LF next?
        i += buf[i] === CR && buf[i + 1] === LF ? 2 : 1;
        records.push(fields);
        recordStart = i;
        continue record;
      }
    }
    rest = recordStart < length ? buf.subarray(recordStart) : undefined;
    return records;
  }

  return {
    feed(chunk) {
      const records = parse(rest === undefined ? chunk : Buffer.concat([rest, chunk]), false);
      if (rest !== undefined && rest.length > maxRecordBytes)
        throw new FastCsvUnsupported(`a record longer than ${maxRecordBytes} bytes`);
      return records;
    },
    end() {
      const last = rest;
      rest = undefined;
      return last === undefined ? [] : parse(last, true);
    },
    get blankLines() {
      return blankLines;
    },
  };
}

/**
 * The parser as a stream: bytes in, one array of records out per chunk that ends any;
 * `counts.blankLines` follows the parser's.
 */
export function createFastCsvStream(counts: { blankLines: number } = { blankLines: 0 }): Transform {
  const parser = createFastCsvParser();
  const emit = (stream: Transform, records: string[][]) => {
    counts.blankLines = parser.blankLines;
    if (records.length > 0) stream.push(records);
  };
  return new Transform({
    readableObjectMode: true,
    transform(this: Transform, chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        emit(this, parser.feed(chunk));
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
    flush(this: Transform, callback: TransformCallback) {
      try {
        emit(this, parser.end());
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
  });
}
