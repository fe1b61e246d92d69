/**
 * One text form for values from both sides: PostgreSQL's `::text` output (TimeZone UTC)
 * and the decoded stream (BigInt, exact decimal strings, ISO timestamps, booleans).
 * Both sides are text already, so no type is needed: timestamps and decimals take
 * `@mdp/schemas`' canonical texts, the ones delta-check compares the lake in.
 */
import { canonicalDecimal, canonicalTimestamp, type Row } from '@mdp/schemas';

export function canonical(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 'true' : 'false'; // boolean::text
  if (typeof value === 'bigint' || typeof value === 'number') return value.toString();
  if (typeof value === 'string') return canonicalTimestamp(value);
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
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
  return (
    typeof a === 'string' && typeof b === 'string' && canonicalDecimal(a) === canonicalDecimal(b)
  );
}
