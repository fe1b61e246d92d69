import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createColumnInferrer } from '../../src/load/infer.js';
import { singular, toSnakeCase } from '../../src/load/names.js';
import { fits, parseColumnType, sqlType } from '../../src/load/types.js';
import { createUtf8Validator } from '../../src/load/utf8.js';
import type { Utf8Failure } from '../../src/load/utf8.js';
import { escapeCopyText } from '../../src/load/encode.js';

function infer(values: string[], minInteger?: 'integer') {
  const inferrer = createColumnInferrer();
  for (const value of values) inferrer.observe(value);
  const result = inferrer.result(minInteger ? { minInteger } : {});
  return { type: sqlType(result.type), nullable: result.nullable };
}

describe('type inference', () => {
  it('picks the smallest integer type that holds every value', () => {
    expect(infer(['1', '-32768', '32767']).type).toBe('smallint');
    expect(infer(['1', '32768']).type).toBe('integer');
    expect(infer(['-2147483649']).type).toBe('bigint');
    expect(infer(['9223372036854775808']).type).toBe('numeric(19,0)');
    expect(infer(['1', '2'], 'integer').type).toBe('integer');
  });

  it('keeps leading zeros and signs as text', () => {
    expect(infer(['007', '12']).type).toBe('text');
    expect(infer(['+5']).type).toBe('text');
    expect(infer([' 5']).type).toBe('text');
  });

  it('sizes numeric to the digits the data needs', () => {
    expect(infer(['12.50', '1299.00', '0.99']).type).toBe('numeric(6,2)');
    expect(infer(['-0.125', '3']).type).toBe('numeric(4,3)');
    expect(infer(['0.5']).type).toBe('numeric(1,1)');
    expect(infer(['1e5']).type).toBe('text');
  });

  it('recognises booleans, but 0/1 alone are integers', () => {
    expect(infer(['true', 'False', 'yes', 'N']).type).toBe('boolean');
    expect(infer(['0', '1']).type).toBe('smallint');
    expect(infer(['0', '1', 'true']).type).toBe('boolean');
    expect(infer(['true', 'maybe']).type).toBe('text');
  });

  it('validates dates and timestamps, with and without offsets', () => {
    expect(infer(['2024-02-29', '2023-12-31']).type).toBe('date');
    expect(infer(['2023-02-29']).type).toBe('text');
    expect(
      infer(['2024-01-02T03:04:05+01:00', '2024-01-02 03:04:05.123456Z', '2024-01-02T03:04-0530'])
        .type,
    ).toBe('timestamp with time zone');
    expect(infer(['2024-01-02T03:04:05', '2024-01-02 03:04']).type).toBe(
      'timestamp without time zone',
    );
    expect(infer(['2024-01-02T03:04:05Z', '2024-01-02T03:04:05']).type).toBe('text');
    expect(infer(['2024-01-02T24:00:00Z']).type).toBe('text');
    expect(infer(['2024-01-02T03:04:05.1234567Z']).type).toBe('text');
    expect(infer(['2024-01-02', '2024-01-02T03:04:05Z']).type).toBe('text');
  });

  it('recognises uuids', () => {
    expect(
      infer(['6f1c2a3e-8d4b-4c1a-9e2f-0a1b2c3d4e5f', '6F1C2A3E-8D4B-4C1A-9E2F-0A1B2C3D4E5F']).type,
    ).toBe('uuid');
  });

  it('treats empty values as NULL: nullable, and all-empty columns are text', () => {
    expect(infer(['1', '', '3'])).toEqual({ type: 'smallint', nullable: true });
    expect(infer(['1', '3'])).toEqual({ type: 'smallint', nullable: false });
    expect(infer(['', ''])).toEqual({ type: 'text', nullable: true });
    expect(infer([])).toEqual({ type: 'text', nullable: true });
  });
});

describe('declared types', () => {
  it('parses the accepted spellings and rejects others', () => {
    expect(parseColumnType('NUMERIC(10, 2)')).toEqual({ kind: 'numeric', precision: 10, scale: 2 });
    expect(parseColumnType('int8')).toEqual({ kind: 'bigint' });
    expect(parseColumnType('timestamp with time zone')).toEqual({ kind: 'timestamptz' });
    expect(parseColumnType('varchar')).toBeUndefined();
    expect(parseColumnType('numeric(2,3)')).toBeUndefined();
  });

  it('checks values against a type exactly', () => {
    expect(fits({ kind: 'smallint' }, '32768')).toBe(false);
    expect(fits({ kind: 'integer' }, 'abc')).toBe(false);
    expect(fits({ kind: 'numeric', precision: 4, scale: 2 }, '99.99')).toBe(true);
    expect(fits({ kind: 'numeric', precision: 4, scale: 2 }, '100.00')).toBe(false);
    expect(fits({ kind: 'numeric', precision: 4, scale: 2 }, '1.234')).toBe(false);
    expect(fits({ kind: 'timestamp' }, '2024-01-01T00:00:00Z')).toBe(false);
  });
});

describe('names', () => {
  it('normalizes headers to snake_case', () => {
    expect(toSnakeCase(' Customer ID ')).toBe('customer_id');
    expect(toSnakeCase('unitPrice')).toBe('unit_price');
    expect(toSnakeCase('HTTPStatus')).toBe('http_status');
    expect(toSnakeCase('Zip-Code (5)')).toBe('zip_code_5');
    expect(toSnakeCase('Größe')).toBe('grosse');
    expect(toSnakeCase('2nd line')).toBe('_2nd_line');
    expect(toSnakeCase('***')).toBe('');
  });

  it('singularizes table names', () => {
    expect(singular('customers')).toBe('customer');
    expect(singular('categories')).toBe('category');
    expect(singular('addresses')).toBe('address');
    expect(singular('boxes')).toBe('box');
    expect(singular('status')).toBe('status');
  });
});

describe('COPY text encoding', () => {
  it('escapes backslash, tab, CR and LF only', () => {
    expect(escapeCopyText('a\\b\tc\r\nd')).toBe('a\\\\b\\tc\\r\\nd');
    expect(escapeCopyText('plain, "quoted" é')).toBe('plain, "quoted" é');
  });
});

describe('UTF-8 validation', () => {
  async function validate(chunks: Buffer[]): Promise<Utf8Failure | undefined> {
    let failure: Utf8Failure | undefined;
    const sink = new Writable({ write: (_chunk, _enc, cb) => cb() });
    await pipeline(
      Readable.from(chunks),
      createUtf8Validator((f) => {
        failure = f;
        return new Error('invalid');
      }),
      sink,
    ).catch(() => undefined);
    return failure;
  }

  it('accepts multi-byte characters split across chunks', async () => {
    const bytes = Buffer.from('a,é\n山田,€\n');
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await validate([bytes.subarray(0, cut), bytes.subarray(cut)])).toBeUndefined();
    }
  });

  it('names the line and column of the first bad byte', async () => {
    const bytes = Buffer.concat([
      Buffer.from('id,name\n1,Zoë\n2,Ren'),
      Buffer.from([0xe9]),
      Buffer.from('e\n'),
    ]);
    expect(await validate([bytes.subarray(0, 12), bytes.subarray(12)])).toMatchObject({
      line: 3,
      column: 6,
      byte: 0xe9,
    });
  });

  it('rejects a sequence cut off at the end of the file', async () => {
    expect(await validate([Buffer.from([0x61, 0x0a, 0xe2, 0x82])])).toMatchObject({
      line: 2,
      column: 1,
    });
  });
});
