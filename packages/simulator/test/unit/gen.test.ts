import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { ORDER_STATUSES } from '@mdp/schemas';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CUSTOMER_COLUMNS,
  ORDER_COLUMNS,
  PRODUCT_COLUMNS,
  customerRow,
  generateDataset,
  orderRow,
  productRow,
} from '../../src/generate/generate.js';

const DATA_DIR = fileURLToPath(new URL('../../../../data/', import.meta.url));
const FILES = ['customers.csv', 'products.csv', 'orders.csv'];
const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function generate(seed: number, scale: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mdp-gen-'));
  dirs.push(dir);
  await generateDataset({ out: dir, seed, scale });
  return dir;
}

async function digest(dir: string): Promise<string[]> {
  return Promise.all(
    FILES.map(async (f) =>
      createHash('sha256')
        .update(await readFile(join(dir, f)))
        .digest('hex'),
    ),
  );
}

function rows(text: string): Record<string, string>[] {
  return parse<Record<string, string>>(text, { columns: true });
}

describe('sim:gen', () => {
  it('writes the same bytes for the same seed and scale, other bytes for another seed', async () => {
    const [a, b, c] = await Promise.all([generate(5, 0.5), generate(5, 0.5), generate(6, 0.5)]);
    expect(await digest(a)).toEqual(await digest(b));
    const other = await digest(c);
    expect((await digest(a)).some((hash, i) => hash !== other[i])).toBe(true);
  });

  it('reproduces the shipped data/ exactly with --scale 1 --seed 42', async () => {
    expect(await digest(await generate(42, 1))).toEqual(await digest(DATA_DIR));
  });

  it('uses exactly the fields of Customer, Product and Order', async () => {
    expect(Object.keys(customerRow(1, 1))).toEqual([...CUSTOMER_COLUMNS]);
    expect(Object.keys(productRow(1, 1))).toEqual([...PRODUCT_COLUMNS]);
    expect(Object.keys(orderRow(1, 1, { customers: 1, products: 1, orders: 1 }))).toEqual([
      ...ORDER_COLUMNS,
    ]);
    for (const [file, columns] of [
      ['customers.csv', CUSTOMER_COLUMNS],
      ['products.csv', PRODUCT_COLUMNS],
      ['orders.csv', ORDER_COLUMNS],
    ] as const) {
      const header = (await readFile(join(DATA_DIR, file), 'utf8')).split('\n')[0];
      expect(header).toBe(columns.join(','));
    }
  });

  it('keeps references and business rules consistent, with the awkward parts present', async () => {
    const dir = await generate(9, 1.5);
    const customers = rows(await readFile(join(dir, 'customers.csv'), 'utf8'));
    const products = rows(await readFile(join(dir, 'products.csv'), 'utf8'));
    const orders = rows(await readFile(join(dir, 'orders.csv'), 'utf8'));
    expect([customers.length, products.length, orders.length]).toEqual([1500, 300, 3000]);
    const customerCreated = new Map(customers.map((c) => [c.id, Date.parse(c.created_at!)]));
    const productCreated = new Map(products.map((p) => [p.id, Date.parse(p.created_at!)]));
    const broken = orders.filter((order) => {
      const placed = Date.parse(order.placed_at!);
      return !(
        placed >= (customerCreated.get(order.customer_id) ?? Infinity) &&
        placed >= (productCreated.get(order.product_id) ?? Infinity) &&
        Date.parse(order.updated_at!) >= placed &&
        (ORDER_STATUSES as readonly string[]).includes(order.status!) &&
        /^\d+\.\d{2}$/.test(order.unit_price!)
      );
    });
    expect(broken.map((o) => o.id)).toEqual([]);
    expect(new Set(customers.map((c) => c.email)).size).toBe(customers.length);
    expect(customers.some((c) => c.street!.includes('\n'))).toBe(true);
    expect(customers.some((c) => c.street!.includes(','))).toBe(true);
    expect(customers.some((c) => c.phone === '')).toBe(true);
    // eslint-disable-next-line no-control-regex
    expect(customers.some((c) => /[^\x00-\x7f]/.test(c.full_name!))).toBe(true);
    expect(products.some((p) => p.name!.includes('"'))).toBe(true);
    expect(orders.some((o) => /[+-]\d{2}:\d{2}$/.test(o.placed_at!))).toBe(true);
    expect(products.every((p) => Number(p.stock) >= 0)).toBe(true);
  });
});
