/**
 * avsc type hook for Debezium's Avro schemas (via the Apicurio/Confluent converter):
 * - every `long` decodes as a BigInt (Debezium's `source.ts_ns` exceeds 2^53);
 * - `bytes` with `logicalType: decimal` → exact decimal string with the schema's scale;
 * - Debezium / Connect dates, times and timestamps → exact ISO strings (no float, no `Date`).
 *
 * A hook, not a shared avsc `registry`: each schema gets its own registry, so a second
 * schema that redefines `io.debezium.connector.postgresql.Source` does not clash.
 */
import avro from 'avsc';
import type { ForSchemaOptions, Schema, Type } from 'avsc';
import { dateFromDays, decimalFromBytes, timeFromUnits, timestampFromEpoch } from './decimal.js';

type SchemaNode = Record<string, unknown> & { type?: unknown };

/** `long` as BigInt: the documented avsc recipe (LongType.__with). */
export const bigIntLong: Type = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(n);
    return buf;
  },
  fromJSON: (value: unknown) => BigInt(value as string),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

type Converter = (value: unknown) => unknown;

/** A logical type whose decoded value is `convert(underlying)`; encoding is not needed by the validator. */
class ConvertedType extends avro.types.LogicalType {
  private readonly convert: Converter;
  constructor(schema: Schema, opts: Partial<ForSchemaOptions>, convert: Converter) {
    // The underlying type is built with only the long hook, so this hook does not recurse.
    super(schema, { ...opts, typeHook: longHook });
    this.convert = convert;
  }
  protected override _fromValue(value: unknown): unknown {
    return this.convert(value);
  }
  protected override _toValue(value: unknown): unknown {
    return value;
  }
  protected override _resolve(type: Type): unknown {
    return Object.getPrototypeOf(type) === Object.getPrototypeOf(this)
      ? (v: unknown) => v
      : undefined;
  }
}

function longHook(schema: Schema): Type | undefined {
  if (schema === 'long' || (isNode(schema) && schema.type === 'long')) return bigIntLong;
  return undefined;
}

function isNode(schema: unknown): schema is SchemaNode {
  return typeof schema === 'object' && schema !== null && !Array.isArray(schema);
}

const big = (v: unknown) => v as bigint;

/** Converters keyed by Connect/Debezium semantic name or Avro logical type, per underlying primitive. */
const LONG_CONVERTERS: Record<string, Converter> = {
  'io.debezium.time.MicroTimestamp': (v) => timestampFromEpoch(big(v), 6),
  'io.debezium.time.Timestamp': (v) => timestampFromEpoch(big(v), 3),
  'io.debezium.time.NanoTimestamp': (v) => timestampFromEpoch(big(v), 9),
  'io.debezium.time.MicroTime': (v) => timeFromUnits(big(v), 6),
  'io.debezium.time.NanoTime': (v) => timeFromUnits(big(v), 9),
  'org.apache.kafka.connect.data.Timestamp': (v) => timestampFromEpoch(big(v), 3),
  'timestamp-millis': (v) => timestampFromEpoch(big(v), 3),
  'timestamp-micros': (v) => timestampFromEpoch(big(v), 6),
  'time-micros': (v) => timeFromUnits(big(v), 6),
};
const INT_CONVERTERS: Record<string, Converter> = {
  'io.debezium.time.Date': (v) => dateFromDays(v as number),
  'org.apache.kafka.connect.data.Date': (v) => dateFromDays(v as number),
  date: (v) => dateFromDays(v as number),
  'io.debezium.time.Time': (v) => timeFromUnits(BigInt(v as number), 3),
  'org.apache.kafka.connect.data.Time': (v) => timeFromUnits(BigInt(v as number), 3),
  'time-millis': (v) => timeFromUnits(BigInt(v as number), 3),
};

function semanticName(node: SchemaNode): string | undefined {
  const connectName = node['connect.name'];
  if (typeof connectName === 'string') return connectName;
  return typeof node.logicalType === 'string' ? node.logicalType : undefined;
}

function decimalScale(node: SchemaNode): number {
  if (typeof node.scale === 'number') return node.scale;
  const params = node['connect.parameters'];
  if (isNode(params) && typeof params.scale === 'string') return Number(params.scale);
  return 0;
}

/** The avsc `typeHook` to pass as the registry client's AVRO options. */
export function debeziumTypeHook(schema: Schema, opts: ForSchemaOptions): Type | undefined {
  const long = longHook(schema);
  if (long) {
    const name = isNode(schema) ? semanticName(schema) : undefined;
    const convert = name === undefined ? undefined : LONG_CONVERTERS[name];
    return convert && isNode(schema) ? new ConvertedType(schema, opts, convert) : long;
  }
  if (!isNode(schema)) return undefined;
  const name = semanticName(schema);
  if (schema.type === 'int' && name !== undefined) {
    const convert = INT_CONVERTERS[name];
    return convert ? new ConvertedType(schema, opts, convert) : undefined;
  }
  if (
    schema.type === 'bytes' &&
    (schema.logicalType === 'decimal' || name === 'org.apache.kafka.connect.data.Decimal')
  ) {
    const scale = decimalScale(schema);
    return new ConvertedType(schema, opts, (v) => decimalFromBytes(v as Buffer, scale));
  }
  return undefined;
}

/** Debezium's VariableScaleDecimal (`numeric` without a declared scale) → exact string. */
export function normalizeValue(value: unknown): unknown {
  if (
    isNode(value) &&
    Object.keys(value).length === 2 &&
    typeof value.scale === 'number' &&
    Buffer.isBuffer(value.value)
  ) {
    return decimalFromBytes(value.value, value.scale);
  }
  return value;
}
