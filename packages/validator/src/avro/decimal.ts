/** Exact conversions of Debezium's encodings, never through a float. */

/** Big-endian two's-complement bytes (Avro `decimal`) → exact decimal string with `scale` digits. */
export function decimalFromBytes(bytes: Uint8Array, scale: number): string {
  let unscaled = 0n;
  for (const byte of bytes) unscaled = (unscaled << 8n) | BigInt(byte);
  if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) unscaled -= 1n << BigInt(bytes.length * 8);
  return formatUnscaled(unscaled, scale);
}

function formatUnscaled(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale <= 0) return (negative ? '-' : '') + digits + '0'.repeat(-scale);
  const padded = digits.padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/** Exact decimal string → big-endian two's-complement bytes at `scale` (for building test records). */
export function decimalToBytes(value: string, scale: number): Buffer {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) throw new RangeError(`not a decimal: ${value}`);
  const fraction = (match[3] ?? '').padEnd(scale, '0');
  if (fraction.length > scale) throw new RangeError(`${value} has more than ${scale} decimals`);
  let unscaled = BigInt(match[2]! + fraction);
  if (match[1]) unscaled = -unscaled;
  let hex = (
    unscaled < 0n ? (1n << BigInt(byteLength(unscaled) * 8)) + unscaled : unscaled
  ).toString(16);
  hex = hex.padStart(byteLength(unscaled) * 2, unscaled < 0n ? 'f' : '0');
  return Buffer.from(hex, 'hex');
}

function byteLength(n: bigint): number {
  let bytes = 1;
  while (n >= 1n << BigInt(bytes * 8 - 1) || n < -(1n << BigInt(bytes * 8 - 1))) bytes += 1;
  return bytes;
}

const pad = (n: number | bigint, width: number) => n.toString().padStart(width, '0');

/** Days since 1970-01-01 → YYYY-MM-DD. */
export function dateFromDays(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** Sub-second units since epoch (10^digits per second) → ISO local date-time with `digits` fraction digits, no zone. */
export function timestampFromEpoch(value: bigint, digits: 3 | 6 | 9): string {
  const perSecond = 10n ** BigInt(digits);
  let seconds = value / perSecond;
  let fraction = value % perSecond;
  if (fraction < 0n) {
    fraction += perSecond;
    seconds -= 1n;
  }
  const iso = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${iso}.${pad(fraction, digits)}`;
}

/** Sub-second units since midnight → HH:MM:SS.fff… */
export function timeFromUnits(value: bigint, digits: 3 | 6 | 9): string {
  const perSecond = 10n ** BigInt(digits);
  const seconds = value / perSecond;
  const fraction = value % perSecond;
  return `${pad(seconds / 3600n, 2)}:${pad((seconds / 60n) % 60n, 2)}:${pad(seconds % 60n, 2)}.${pad(fraction, digits)}`;
}
