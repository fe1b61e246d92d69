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

type ColumnKind = ColumnType['kind'];

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

// The value shapes below are hand-written scanners (char codes, no regex match
// arrays, no substrings): the inference scan runs them on every value. The
// regular expression each one implements is in its comment, and the tests
// check them against it.
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);

const INT_RANGES = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
} as const;

const ZERO = 48;
const MINUS = 45;
const PLUS = 43;
const POINT = 46;
const COLON = 58;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= ZERO + 9;
}

/** Two digits at `at` as a number, or -1. */
function twoDigits(value: string, at: number): number {
  const a = value.charCodeAt(at) - ZERO;
  const b = value.charCodeAt(at + 1) - ZERO;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Where a decimal literal's digits are, for {@link measureDecimal}. */
export interface DecimalShape {
  /** Digits before the point; 0 for a zero integer part (`0.5`, `-0`). */
  intDigits: number;
  /** Digits after the point; 0 without a point. */
  scale: number;
  /** Whether the literal has a point (`1.0` is a decimal, not an integer). */
  point: boolean;
}

/**
 * `-?(0|[1-9]\d*)(\.\d+)?`: fills `shape` and returns true, or returns false
 * (then `shape` holds no meaning).
 */
export function measureDecimal(value: string, shape: DecimalShape): boolean {
  const length = value.length;
  let i = value.charCodeAt(0) === MINUS ? 1 : 0;
  const first = value.charCodeAt(i);
  if (!isDigit(first)) return false;
  const intStart = i;
  i++;
  if (first !== ZERO) while (i < length && isDigit(value.charCodeAt(i))) i++;
  shape.intDigits = first === ZERO ? 0 : i - intStart;
  if (i === length) {
    shape.scale = 0;
    shape.point = false;
    return true;
  }
  if (value.charCodeAt(i) !== POINT || i + 1 === length) return false;
  const fractionStart = ++i;
  while (i < length && isDigit(value.charCodeAt(i))) i++;
  shape.scale = i - fractionStart;
  shape.point = true;
  return i === length;
}

const scratch: DecimalShape = { intDigits: 0, scale: 0, point: false };

/** `-?(0|[1-9]\d*)`: an integer literal PostgreSQL reads as written (no `+`, no leading zero). */
export function isInteger(value: string): boolean {
  return measureDecimal(value, scratch) && !scratch.point;
}

/** Integer digits and scale of a decimal literal, or undefined. `-0.50` → {intDigits: 0, scale: 2}. */
export function decimalShape(value: string): { intDigits: number; scale: number } | undefined {
  if (!measureDecimal(value, scratch)) return undefined;
  return { intDigits: scratch.intDigits, scale: scratch.scale };
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
  // Every spelling is 1 to 5 letters (or 0/1): anything longer is not one, without lowercasing it.
  if (value.length > 5) return undefined;
  const v = value.toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  if (m === 2 && d === 29) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= DAYS_IN_MONTH[m - 1]!;
}

/** `\d{4}-\d{2}-\d{2}` at the start of `value`, as a valid calendar date. */
function datePrefix(value: string): boolean {
  if (value.charCodeAt(4) !== MINUS || value.charCodeAt(7) !== MINUS) return false;
  const century = twoDigits(value, 0);
  const year = twoDigits(value, 2);
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  if (century < 0 || year < 0 || month < 0 || day < 0) return false;
  return validDate(century * 100 + year, month, day);
}

/** `\d{4}-\d{2}-\d{2}`, a valid calendar date. */
export function isDate(value: string): boolean {
  return value.length === 10 && datePrefix(value);
}

/**
 * 'tz' for an ISO timestamp with an offset or Z, 'naive' without, undefined if not one:
 * `\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?`, with a
 * valid date, hour ≤ 23, minutes and seconds ≤ 59, offset ≤ 15:59.
 */
export function timestampShape(value: string): 'tz' | 'naive' | undefined {
  const length = value.length;
  if (length < 16 || !datePrefix(value)) return undefined;
  const t = value.charCodeAt(10);
  if (t !== 84 /* T */ && t !== 32 /* space */) return undefined;
  const hour = twoDigits(value, 11);
  const minute = twoDigits(value, 14);
  if (value.charCodeAt(13) !== COLON || hour < 0 || hour > 23 || minute < 0 || minute > 59)
    return undefined;
  let i = 16;
  if (value.charCodeAt(i) === COLON) {
    const second = twoDigits(value, i + 1);
    if (second < 0 || second > 59) return undefined;
    i += 3;
    if (value.charCodeAt(i) === POINT) {
      const fractionStart = ++i;
      while (i < length && isDigit(value.charCodeAt(i))) i++;
      const digits = i - fractionStart;
      if (digits < 1 || digits > 6) return undefined;
    }
  }
  if (i === length) return 'naive';
  const zone = value.charCodeAt(i);
  if (zone === 90 /* Z */) return i + 1 === length ? 'tz' : undefined;
  if (zone !== PLUS && zone !== MINUS) return undefined;
  const offsetHours = twoDigits(value, i + 1);
  if (offsetHours < 0 || offsetHours > 15) return undefined;
  i += 3;
  if (i === length) return 'tz';
  if (value.charCodeAt(i) === COLON) i++;
  const offsetMinutes = twoDigits(value, i);
  return offsetMinutes >= 0 && offsetMinutes <= 59 && i + 2 === length ? 'tz' : undefined;
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
      if (!isInteger(value)) return false;
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
