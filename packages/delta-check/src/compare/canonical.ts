/**
 * The canonical form both sides are reduced to before hashing: one string per
 * value (or null), chosen by the PostgreSQL column's type, so that a value
 * that is equal in meaning is equal in text whatever the lake stored it as:
 *
 * | PostgreSQL type            | canonical                                   |
 * |----------------------------|---------------------------------------------|
 * | numeric                    | exact decimal, no exponent, trailing zeros dropped: `12.5`, `-0.001`, `0` |
 * | int2/int4/int8/oid         | decimal integer                             |
 * | float4 / float8            | shortest round-trip text of the float32/64 value; `NaN`, `Infinity` |
 * | timestamptz / timestamp    | `YYYY-MM-DDTHH:MM:SS.ffffffZ` in UTC (timestamp: its wall time read as UTC) |
 * | date                       | `YYYY-MM-DD`                                |
 * | time                       | `HH:MM:SS.ffffff`                           |
 * | bool                       | `true` / `false`                            |
 * | bytea                      | lowercase hex                               |
 * | uuid                       | lowercase                                   |
 * | json / jsonb               | JSON with object keys sorted                |
 * | anything else (text, …)    | the text as is                              |
 */
import type { DeltaValue } from '../delta/parquet-file.js';
import { daysToDate, microsToIso, rescaleDecimal } from '../delta/values.js';

export type Canonical = string | null;

export type CanonicalKind =
  | 'decimal'
  | 'integer'
  | 'float4'
  | 'float8'
  | 'timestamp'
  | 'date'
  | 'time'
  | 'bool'
  | 'bytea'
  | 'uuid'
  | 'json'
  | 'text';

/** The canonical kind of a PostgreSQL type (by `pg_type.typname`). */
export function kindOfPgType(typname: string): CanonicalKind {
  switch (typname) {
    case 'numeric':
      return 'decimal';
    case 'int2':
    case 'int4':
    case 'int8':
    case 'oid':
      return 'integer';
    case 'float4':
      return 'float4';
    case 'float8':
      return 'float8';
    case 'timestamptz':
    case 'timestamp':
      return 'timestamp';
    case 'date':
      return 'date';
    case 'time':
      return 'time';
    case 'bool':
      return 'bool';
    case 'bytea':
      return 'bytea';
    case 'uuid':
      return 'uuid';
    case 'json':
    case 'jsonb':
      return 'json';
    default:
      return 'text';
  }
}

/**
 * The SQL expression that makes PostgreSQL print a column in (or close to)
 * its canonical text; {@link canonicalFromPg} finishes the job.
 */
export function pgSelectExpression(quoted: string, typname: string): string {
  switch (typname) {
    case 'timestamptz':
      return `to_char(${quoted} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
    case 'timestamp':
      return `to_char(${quoted}, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
    case 'date':
      return `to_char(${quoted}, 'YYYY-MM-DD')`;
    case 'time':
      return `to_char(${quoted}, 'HH24:MI:SS.US')`;
    case 'bytea':
      return `encode(${quoted}, 'hex')`;
    default:
      return `${quoted}::text`;
  }
}

export function canonicalFromPg(text: string | null, kind: CanonicalKind): Canonical {
  if (text === null) return null;
  switch (kind) {
    case 'decimal':
      return normalizeDecimal(text);
    case 'float4':
      return floatText(Math.fround(Number(text)));
    case 'float8':
      return floatText(Number(text));
    case 'bool':
      return text === 't' || text === 'true' ? 'true' : 'false';
    case 'uuid':
      return text.toLowerCase();
    case 'json':
      return stableJson(text);
    default:
      return text;
  }
}

/** A lake value in the canonical form of the PostgreSQL column it is compared with. */
export function canonicalFromLake(value: DeltaValue | undefined, kind: CanonicalKind): Canonical {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'decimal':
      return normalizeDecimal(scalarText(value));
    case 'integer':
      return typeof value === 'string' ? (normalizeDecimal(value) ?? value) : scalarText(value);
    case 'float4':
      return floatText(Math.fround(Number(scalarText(value))));
    case 'float8':
      return floatText(Number(scalarText(value)));
    case 'timestamp':
      // Spark may have kept Debezium's epoch micros as a long.
      if (typeof value === 'bigint' || typeof value === 'number')
        return microsToIso(BigInt(value), true);
      return typeof value === 'string' && !value.endsWith('Z') && /T\d{2}:/.test(value)
        ? `${value}Z`
        : scalarText(value);
    case 'date':
      return typeof value === 'number' || typeof value === 'bigint'
        ? daysToDate(Number(value))
        : scalarText(value);
    case 'time':
      if (typeof value === 'bigint' || typeof value === 'number') {
        return microsToIso(BigInt(value), false).slice(11);
      }
      return normalizeTime(scalarText(value));
    case 'bool':
      return typeof value === 'boolean'
        ? String(value)
        : canonicalFromPg(scalarText(value), 'bool');
    case 'bytea':
      return value instanceof Uint8Array ? Buffer.from(value).toString('hex') : scalarText(value);
    case 'uuid':
      return scalarText(value).toLowerCase();
    case 'json':
      return typeof value === 'string'
        ? stableJson(value)
        : stableJson(JSON.stringify(toJsonable(value)));
    default:
      return scalarText(value);
  }
}

/** `012.500` → `12.5`; `-0.00` → `0`; `1E+3` → `1000`. Returns the input when it is not a number. */
export function normalizeDecimal(text: string): string {
  const trimmed = text.trim();
  const exp = /^([+-]?\d*\.?\d*)[eE]([+-]?\d+)$/.exec(trimmed);
  if (exp) return shiftDecimal(exp[1]!, Number(exp[2]));
  const fixed = rescaleDecimal(trimmed, digitsAfterPoint(trimmed));
  if (fixed === undefined) return trimmed; // NaN, Infinity
  if (!fixed.includes('.')) return fixed;
  const stripped = fixed.replace(/0+$/, '').replace(/\.$/, '');
  return stripped === '-0' ? '0' : stripped;
}

function digitsAfterPoint(text: string): number {
  const point = text.indexOf('.');
  return point < 0 ? 0 : text.length - point - 1;
}

function shiftDecimal(mantissa: string, exponent: number): string {
  const negative = mantissa.startsWith('-');
  const body = mantissa.replace(/^[+-]/, '');
  const point = body.indexOf('.');
  const digits = body.replace('.', '');
  let pointAt = (point < 0 ? body.length : point) + exponent;
  let padded = digits;
  if (pointAt > padded.length) padded = padded.padEnd(pointAt, '0');
  if (pointAt < 0) {
    padded = '0'.repeat(-pointAt) + padded;
    pointAt = 0;
  }
  const text = `${padded.slice(0, pointAt) || '0'}.${padded.slice(pointAt)}`;
  return normalizeDecimal(negative ? `-${text}` : text);
}

function normalizeTime(text: string): string {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text);
  return m ? `${m[1]}:${m[2]}:${m[3]}.${(m[4] ?? '').padEnd(6, '0')}` : text;
}

function floatText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return Object.is(n, -0) ? '0' : String(n);
}

function scalarText(value: DeltaValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return JSON.stringify(toJsonable(value));
}

function toJsonable(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (Array.isArray(value)) return value.map(toJsonable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toJsonable(v)]),
    );
  }
  return value;
}

function stableJson(text: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    return text;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .map((k) => [k, sortKeys(obj[k])]),
    );
  }
  return value;
}
