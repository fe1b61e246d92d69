import { describe, expect, it } from 'vitest';
import {
  canonicalDecimal,
  canonicalFloat,
  canonicalJson,
  canonicalTime,
  canonicalTimestamp,
} from '../src/index.js';

describe('canonical texts: a value equal in meaning is equal in text', () => {
  it.each([
    ['12.50', '12.5'],
    ['-0.00', '0'],
    ['0012.0', '12'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['1E+3', '1000'],
    ['-1.5e-3', '-0.0015'],
    ['100', '100'],
    ['12345678901234567.1000', '12345678901234567.1'],
    ['NaN', 'NaN'],
    ['-', '-'],
  ])('decimal %s → %s', (text, expected) => {
    expect(canonicalDecimal(text)).toBe(expected);
  });

  it('timestamps: PostgreSQL text and Debezium ISO forms meet in UTC with microseconds', () => {
    const utc = '2026-11-24T14:26:07.500000Z';
    expect(canonicalTimestamp('2026-11-24 15:26:07.5+01')).toBe(utc);
    expect(canonicalTimestamp('2026-11-24T14:26:07.5Z')).toBe(utc);
    expect(canonicalTimestamp('2026-11-24 14:26:07.500000+00')).toBe(utc);
    expect(canonicalTimestamp('2026-11-24T09:56:07.5-04:30')).toBe(utc);
    // without a zone the wall time stays; 'utc' reads it as UTC (Spark's timestamp_ntz)
    expect(canonicalTimestamp('2026-11-24 14:26:07')).toBe('2026-11-24T14:26:07.000000');
    expect(canonicalTimestamp('2026-11-24T14:26:07.5', 'utc')).toBe(utc);
    expect(canonicalTimestamp('not a time')).toBe('not a time');
  });

  it('times, floats and JSON', () => {
    expect(canonicalTime('14:26:07.5')).toBe('14:26:07.500000');
    expect(canonicalTime('14:26')).toBe('14:26');
    expect(canonicalFloat(0.1)).toBe('0.1');
    expect(canonicalFloat(-0)).toBe('0');
    expect(canonicalFloat(Number.NaN)).toBe('NaN');
    expect(canonicalFloat(-Infinity)).toBe('-Infinity');
    expect(canonicalJson('{"b": 1, "a": {"d": [1, {"f": 2, "e": 3}], "c": null}}')).toBe(
      '{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}',
    );
    expect(canonicalJson('{not json')).toBe('{not json');
  });
});
