/**
 * Column types the loader infers or accepts as overrides, and the value
 * checks behind them. A value that passes a check is accepted by PostgreSQL
 * for that type exactly (after {@link encodeForCopy} where noted).
 */

export type ColumnType =
  | { kind: 'smallint' }
  | { kind: 'integer' }
  | { kind: 'bigint' }
  | { kind: 'numeric'; precision: number; scale: number }
  | { kind: 'boolean' }
  | { kind: 'date' }
  | { kind: 'timestamptz' }
  | { kind: 'timestamp' }
  | { kind: 'uuid' }
  | { kind: 'text' };

export type ColumnKind = ColumnType['kind'];

export function sqlType(type: ColumnType): string {
  switch (type.kind) {
    case 'numeric':
      return `numeric(${type.precision},${type.scale})`;
    case 'timestamptz':
      return 'timestamp with time zone';
    case 'timestamp':
      return 'timestamp without time zone';
    default:
      return type.kind;
  }
}

/** Parses `integer`, `numeric(10,2)`, `timestamptz`, … (as in an override file). */
export function parseColumnType(text: string): ColumnType | undefined {
  const t = text.trim().toLowerCase();
  const numeric = /^(?:numeric|decimal)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(t);
  if (numeric) {
    const precision = Number(numeric[1]);
    const scale = Number(numeric[2] ?? 0);
    if (precision < 1 || precision > 1000 || scale > precision) return undefined;
    return { kind: 'numeric', precision, scale };
  }
  const aliases: Record<string, ColumnKind> = {
    smallint: 'smallint',
    int2: 'smallint',
    integer: 'integer',
    int: 'integer',
    int4: 'integer',
    bigint: 'bigint',
    int8: 'bigint',
    boolean: 'boolean',
    bool: 'boolean',
    date: 'date',
    timestamptz: 'timestamptz',
    'timestamp with time zone': 'timestamptz',
    timestamp: 'timestamp',
    'timestamp without time zone': 'timestamp',
    uuid: 'uuid',
    text: 'text',
  };
  const kind = aliases[t];
  if (kind === undefined || kind === 'numeric') return undefined;
  return { kind };
}

const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const DECIMAL = /^-?(0|[1-9]\d*)(?:\.(\d+))?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(Z|[+-](\d{2})(?::?(\d{2}))?)?$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);

const INT_RANGES = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
} as const;

export function isInteger(value: string): boolean {
  return INTEGER.test(value);
}

/** Integer digits and scale of a decimal literal, or undefined. `-0.50` → {intDigits: 0, scale: 2}. */
export function decimalShape(value: string): { intDigits: number; scale: number } | undefined {
  const match = DECIMAL.exec(value);
  if (!match) return undefined;
  const intPart = match[1]!;
  return { intDigits: intPart === '0' ? 0 : intPart.length, scale: match[2]?.length ?? 0 };
}

/** The smallest integer type that holds [min, max], or undefined when bigint cannot. */
export function integerKind(
  min: bigint,
  max: bigint,
): 'smallint' | 'integer' | 'bigint' | undefined {
  for (const kind of ['smallint', 'integer', 'bigint'] as const) {
    const [lo, hi] = INT_RANGES[kind];
    if (min >= lo && max <= hi) return kind;
  }
  return undefined;
}

export function parseBoolean(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return undefined;
}

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const days = [
    31,
    y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  return d <= (days[m - 1] ?? 0);
}

export function isDate(value: string): boolean {
  const m = DATE.exec(value);
  return m !== null && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** 'tz' for an ISO timestamp with an offset or Z, 'naive' without, undefined if not one. */
export function timestampShape(value: string): 'tz' | 'naive' | undefined {
  const m = TIMESTAMP.exec(value);
  if (!m) return undefined;
  if (!validDate(Number(m[1]), Number(m[2]), Number(m[3]))) return undefined;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return undefined;
  if (m[7] === undefined) return 'naive';
  if (m[7] !== 'Z' && (Number(m[8]) > 15 || Number(m[9] ?? 0) > 59)) return undefined;
  return 'tz';
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Whether a non-empty value fits a column type exactly. */
export function fits(type: ColumnType, value: string): boolean {
  switch (type.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint': {
      if (!INTEGER.test(value)) return false;
      const n = BigInt(value);
      const [lo, hi] = INT_RANGES[type.kind];
      return n >= lo && n <= hi;
    }
    case 'numeric': {
      const shape = decimalShape(value);
      return (
        shape !== undefined &&
        shape.scale <= type.scale &&
        shape.intDigits <= type.precision - type.scale
      );
    }
    case 'boolean':
      return parseBoolean(value) !== undefined;
    case 'date':
      return isDate(value);
    case 'timestamptz':
      return timestampShape(value) !== undefined;
    case 'timestamp':
      return timestampShape(value) === 'naive';
    case 'uuid':
      return isUuid(value);
    case 'text':
      return true;
  }
}
