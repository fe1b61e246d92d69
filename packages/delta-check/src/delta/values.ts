/**
 * Exact conversions of Parquet's physical values into the values the reader
 * returns: decimals as decimal strings with the column's scale, timestamps as
 * ISO strings with six fractional digits (UTC, `Z` unless timestamp_ntz),
 * dates as `YYYY-MM-DD`. Nothing goes through a JS float.
 */

const MICROS_PER_DAY = 86_400_000_000n;

/** Floor division for bigints (rounds towards -∞, unlike `/`). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

export function daysToDate(days: number): string {
  const d = new Date(days * 86_400_000);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

export function microsToIso(micros: bigint, utc: boolean): string {
  const days = floorDiv(micros, MICROS_PER_DAY);
  let rest = micros - days * MICROS_PER_DAY;
  const fraction = rest % 1_000_000n;
  rest /= 1_000_000n;
  const seconds = Number(rest);
  const hh = Math.floor(seconds / 3600);
  const mm = Math.floor((seconds % 3600) / 60);
  const ss = seconds % 60;
  const time = `${pad(hh, 2)}:${pad(mm, 2)}:${pad(ss, 2)}.${fraction.toString().padStart(6, '0')}`;
  return `${daysToDate(Number(days))}T${time}${utc ? 'Z' : ''}`;
}

/** `12345n, 2` → `"123.45"`; `-5n, 3` → `"-0.005"`. */
export function unscaledToDecimal(unscaled: bigint, scale: number): string {
  if (scale <= 0) return (unscaled * 10n ** BigInt(-scale)).toString();
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** A big-endian two's-complement integer (Parquet's FIXED_LEN_BYTE_ARRAY / BYTE_ARRAY decimals). */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) value -= 1n << BigInt(bytes.length * 8);
  return value;
}

/** A decimal string re-expressed with exactly `scale` fractional digits (no rounding: refuses to lose digits). */
export function rescaleDecimal(text: string, scale: number): string | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) return undefined;
  const [, sign, intPart = '', fracPart = ''] = match;
  const frac = fracPart.replace(/0+$/, '');
  if (frac.length > scale) return undefined;
  const digits = `${intPart.replace(/^0+(?=\d)/, '') || '0'}${scale > 0 ? `.${frac.padEnd(scale, '0')}` : ''}`;
  const zero = /^[0.]*$/.test(digits);
  return sign === '-' && !zero ? `-${digits}` : digits;
}

function pad(n: number, width: number): string {
  return n < 0 ? `-${String(-n).padStart(width, '0')}` : String(n).padStart(width, '0');
}
