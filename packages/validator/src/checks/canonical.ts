/**
 * One text form for values from both sides: PostgreSQL's `::text` output (TimeZone UTC)
 * and the decoded stream (BigInt, exact decimal strings, ISO timestamps, booleans).
 */
import type { Row } from '@mdp/schemas';

const TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

export function canonical(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 'true' : 'false'; // boolean::text
  if (typeof value === 'bigint' || typeof value === 'number') return value.toString();
  if (typeof value === 'string') return canonicalString(value);
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function canonicalString(text: string): string {
  const m = TIMESTAMP.exec(text);
  if (!m) return text;
  const [, date, time, fraction = '', zone] = m;
  const micros = fraction.padEnd(6, '0').slice(0, 6);
  if (zone === undefined) return `${date}T${time}.${micros}`;
  if (zone === 'Z' || /^[+-]00(:?00)?$/.test(zone)) return `${date}T${time}.${micros}Z`;
  const utc = new Date(`${date}T${time}${zone.length === 3 ? `${zone}:00` : zone}`).toISOString();
  return `${utc.slice(0, 19)}.${micros}Z`;
}

export function canonicalRow(row: Row): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(row)) out[name] = canonical(value);
  return out;
}

/** A key as one string: its fields in order, canonical values. */
export function keyString(row: Row, fields: readonly string[] = Object.keys(row)): string {
  return JSON.stringify(fields.map((f) => canonical(row[f])));
}

/** Decimal strings compared by value ("12.5" == "12.50"). */
export function sameDecimal(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => {
    const s = String(v);
    return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  };
  return a !== null && a !== undefined && b !== null && b !== undefined && norm(a) === norm(b);
}
