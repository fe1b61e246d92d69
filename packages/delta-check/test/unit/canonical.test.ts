import { describe, expect, it } from 'vitest';
import { canonicalFromLake, canonicalFromPg } from '../../src/compare/canonical.js';
import { hashOf } from '../../src/compare/compare-table.js';
import { EXIT, main } from '../../src/main.js';
import { bytesToBigInt, microsToIso, unscaledToDecimal } from '../../src/delta/values.js';

describe('canonical form: the same value gives the same text on both sides', () => {
  it('compares PostgreSQL numeric text with lake decimal strings exactly', () => {
    expect(canonicalFromPg('12345678901234567.10', 'decimal')).toBe(
      canonicalFromLake('12345678901234567.1000', 'decimal'),
    );
    expect(canonicalFromPg('0.10', 'decimal')).not.toBe(
      canonicalFromLake('0.1000000001', 'decimal'),
    );
  });

  it('accepts the lake forms Spark may leave: epoch micros, days, bigints, booleans, bytes', () => {
    expect(canonicalFromLake(1_795_531_567_123_456n, 'timestamp')).toBe(
      '2026-11-24T14:46:07.123456Z',
    );
    expect(canonicalFromLake('2026-11-24T14:46:07.123456Z', 'timestamp')).toBe(
      '2026-11-24T14:46:07.123456Z',
    );
    expect(canonicalFromLake(20_416, 'date')).toBe('2025-11-24');
    expect(canonicalFromLake(9_007_199_254_740_993n, 'integer')).toBe(
      canonicalFromPg('9007199254740993', 'integer'),
    );
    expect(canonicalFromLake(true, 'bool')).toBe(canonicalFromPg('true', 'bool'));
    expect(canonicalFromLake(new Uint8Array([0xde, 0xad]), 'bytea')).toBe(
      canonicalFromPg('dead', 'bytea'),
    );
    expect(canonicalFromLake(Math.fround(1.1), 'float4')).toBe(canonicalFromPg('1.1', 'float4'));
    expect(canonicalFromLake(3_723_000_001n, 'time')).toBe(
      canonicalFromPg('01:02:03.000001', 'time'),
    );
    expect(canonicalFromLake('{"b":1,"a":[2]}', 'json')).toBe(
      canonicalFromPg('{"a": [2], "b": 1}', 'json'),
    );
  });

  it('hashes null apart from every string', () => {
    expect(hashOf([null])).not.toBe(hashOf(['']));
    expect(hashOf(['a', 'b'])).not.toBe(hashOf(['ab', '']));
  });
});

describe('exact Parquet values', () => {
  it('turns unscaled integers and two’s-complement bytes into decimal strings', () => {
    expect(unscaledToDecimal(-5n, 3)).toBe('-0.005');
    expect(unscaledToDecimal(12345n, 2)).toBe('123.45');
    expect(bytesToBigInt(new Uint8Array([0xff, 0xfe]))).toBe(-2n);
  });

  it('prints microsecond timestamps before and after 1970', () => {
    expect(microsToIso(-1n, true)).toBe('1969-12-31T23:59:59.999999Z');
    expect(microsToIso(0n, false)).toBe('1970-01-01T00:00:00.000000');
  });
});

describe('delta:check command line', () => {
  const io = () => {
    const out: string[] = [];
    return {
      out,
      io: { env: {}, stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) },
    };
  };

  it('prints its usage with --help (exit 0)', async () => {
    const { out, io: streams } = io();
    expect(await main(['--help'], streams)).toBe(EXIT.equal);
    expect(out.join('\n')).toContain('--tables');
  });

  it('rejects an unknown flag and says what is allowed (exit 2)', async () => {
    const { out, io: streams } = io();
    expect(await main(['--tabels', 'x'], streams)).toBe(EXIT.usage);
    expect(out.join('\n')).toContain('--tables');
  });

  it('reports every missing setting at once (exit 3)', async () => {
    const { out, io: streams } = io();
    expect(await main(['--log-level', 'silent'], streams)).toBe(EXIT.cannotCheck);
    expect(out.join('\n')).toContain('CONFIG_INVALID');
  });
});
