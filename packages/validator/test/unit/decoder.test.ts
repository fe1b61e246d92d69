import { describe, expect, it } from 'vitest';
import {
  createDecoder,
  decimalFromBytes,
  decimalToBytes,
  jsonReplacer,
  type RawRecord,
} from '../../src/index.js';
import {
  envelope,
  frame,
  keySchema,
  memorySchemas,
  valueSchema,
  writerType,
} from '../support/debezium-schema.js';

const schemas = {
  1: keySchema('products'),
  2: valueSchema('products'),
  3: keySchema('orders'),
  4: valueSchema('orders'),
};
const keyW = writerType(schemas[1]);
const valW = writerType(schemas[2]);
const row = (id: bigint, price: string, extra: Record<string, unknown> = {}) => ({
  id,
  unit_price: decimalToBytes(price, 2),
  stock: 5,
  born: 20_000,
  seen_at: 1_795_000_000_123_456n,
  created_at: '2026-11-24T14:26:07.123456Z',
  vs: null,
  ...extra,
});
const record = (key: Buffer | null, value: Buffer | null, offset = '7'): RawRecord => ({
  topic: 'mdp.public.products',
  partition: 0,
  offset,
  key,
  value,
});

describe('decimal conversions', () => {
  it('round-trips exact decimals, negative and large', () => {
    for (const v of [
      '0.00',
      '12.50',
      '-0.01',
      '-128.00',
      '99999999999999999999.99',
      '-12345678901234567890.12',
    ]) {
      expect(decimalFromBytes(decimalToBytes(v, 2), 2)).toBe(v);
    }
  });
});

describe('createDecoder', () => {
  const decoder = createDecoder(memorySchemas(schemas));

  it('decodes an update with BigInt longs, exact decimals, dates and timestamps', async () => {
    const value = frame(
      2,
      valW,
      envelope(
        'u',
        123_456_789_012n,
        row(1n, '10.05'),
        row(1n, '-3.40', { vs: { scale: 3, value: decimalToBytes('1.234', 3) } }),
      ),
    );
    const decoded = await decoder.decode(record(frame(1, keyW, { id: 1n }), value));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    const c = decoded.change;
    expect(c).toMatchObject({
      op: 'u',
      key: { id: 1n },
      lsn: 123_456_789_012n,
      txId: 777n,
      commitTime: '2026-11-18T11:06:40.123Z',
      offset: '7',
    });
    expect(c.before).toMatchObject({
      unit_price: '10.05',
      born: '2024-10-04',
      seen_at: '2026-11-18T11:06:40.123456',
      created_at: '2026-11-24T14:26:07.123456Z',
    });
    expect(c.after).toMatchObject({ unit_price: '-3.40', vs: '1.234' });
    expect(JSON.parse(JSON.stringify(c, jsonReplacer))).toMatchObject({
      lsn: '123456789012',
      key: { id: '1' },
    });
  });

  it('decodes two schemas that both define the Source record (no shared avsc registry)', async () => {
    const orders = await decoder.decode({
      ...record(
        frame(3, writerType(schemas[3]), { id: 9n }),
        frame(4, writerType(schemas[4]), envelope('c', 5n, null, row(9n, '1.00'), 'orders')),
      ),
      topic: 'mdp.public.orders',
    });
    const products = await decoder.decode(
      record(frame(1, keyW, { id: 1n }), frame(2, valW, envelope('d', 6n, row(1n, '1.00'), null))),
    );
    expect(orders.ok && orders.change.op).toBe('c');
    expect(products.ok && products.change.op).toBe('d');
  });

  it('turns a null value into a tombstone', async () => {
    const decoded = await decoder.decode(record(frame(1, keyW, { id: 1n }), null));
    expect(decoded.ok && decoded.change).toMatchObject({
      op: 'tombstone',
      key: { id: 1n },
      before: null,
      after: null,
      lsn: null,
    });
  });

  it.each([
    ['DECODE_BAD_MAGIC', Buffer.from('garbage bytes, not avro')],
    ['DECODE_TRUNCATED', Buffer.from([0, 0, 0])],
    ['DECODE_TRUNCATED', frame(2, valW, envelope('c', 1n, null, row(1n, '1.00'))).subarray(0, 40)],
    ['DECODE_UNKNOWN_SCHEMA', frame(99, valW, envelope('c', 1n, null, row(1n, '1.00')))],
    [
      'DECODE_AVRO',
      Buffer.concat([
        frame(2, valW, envelope('c', 1n, null, row(1n, '1.00'))),
        Buffer.from([1, 2, 3]),
      ]),
    ],
    ['DECODE_NOT_DEBEZIUM', frame(1, keyW, { id: 1n })],
  ])('returns %s as a value, naming topic/partition/offset', async (code, value) => {
    const decoded = await decoder.decode(record(frame(1, keyW, { id: 1n }), value, '42'));
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.error.code).toBe(code);
    expect(decoded.error.where).toEqual({
      topic: 'mdp.public.products',
      partition: 0,
      offset: '42',
      part: 'value',
    });
  });

  it('reports a bad key too', async () => {
    const decoded = await decoder.decode(record(Buffer.from([1, 2]), null));
    expect(!decoded.ok && decoded.error.code).toBe('DECODE_TRUNCATED');
  });
});
