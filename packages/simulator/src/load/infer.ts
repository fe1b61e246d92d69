/**
 * Type inference for one column: feed every value, then ask for the
 * narrowest PostgreSQL type that holds all of them exactly. Candidates are
 * dropped as values rule them out, so a settled text column costs nothing.
 */
import {
  integerKind,
  isDate,
  isUuid,
  measureDecimal,
  parseBoolean,
  timestampShape,
} from './types.js';
import type { ColumnType, DecimalShape } from './types.js';

export interface InferredColumn {
  type: ColumnType;
  nullable: boolean;
  nonNull: number;
}

export interface ColumnInferrer {
  /** One raw CSV value; the empty string is NULL. */
  observe(this: void, value: string): void;
  /** The inferred type; `minInteger` widens integer types (keys: at least `integer`). */
  result(options?: { minInteger?: 'smallint' | 'integer' | 'bigint' }): InferredColumn;
}

/** PostgreSQL's numeric holds at most 1000 digits of precision. */
const MAX_NUMERIC_PRECISION = 1000;

export function createColumnInferrer(): ColumnInferrer {
  let nulls = 0;
  let nonNull = 0;
  let integer = true;
  let decimal = true;
  let boolean = true;
  let date = true;
  let tz = true;
  let naive = true;
  let uuid = true;
  let min: number | bigint = 0;
  let max: number | bigint = 0;
  let intDigits = 0;
  let scale = 0;
  const shape: DecimalShape = { intDigits: 0, scale: 0, point: false };

  function observe(value: string): void {
    if (value === '') {
      nulls++;
      return;
    }
    nonNull++;
    if (decimal) {
      // Integers are the decimals without a point: one scan decides both.
      if (measureDecimal(value, shape)) {
        if (shape.intDigits > intDigits) intDigits = shape.intDigits;
        if (shape.scale > scale) scale = shape.scale;
        if (integer) {
          if (shape.point) integer = false;
          else {
            // Numbers are exact up to 15 digits; longer values take the BigInt path.
            const n = value.length <= 15 ? Number(value) : BigInt(value);
            if (nonNull === 1 || n < min) min = n;
            if (nonNull === 1 || n > max) max = n;
          }
        }
      } else {
        decimal = false;
        integer = false;
      }
    }
    if (boolean && parseBoolean(value) === undefined) boolean = false;
    if (date && !isDate(value)) date = false;
    if (tz || naive) {
      const stamp = timestampShape(value);
      if (stamp !== 'tz') tz = false;
      if (stamp !== 'naive') naive = false;
    }
    if (uuid && !isUuid(value)) uuid = false;
  }

  function result(
    options: { minInteger?: 'smallint' | 'integer' | 'bigint' } = {},
  ): InferredColumn {
    const nullable = nulls > 0 || nonNull === 0;
    return { type: pick(options.minInteger ?? 'smallint'), nullable, nonNull };
  }

  function pick(minInteger: 'smallint' | 'integer' | 'bigint'): ColumnType {
    if (nonNull === 0) return { kind: 'text' };
    if (integer) {
      const order = ['smallint', 'integer', 'bigint'] as const;
      const kind = integerKind(BigInt(min), BigInt(max));
      if (kind !== undefined)
        return { kind: order[Math.max(order.indexOf(kind), order.indexOf(minInteger))]! };
    }
    if (decimal && intDigits + scale <= MAX_NUMERIC_PRECISION) {
      return { kind: 'numeric', precision: Math.max(1, intDigits + scale), scale };
    }
    // 0/1 columns are integers above; booleans need at least one word.
    if (boolean) return { kind: 'boolean' };
    if (date) return { kind: 'date' };
    if (tz) return { kind: 'timestamptz' };
    if (naive) return { kind: 'timestamp' };
    if (uuid) return { kind: 'uuid' };
    return { kind: 'text' };
  }

  return { observe, result };
}
