/**
 * The canonical text of a value: the one definition of "equal to PostgreSQL" that
 * the validator (the change stream against PostgreSQL's text output) and delta-check
 * (the lake against it, by the column's type) both reduce values to, so that values
 * equal in meaning are equal in text whatever form each side holds them in.
 */

/** `012.500` → `12.5`; `-0.00` → `0`; `1E+3` → `1000`. Returns the input when it is not a number. */
export function canonicalDecimal(text: string): string {
  const trimmed = text.trim();
  const exp = /^([+-]?\d*\.?\d*)[eE]([+-]?\d+)$/.exec(trimmed);
  if (exp) return shiftPoint(exp[1]!, Number(exp[2]));
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(trimmed);
  if (!m || (m[2] === '' && !m[3])) return trimmed; // NaN, Infinity, '', '.'
  const [, sign, int = '', frac = ''] = m;
  const digits = `${int.replace(/^0+(?=\d)/, '') || '0'}.${frac}`.replace(/\.?0*$/, '');
  return sign === '-' && digits !== '0' ? `-${digits}` : digits;
}

function shiftPoint(mantissa: string, exponent: number): string {
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
  return canonicalDecimal(negative ? `-${text}` : text);
}

const TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * A timestamp as `YYYY-MM-DDTHH:MM:SS.ffffff`, in UTC with `Z` when it has a zone
 * (PostgreSQL's `2026-11-24 15:26:07+01`, Debezium's `2026-11-24T14:26:07Z`). One
 * without a zone keeps its wall time, and gets a `Z` when `zoneless` is `'utc'`.
 * Any other text is returned as it is.
 */
export function canonicalTimestamp(text: string, zoneless: 'keep' | 'utc' = 'keep'): string {
  const m = TIMESTAMP.exec(text);
  if (!m) return text;
  const [, date, time, fraction = '', zone] = m;
  const micros = fraction.padEnd(6, '0').slice(0, 6);
  if (zone === undefined) return `${date}T${time}.${micros}${zoneless === 'utc' ? 'Z' : ''}`;
  if (zone === 'Z' || /^[+-]00(:?00)?$/.test(zone)) return `${date}T${time}.${micros}Z`;
  const utc = new Date(`${date}T${time}${zone.length === 3 ? `${zone}:00` : zone}`).toISOString();
  return `${utc.slice(0, 19)}.${micros}Z`;
}

/** `HH:MM:SS` with six fractional digits; any other text as it is. */
export function canonicalTime(text: string): string {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text);
  return m ? `${m[1]}:${m[2]}:${m[3]}.${(m[4] ?? '').padEnd(6, '0')}` : text;
}

/** The shortest text that reads back as the same float; `NaN`, `Infinity`; `-0` is `0`. */
export function canonicalFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return Object.is(n, -0) ? '0' : String(n);
}

/** JSON text with object keys sorted; text that is not JSON as it is. */
export function canonicalJson(text: string): string {
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
