import { parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import type { AsyncBuffer, FileMetaData, ParquetParsers, SchemaElement } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DeltaCheckError, DeltaUnsupportedError } from '../errors.js';
import type { DeltaField, DeltaType } from './schema.js';
import { typeName } from './schema.js';
import {
  bytesToBigInt,
  daysToDate,
  floorDiv,
  microsToIso,
  rescaleDecimal,
  unscaledToDecimal,
} from './values.js';

/**
 * A value as the reader returns it. Exact by construction: `long` → bigint,
 * `decimal(p,s)` → decimal string with s digits, `timestamp` → ISO string with
 * microseconds and `Z`, `timestamp_ntz` → the same without `Z`, `date` →
 * `YYYY-MM-DD`, `binary` → bytes, `integer`/`short`/`byte`/`float`/`double` →
 * number; structs, arrays and maps hold such values.
 */
export type DeltaValue =
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | null
  | DeltaValue[]
  | { [key: string]: DeltaValue };

export type DeltaRow = Record<string, DeltaValue>;

export function asyncBuffer(bytes: Uint8Array): AsyncBuffer {
  return {
    byteLength: bytes.byteLength,
    slice: (start, end) =>
      bytes.buffer.slice(
        bytes.byteOffset + start,
        bytes.byteOffset + (end ?? bytes.byteLength),
      ) as ArrayBuffer,
  };
}

/**
 * hyparquet's default parsers turn timestamps into `Date` (microseconds lost)
 * and dates into `Date`; these keep the exact integers, converted below by
 * the column's Delta type.
 */
const EXACT_PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (millis: bigint) => ({ micros: BigInt(millis) * 1000n }),
  timestampFromMicroseconds: (micros: bigint) => ({ micros: BigInt(micros) }),
  timestampFromNanoseconds: (nanos: bigint) => ({ micros: floorDiv(BigInt(nanos), 1000n) }),
  dateFromDays: (days: number) => ({ days }),
};

interface RawTimestamp {
  micros: bigint;
}
interface RawDate {
  days: number;
}

/**
 * Reads the rows of one Parquet data file, exactly, for the given fields.
 * A field the file lacks (added to the schema later) reads as null.
 */
export async function readDataFile(
  bytes: Uint8Array,
  fields: DeltaField[],
  where: string,
): Promise<DeltaRow[]> {
  const file = asyncBuffer(bytes);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file, { parsers: EXACT_PARSERS });
  } catch (err) {
    throw new DeltaCheckError(
      'PARQUET_READ_FAILED',
      `${where}: not a readable Parquet file: ${String(err)}`,
      {
        cause: err,
        context: { file: where },
      },
    );
  }
  // hyparquet turns DECIMAL into an inexact JS number: strip the annotation so
  // it hands over the raw unscaled integer, and remember each column's scale.
  const scales = new Map<string, number>();
  const topLevel = topLevelElements(metadata.schema);
  for (const element of metadata.schema) {
    if (element.converted_type === 'DECIMAL' || element.logical_type?.type === 'DECIMAL') {
      const scale =
        element.scale ??
        (element.logical_type?.type === 'DECIMAL' ? element.logical_type.scale : 0);
      if (topLevel.has(element)) scales.set(element.name, scale);
      element.converted_type = undefined;
      element.logical_type = undefined;
    }
  }
  const present = new Set([...topLevel].map((e) => e.name));
  const columns = fields.filter((f) => present.has(f.name)).map((f) => f.name);

  let raw: Record<string, unknown>[] = [];
  if (columns.length > 0) {
    try {
      raw = await parquetReadObjects({
        file,
        metadata,
        columns,
        compressors,
        parsers: EXACT_PARSERS,
        utf8: false,
      });
    } catch (err) {
      throw new DeltaCheckError(
        'PARQUET_READ_FAILED',
        `${where}: reading the Parquet data failed: ${String(err)}`,
        {
          cause: err,
          context: { file: where },
        },
      );
    }
  } else {
    raw = Array.from({ length: Number(metadata.num_rows) }, () => ({}));
  }

  return raw.map((record) => {
    const row: DeltaRow = {};
    for (const field of fields) {
      const value = present.has(field.name) ? record[field.name] : null;
      row[field.name] = convert(
        value,
        field.type,
        scales.get(field.name),
        `${where}: column ${field.name}`,
      );
    }
    return row;
  });
}

