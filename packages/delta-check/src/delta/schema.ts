import { DeltaLogError } from '../errors.js';

/** A Delta data type, as the protocol's `schemaString` spells it. */
export type DeltaType =
  | { kind: 'string' | 'boolean' | 'binary' | 'date' | 'timestamp' | 'timestamp_ntz' }
  | { kind: 'byte' | 'short' | 'integer' | 'long' | 'float' | 'double' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'struct'; fields: DeltaField[] }
  | { kind: 'array'; element: DeltaType }
  | { kind: 'map'; key: DeltaType; value: DeltaType }
  | { kind: 'unsupported'; name: string };

export interface DeltaField {
  name: string;
  type: DeltaType;
  nullable: boolean;
  metadata: Record<string, unknown>;
}

const PRIMITIVES = new Set([
  'string',
  'boolean',
  'binary',
  'date',
  'timestamp',
  'timestamp_ntz',
  'byte',
  'short',
  'integer',
  'long',
  'float',
  'double',
]);

/** Parses a table's `metaData.schemaString` into its top-level fields. */
export function parseSchemaString(schemaString: string, where: string): DeltaField[] {
  let json: unknown;
  try {
    json = JSON.parse(schemaString);
  } catch (err) {
    throw new DeltaLogError('DELTA_LOG_CORRUPT', `${where}: metaData.schemaString is not JSON`, {
      cause: err,
    });
  }
  const type = parseType(json);
  if (type.kind !== 'struct') {
    throw new DeltaLogError(
      'DELTA_LOG_CORRUPT',
      `${where}: metaData.schemaString is not a struct type`,
    );
  }
  return type.fields;
}

function parseType(json: unknown): DeltaType {
  if (typeof json === 'string') {
    if (PRIMITIVES.has(json)) return { kind: json } as DeltaType;
    const decimal = /^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/.exec(json);
    if (decimal)
      return { kind: 'decimal', precision: Number(decimal[1]), scale: Number(decimal[2]) };
    if (json === 'decimal') return { kind: 'decimal', precision: 10, scale: 0 };
    return { kind: 'unsupported', name: json };
  }
  const obj = (json ?? {}) as Record<string, unknown>;
  switch (obj.type) {
    case 'struct':
      return {
        kind: 'struct',
        fields: ((obj.fields as unknown[] | undefined) ?? []).map((f) => {
          const field = f as Record<string, unknown>;
          return {
            name: String(field.name),
            type: parseType(field.type),
            nullable: field.nullable !== false,
            metadata: (field.metadata as Record<string, unknown> | undefined) ?? {},
          };
        }),
      };
    case 'array':
      return { kind: 'array', element: parseType(obj.elementType) };
    case 'map':
      return { kind: 'map', key: parseType(obj.keyType), value: parseType(obj.valueType) };
    default:
      return { kind: 'unsupported', name: JSON.stringify(json) };
  }
}

/** The Delta type spelled as in the protocol, for messages and reports. */
export function typeName(type: DeltaType): string {
  switch (type.kind) {
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    case 'struct':
      return `struct<${type.fields.map((f) => `${f.name}:${typeName(f.type)}`).join(',')}>`;
    case 'array':
      return `array<${typeName(type.element)}>`;
    case 'map':
      return `map<${typeName(type.key)},${typeName(type.value)}>`;
    case 'unsupported':
      return type.name;
    default:
      return type.kind;
  }
}
