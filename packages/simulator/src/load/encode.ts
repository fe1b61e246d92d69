/**
 * CSV records → COPY text format. Values were checked in pass 1, so each
 * only needs the spelling PostgreSQL takes for its type: booleans become
 * t/f, the empty string becomes NULL (\N), text escapes \ TAB CR LF.
 */
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import type { ColumnPlan } from './plan.js';
import { isEmptyRecord } from './read.js';
import { parseBoolean } from './types.js';

const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function escapeCopyText(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\n\r\t]/g, (c) => ESCAPES[c]!) : value;
}

type Encode = (value: string) => string;

function encoderFor(column: ColumnPlan): Encode {
  if (column.type.kind === 'boolean')
    return (value) => (value === '' ? '\\N' : parseBoolean(value) ? 't' : 'f');
  return (value) => (value === '' ? '\\N' : escapeCopyText(value));
}

/** Batches of this many characters are handed to the COPY stream at once. */
const BATCH_CHARS = 256 * 1024;

/**
 * A transform from csv-parse records (arrays of fields) to COPY text. The
 * header and any blank line before it are skipped. `onRows` hears the running row count.
 */
export function createCopyEncoder(
  columns: ColumnPlan[],
  onRows?: (rows: number) => void,
): Transform {
  const encoders = columns.map(encoderFor);
  const width = encoders.length;
  let header = true;
  let rows = 0;
  let batch = '';
  return new Transform({
    writableObjectMode: true,
    transform(fields: string[], _encoding, callback: TransformCallback) {
      if (header) {
        header = isEmptyRecord(fields);
        callback();
        return;
      }
      let line = encoders[0]!(fields[0] ?? '');
      for (let i = 1; i < width; i++) line += '\t' + encoders[i]!(fields[i] ?? '');
      batch += line + '\n';
      rows++;
      if (batch.length >= BATCH_CHARS) {
        const out = batch;
        batch = '';
        onRows?.(rows);
        callback(null, out);
        return;
      }
      callback();
    },
    flush(callback: TransformCallback) {
      onRows?.(rows);
      callback(null, batch.length > 0 ? batch : undefined);
    },
  });
}