function topLevelElements(schema: SchemaElement[]): Set<SchemaElement> {
  // schema[0] is the root; its children follow depth-first.
  const out = new Set<SchemaElement>();
  let i = 1;
  const skip = (): void => {
    const el = schema[i++]!;
    for (let c = 0; c < (el.num_children ?? 0); c++) skip();
  };
  for (let c = 0; c < (schema[0]?.num_children ?? 0); c++) {
    out.add(schema[i]!);
    skip();
  }
  return out;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return value.toString();
  return JSON.stringify(value);
}

function convert(
  value: unknown,
  type: DeltaType,
  fileScale: number | undefined,
  where: string,
): DeltaValue {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'string':
      return value instanceof Uint8Array ? decoder.decode(value) : text(value);
    case 'binary':
      return value instanceof Uint8Array ? value : new TextEncoder().encode(text(value));
    case 'boolean':
      return Boolean(value);
    case 'byte':
    case 'short':
    case 'integer':
      return Number(value);
    case 'long':
      return BigInt(value as number | bigint);
    case 'float':
    case 'double':
      return Number(value);
    case 'decimal': {
      const unscaled =
        value instanceof Uint8Array ? bytesToBigInt(value) : BigInt(value as number | bigint);
      const text = unscaledToDecimal(unscaled, fileScale ?? type.scale);
      return rescaleDecimal(text, type.scale) ?? text;
    }
    case 'date':
      if (typeof value === 'object' && 'days' in value) return daysToDate((value as RawDate).days);
      return daysToDate(Number(value));
    case 'timestamp':
    case 'timestamp_ntz': {
      const micros =
        typeof value === 'object' && 'micros' in value
          ? (value as RawTimestamp).micros
          : BigInt(value as number | bigint);
      return microsToIso(micros, type.kind === 'timestamp');
    }
    case 'struct': {
      const record = value as Record<string, unknown>;
      const out: Record<string, DeltaValue> = {};
      for (const f of type.fields)
        out[f.name] = convert(record[f.name], f.type, undefined, `${where}.${f.name}`);
      return out;
    }
    case 'array':
      return (value as unknown[]).map((v) => convert(v, type.element, undefined, where));
    case 'map': {
      const out: Record<string, DeltaValue> = {};
      const entries =
        value instanceof Map
          ? [...(value as Map<unknown, unknown>)]
          : Object.entries(value as Record<string, unknown>);
      for (const [k, v] of entries) out[String(k)] = convert(v, type.value, undefined, where);
      return out;
    }
    default:
      throw new DeltaUnsupportedError(
        'DELTA_UNSUPPORTED_TYPE',
        `${where}: type ${typeName(type)} is not supported by delta-check`,
        { context: { type: typeName(type) } },
      );
  }
}

/** A partition value (always a string in the log) as the typed value of its column. */
export function partitionValue(
  text: string | null | undefined,
  type: DeltaType,
  where: string,
): DeltaValue {
  if (text === null || text === undefined) return null;
  switch (type.kind) {
    case 'string':
      return text;
    case 'binary':
      return new TextEncoder().encode(text);
    case 'boolean':
      return text.toLowerCase() === 'true';
    case 'byte':
    case 'short':
    case 'integer':
    case 'float':
    case 'double':
      return text === '' ? null : Number(text);
    case 'long':
      return text === '' ? null : BigInt(text);
    case 'decimal':
      return text === '' ? null : (rescaleDecimal(text, type.scale) ?? text);
    case 'date':
      return text === '' ? null : text.slice(0, 10);
    case 'timestamp':
    case 'timestamp_ntz': {
      if (text === '') return null;
      const m =
        /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
          text,
        );
      if (!m) {
        throw new DeltaCheckError(
          'DELTA_LOG_CORRUPT',
          `${where}: partition value "${text}" is not a timestamp`,
        );
      }
      const [, y, mo, d, h, mi, s, frac = '', zone] = m;
      let millis = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
      if (zone && zone !== 'Z') {
        const sign = zone.startsWith('-') ? -1 : 1;
        const digits = zone.replace(/[^\d]/g, '');
        millis -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
      }
      const micros = BigInt(millis) * 1000n + BigInt(frac.padEnd(6, '0'));
      return microsToIso(micros, type.kind === 'timestamp');
    }
    default:
      throw new DeltaUnsupportedError(
        'DELTA_UNSUPPORTED_TYPE',
        `${where}: partition column type ${typeName(type)} is not supported by delta-check`,
      );
  }
}
