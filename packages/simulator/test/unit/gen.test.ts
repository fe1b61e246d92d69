import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { ORDER_STATUSES, type Customer } from '@mdp/schemas';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { WORLD } from '../../src/fake/places.js';
import {
  CUSTOMER_COLUMNS,
  ORDER_COLUMNS,
  PRODUCT_COLUMNS,
  createRows,
} from '../../src/generate/generate.js';
import { generateDataset } from '../../src/generate/write.js';
import { main } from '../../src/generate/main.js';

const DATA_DIR = fileURLToPath(new URL('../../../../data/', import.meta.url));
const FILES = ['customers.csv', 'products.csv', 'orders.csv'];
const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mdp-gen-'));
  dirs.push(dir);
  return dir;
}

async function generate(seed: number, scale: number): Promise<string> {
  const dir = await tempDir();
  await generateDataset({ out: dir, seed, scale });
  return dir;
}

/** `sim:gen ...argv` in this process: its exit code and what it wrote. */
async function simGen(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(
    (chunk) => ((stdout += String(chunk)), true),
  );
  vi.spyOn(process.stderr, 'write').mockImplementation(
    (chunk) => ((stderr += String(chunk)), true),
  );
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
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

const customers = (seed: number, n: number, locale?: string): Customer[] => {
  const made = createRows(seed, locale);
  return Array.from({ length: n }, (_, i) => made.customer(i + 1));
};

// Country calling codes: a customer's phone is of its own country.
const DIAL: Record<string, string> = {
  ...{ DE: '+49', FR: '+33', ES: '+34', PL: '+48', SE: '+46', GB: '+44', US: '+1' },
  ...{ BR: '+55', IN: '+91', JP: '+81', VN: '+84', AU: '+61', AT: '+43' },
};
const EMAIL = /^[a-z0-9](?:[a-z0-9._+-]*[a-z0-9])?@example\.(?:com|org|net)$/;
// What a template or a missing value would leave behind.
const PLACEHOLDER = /\{\{|\}\}|\bundefined\b|\bnull\b|\bNaN\b|\[object|\blorem\b/;

describe('sim:gen', () => {
  it('writes the same bytes for the same seed, other bytes for another seed', async () => {
    const [a, b, c] = [await tempDir(), await tempDir(), await tempDir()];
    for (const [dir, seed] of [
      [a, 'five'],
      [b, 'five'],
      [c, 'six'],
    ] as const)
      expect((await simGen('--out', dir, '--seed', seed, '--scale', '0.5')).code).toBe(0);
    expect(await digest(a)).toEqual(await digest(b));
    const other = await digest(c);
    expect((await digest(a)).every((hash, i) => hash !== other[i])).toBe(true);
  });

  it('reproduces the shipped data/ exactly with --scale 1 --seed 42', async () => {
    expect(await digest(await generate(42, 1))).toEqual(await digest(DATA_DIR));
  });

  it('uses exactly the fields of Customer, Product and Order', async () => {
    const made = createRows(1);
    expect(Object.keys(made.customer(1))).toEqual([...CUSTOMER_COLUMNS]);
    expect(Object.keys(made.product(1))).toEqual([...PRODUCT_COLUMNS]);
    expect(Object.keys(made.order(1, { customers: 1, products: 1, orders: 1 }))).toEqual([
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
    expect(new Set(products.map((p) => p.sku)).size).toBe(products.length);
    expect(customers.some((c) => c.street!.includes('\n'))).toBe(true);
    expect(customers.some((c) => c.street!.includes(','))).toBe(true);
    expect(customers.some((c) => c.phone === '')).toBe(true);
    // eslint-disable-next-line no-control-regex
    expect(customers.some((c) => /[^\x00-\x7f]/.test(c.full_name!))).toBe(true);
    expect(products.some((p) => p.name!.includes('"'))).toBe(true);
    expect(products.some((p) => p.name!.includes(','))).toBe(true);
    expect(orders.some((o) => /[+-]\d{2}:\d{2}$/.test(o.placed_at!))).toBe(true);
    expect(products.every((p) => /^\d+\.\d{2}$/.test(p.unit_price!))).toBe(true);
    expect(products.every((p) => Number(p.stock) >= 0)).toBe(true);
  });
});

describe('realistic customers and products (faker)', () => {
  it('gives 10,000 customers valid, unique emails and realistic, varied values', () => {
    const made = customers(3, 10_000);
    expect(new Set(made.map((c) => c.email)).size).toBe(made.length);
    expect(made.filter((c) => !EMAIL.test(c.email)).map((c) => c.email)).toEqual([]);
    for (const c of made) {
      for (const text of [c.full_name, c.street, c.city, c.phone ?? ''])
        expect(text, JSON.stringify(c)).not.toMatch(PLACEHOLDER);
      expect(c.full_name.trim().length, JSON.stringify(c)).toBeGreaterThan(2);
      expect(c.city.trim(), JSON.stringify(c)).not.toBe('');
      if (c.phone !== null) expect(c.phone.startsWith(DIAL[c.country]!), c.phone).toBe(true);
    }
    // Names and streets from faker's data, not from a short list.
    expect(new Set(made.map((c) => c.full_name)).size).toBeGreaterThan(9_000);
    expect(new Set(made.map((c) => c.street)).size).toBeGreaterThan(9_000);
    expect(new Set(made.map((c) => c.country))).toEqual(new Set(WORLD.map((p) => p.country)));
    // Locale-aware: Japanese customers have Japanese names.
    const japanese = made.filter((c) => c.country === 'JP');
    expect(japanese.every((c) => /\p{Script=Han}|\p{Script=Hiragana}/u.test(c.full_name))).toBe(
      true,
    );
  });

  it('names products and categories from faker, with unique SKUs', () => {
    const made = createRows(4);
    const products = Array.from({ length: 2_000 }, (_, i) => made.product(i + 1));
    expect(new Set(products.map((p) => p.sku)).size).toBe(products.length);
    for (const p of products) {
      expect(p.sku).toMatch(/^[A-Z]{1,3}-\d{6,}$/);
      for (const text of [p.name, p.category]) expect(text).not.toMatch(PLACEHOLDER);
      expect(Number(p.unit_price)).toBeGreaterThan(0);
    }
    expect(new Set(products.map((p) => p.name)).size).toBeGreaterThan(1_500);
    expect(new Set(products.map((p) => p.category)).size).toBeGreaterThan(10);
  });

  it('--locale puts every customer in that locale and its country', async () => {
    const austrians = customers(5, 500, 'de_AT');
    expect(austrians.every((c) => c.country === 'AT')).toBe(true);
    expect(austrians.every((c) => c.phone === null || c.phone.startsWith('+43'))).toBe(true);
    const dir = await tempDir();
    expect((await simGen('--out', dir, '--scale', '0.1', '--locale', 'ja')).code).toBe(0);
    const written = rows(await readFile(join(dir, 'customers.csv'), 'utf8'));
    expect(new Set(written.map((c) => c.country))).toEqual(new Set(['JP']));
    const orders = rows(await readFile(join(dir, 'orders.csv'), 'utf8'));
    expect(orders.every((o) => o.placed_at!.endsWith('+09:00'))).toBe(true);
  });

  it('exits 2 on a locale faker lacks or that names no country, and names the allowed ones', async () => {
    const dir = await tempDir();
    for (const locale of ['xx', 'it', 'base']) {
      const run = await simGen('--out', dir, '--locale', locale);
      expect(run.code, locale).toBe(2);
      for (const allowed of ['de', 'en_GB', 'fr_CA', 'ja']) expect(run.stderr).toContain(allowed);
    }
    const help = await simGen('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--locale');
  });

  it("--domain clinic writes the clinic's tables (same seed, same bytes); an unknown domain exits 2", async () => {
    const [a, b] = [await tempDir(), await tempDir()];
    for (const dir of [a, b])
      expect((await simGen('--domain', 'clinic', '--out', dir, '--scale', '0.1')).code).toBe(0);
    for (const file of ['patients.csv', 'appointments.csv', 'lab_results.csv'])
      expect(await readFile(join(a, file), 'utf8')).toBe(await readFile(join(b, file), 'utf8'));
    const header = (await readFile(join(a, 'lab_results.csv'), 'utf8')).split('\n')[0];
    expect(header).toBe('id,appointment_id,test,value,unit,flag,reported_at');
    const unknown = await simGen('--domain', 'shop', '--out', a);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('not a built-in domain (retail, clinic)');
  });
});
