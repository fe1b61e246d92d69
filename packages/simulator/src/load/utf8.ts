/**
 * A pass-through stream that fails on the first byte sequence that is not
 * UTF-8, naming its line and column (csv-parse would otherwise decode it
 * silently to U+FFFD and the damage would reach the database).
 */
import { isUtf8 } from 'node:buffer';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

export interface Utf8Failure {
  line: number;
  column: number;
  byte: number;
  offset: number;
}

/** Length of a UTF-8 sequence announced by its lead byte; 0 for a continuation or invalid lead. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Bytes at the end of `buf` that start a sequence the next chunk may complete. */
function incompleteTail(buf: Buffer): number {
  for (let back = 1; back <= 3 && back <= buf.length; back++) {
    const byte = buf[buf.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation: look further back
    const need = sequenceLength(byte);
    return need > back ? back : 0;
  }
  return 0;
}

/** Offset of the first invalid byte in a buffer known to hold one. */
function firstInvalid(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const need = sequenceLength(buf[i]!);
    if (need === 0 || i + need > buf.length || !isUtf8(buf.subarray(i, i + need))) return i;
    i += need;
  }
  return buf.length;
}

/** Line ending counts of the bytes seen, quoted newlines included. */
export interface LineEndings {
  crlf: number;
  lf: number;
  cr: number;
}

export function createUtf8Validator(
  onInvalid: (failure: Utf8Failure) => Error,
  endings: LineEndings = { crlf: 0, lf: 0, cr: 0 },
): Transform {
  let previous = -1; // last byte of the previous accepted chunk
  let carry: Buffer = Buffer.alloc(0);
  let lines = 0; // newlines seen before `carry`
  let lineStart: Buffer = Buffer.alloc(0); // bytes of the current line seen so far (for the column)
  let offset = 0;

  function fail(buf: Buffer, at: number): Error {
    const before = buf.subarray(0, at);
    const lastNl = before.lastIndexOf(10);
    let line = lines + 1;
    for (let i = before.indexOf(10); i !== -1; i = before.indexOf(10, i + 1)) line++;
    const lineBytes =
      lastNl === -1 ? Buffer.concat([lineStart, before]) : before.subarray(lastNl + 1);
    const column = [...lineBytes.toString('utf8')].length + 1;
    return onInvalid({ line, column, byte: buf[at]!, offset: offset + at });
  }

  function accept(buf: Buffer): void {
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) {
      lines++;
      if ((i === 0 ? previous : buf[i - 1]) === 13) endings.crlf++;
      else endings.lf++;
    }
    for (let i = buf.indexOf(13); i !== -1; i = buf.indexOf(13, i + 1)) {
      if (i + 1 < buf.length && buf[i + 1] !== 10) endings.cr++;
    }
    if (previous === 13 && buf.length > 0 && buf[0] !== 10) endings.cr++;
    if (buf.length > 0) previous = buf[buf.length - 1]!;
    const lastNl = buf.lastIndexOf(10);
    lineStart =
      lastNl === -1 ? Buffer.concat([lineStart, buf]).subarray(-4096) : buf.subarray(lastNl + 1);
    offset += buf.length;
  }

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const cut = buf.length - incompleteTail(buf);
      const body = buf.subarray(0, cut);
      if (!isUtf8(body)) {
        callback(fail(buf, firstInvalid(body)));
        return;
      }
      accept(body);
      carry = Buffer.from(buf.subarray(cut));
      callback(null, body);
    },
    flush(callback: TransformCallback) {
      if (previous === 13) endings.cr++;
      if (carry.length > 0) callback(fail(carry, 0));
      else callback();
    },
  });
}
