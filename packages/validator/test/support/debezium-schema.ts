/** A Debezium-shaped Avro schema (as the Apicurio converter writes it) and a framing helper, for unit tests. */
import avro from 'avsc';
import type { Schema, Type } from 'avsc';
import { bigIntLong, debeziumTypeHook, type SchemaSource } from '../../src/index.js';

const decimal = {
  type: 'bytes',
  scale: 2,
  precision: 12,
  'connect.version': 1,
  'connect.parameters': { scale: '2', 'connect.decimal.precision': '12' },
  'connect.name': 'org.apache.kafka.connect.data.Decimal',
  logicalType: 'decimal',
};

export function valueSchema(table: string): Schema {
  const row = {
    type: 'record',
    name: 'Value',
    namespace: `mdp.public.${table}`,
    fields: [
      { name: 'id', type: 'long' },
      { name: 'unit_price', type: decimal },
      { name: 'stock', type: 'int' },
      {
        name: 'born',
        type: [
          'null',
          { type: 'int', 'connect.version': 1, 'connect.name': 'io.debezium.time.Date' },
        ],
        default: null,
      },
      {
        name: 'seen_at',
        type: [
          'null',
          { type: 'long', 'connect.version': 1, 'connect.name': 'io.debezium.time.MicroTimestamp' },
        ],
        default: null,
      },
      {
        name: 'created_at',
        type: {
          type: 'string',
          'connect.version': 1,
          'connect.name': 'io.debezium.time.ZonedTimestamp',
        },
      },
      {
        name: 'vs',
        type: [
          'null',
          {
            type: 'record',
            name: 'VariableScaleDecimal',
            namespace: 'io.debezium.data',
            fields: [
              { name: 'scale', type: 'int' },
              { name: 'value', type: 'bytes' },
            ],
          },
        ],
        default: null,
      },
    ],
  };
  return {
    type: 'record',
    name: 'Envelope',
    namespace: `mdp.public.${table}`,
    fields: [
      { name: 'before', type: ['null', row], default: null },
      { name: 'after', type: ['null', `mdp.public.${table}.Value`], default: null },
      {
        name: 'source',
        type: {
          type: 'record',
          name: 'Source',
          namespace: 'io.debezium.connector.postgresql',
          fields: [
            { name: 'version', type: 'string' },
            { name: 'connector', type: 'string' },
            { name: 'name', type: 'string' },
            { name: 'ts_ms', type: 'long' },
            { name: 'ts_ns', type: ['null', 'long'], default: null },
            { name: 'db', type: 'string' },
            { name: 'sequence', type: ['null', 'string'], default: null },
            { name: 'schema', type: 'string' },
            { name: 'table', type: 'string' },
            { name: 'txId', type: ['null', 'long'], default: null },
            { name: 'lsn', type: ['null', 'long'], default: null },
          ],
        },
      },
      { name: 'op', type: 'string' },
      { name: 'ts_ms', type: ['null', 'long'], default: null },
    ],
  } as unknown as Schema;
}

export function keySchema(table: string): Schema {
  return {
    type: 'record',
    name: 'Key',
    namespace: `mdp.public.${table}`,
    fields: [{ name: 'id', type: 'long' }],
  } as unknown as Schema;
}

/** Encoding type: longs as BigInt, everything else raw (decimals as bytes, dates as ints). */
export function writerType(schema: Schema): Type {
  return avro.Type.forSchema(schema, {
    typeHook: (s) =>
      s === 'long' || (typeof s === 'object' && (s as { type?: unknown }).type === 'long')
        ? bigIntLong
        : undefined,
  });
}

export function frame(id: number, type: Type, value: unknown): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(id, 1);
  return Buffer.concat([header, type.toBuffer(value)]);
}

/** An in-memory schema source (ids → schemas), built the way the registry client builds types. */
export function memorySchemas(schemas: Record<number, Schema>): SchemaSource {
  return {
    getSchema: (id) => {
      const schema = schemas[id];
      if (!schema)
        return Promise.reject(Object.assign(new Error(`Schema ${id} not found`), { status: 404 }));
      return Promise.resolve(avro.Type.forSchema(schema, { typeHook: debeziumTypeHook }));
    },
  };
}

export function envelope(
  op: string,
  lsn: bigint,
  before: unknown,
  after: unknown,
  table = 'products',
) {
  return {
    before,
    after,
    source: {
      version: '3.7.0.Final',
      connector: 'postgresql',
      name: 'mdp',
      ts_ms: 1_795_000_000_123n,
      ts_ns: 1_795_000_000_123_456_789n,
      db: 'mdp',
      sequence: '["1","2"]',
      schema: 'public',
      table,
      txId: 777n,
      lsn,
    },
    op,
    ts_ms: 1_795_000_000_200n,
  };
}
