/**
 * The canonical form both sides are reduced to before hashing: one string per
 * value (or null), chosen by the PostgreSQL column's type, so that a value
 * that is equal in meaning is equal in text whatever the lake stored it as
 * (the texts are `@mdp/schemas`' canonical ones, which the validator uses too):
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
import {
  canonicalDecimal,
  canonicalFloat,
  canonicalJson,
  canonicalTime,
  canonicalTimestamp,
} from '@mdp/schemas';
import type { DeltaValue } from '../delta/parquet-file.js';
import { daysToDate, microsToIso } from '../delta/values.js';

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
      return canonicalDecimal(text);
    case 'float4':
      return canonicalFloat(Math.fround(Number(text)));
    case 'float8':
      return canonicalFloat(Number(text));
    case 'bool':
      return text === 't' || text === 'true' ? 'true' : 'false';
    case 'uuid':
      return text.toLowerCase();
    case 'json':
      return canonicalJson(text);
    default:
      return text;
  }
}

/** A lake value in the canonical form of the PostgreSQL column it is compared with. */
export function canonicalFromLake(value: DeltaValue | undefined, kind: CanonicalKind): Canonical {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'decimal':
      return canonicalDecimal(scalarText(value));
    case 'integer':
      return typeof value === 'string' ? canonicalDecimal(value) : scalarText(value);
    case 'float4':
      return canonicalFloat(Math.fround(Number(scalarText(value))));
    case 'float8':
      return canonicalFloat(Number(scalarText(value)));
    case 'timestamp':
      // Spark may have kept Debezium's epoch micros as a long.
      if (typeof value === 'bigint' || typeof value === 'number')
        return microsToIso(BigInt(value), true);
      return typeof value === 'string' ? canonicalTimestamp(value, 'utc') : scalarText(value);
    case 'date':
      return typeof value === 'number' || typeof value === 'bigint'
        ? daysToDate(Number(value))
        : scalarText(value);
    case 'time':
      if (typeof value === 'bigint' || typeof value === 'number') {
        return microsToIso(BigInt(value), false).slice(11);
      }
      return canonicalTime(scalarText(value));
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
        ? canonicalJson(value)
        : canonicalJson(JSON.stringify(toJsonable(value)));
    default:
      return scalarText(value);
  }
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
