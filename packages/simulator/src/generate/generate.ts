/**
 * Deterministic dataset generator: customers.csv, products.csv, orders.csv
 * with exactly the columns of Customer, Product and Order (@mdp/schemas).
 * Every row is derived from (seed, table, id) alone, so files are written as
 * streams in constant memory and references always point at existing rows.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import {
  CUSTOMER_COLUMNS,
  ORDER_COLUMNS,
  PRODUCT_COLUMNS,
  type Customer,
  type Order,
  type OrderStatus,
  type Product,
} from '@mdp/schemas';

import { createRandom, mixSeed } from './random.js';
import type { Random } from './random.js';
import {
  ADDRESS_EXTRAS,
  ADJECTIVES,
  CATEGORIES,
  COUNTRIES,
  DOMAINS,
  FIRST_NAMES,
  LAST_NAMES,
  SECOND_LINES,
  VARIANTS,
} from './vocabulary.js';

export { CUSTOMER_COLUMNS, PRODUCT_COLUMNS, ORDER_COLUMNS };

/** Rows at scale 1 (the shipped data): 3,200 rows in all. */
const BASE_COUNTS = { customers: 1000, products: 200, orders: 2000 } as const;

// Fixed calendar, never the wall clock: the same seed gives the same bytes on any day.
const CUSTOMERS_FROM = Date.UTC(2023, 0, 1);
const CUSTOMERS_TO = Date.UTC(2026, 5, 30);
const PRODUCTS_FROM = Date.UTC(2022, 5, 1);
const PRODUCTS_TO = Date.UTC(2026, 2, 31);
/** The dataset's "now": the newest order is placed before it. */
const DATASET_END = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const TABLE_SALT = { customers: 1, products: 2, orders: 3 } as const;

export interface Counts {
  customers: number;
  products: number;
  orders: number;
}

export function countsForScale(scale: number): Counts {
  const n = (base: number) => Math.max(1, Math.round(base * scale));
  return {
    customers: n(BASE_COUNTS.customers),
    products: n(BASE_COUNTS.products),
    orders: n(BASE_COUNTS.orders),
  };
}

function rowRandom(seed: number, table: keyof typeof TABLE_SALT, id: number): Random {
  return createRandom(mixSeed(seed, TABLE_SALT[table], id));
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** ISO-8601 in a fixed offset: 2025-03-04T10:15:30.123+01:00 (Z for UTC). */
function formatTimestamp(ms: number, offsetMinutes: number): string {
  const d = new Date(ms + offsetMinutes * 60_000);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
  if (offsetMinutes === 0) return `${date}T${time}Z`;
  const abs = Math.abs(offsetMinutes);
  return `${date}T${time}${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function cents(value: number): string {
  return `${Math.floor(value / 100)}.${pad(value % 100)}`;
}

function asciiSlug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[łŁ]/g, 'l')
    .replace(/[øØ]/g, 'o')
    .replace(/ß/g, 'ss')
    .replace(/[þÞ]/g, 'th')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

/** The fields an order needs from its customer, drawn first from the customer's stream. */
function customerCore(seed: number, id: number) {
  const rng = rowRandom(seed, 'customers', id);
  const country = rng.pick(COUNTRIES);
  const createdMs = CUSTOMERS_FROM + Math.floor(rng.next() * (CUSTOMERS_TO - CUSTOMERS_FROM));
  return { rng, country, createdMs };
}

function productCore(seed: number, id: number) {
  const rng = rowRandom(seed, 'products', id);
  const category = rng.pick(CATEGORIES);
  const spread = rng.next() ** 2; // most products are cheap
  let priceCents = category.minCents + Math.floor(spread * (category.maxCents - category.minCents));
  priceCents = rng.chance(0.5)
    ? Math.max(category.minCents, Math.floor(priceCents / 100) * 100 - 1)
    : priceCents;
  const createdMs = PRODUCTS_FROM + Math.floor(rng.next() * (PRODUCTS_TO - PRODUCTS_FROM));
  return { rng, category, priceCents, createdMs };
}

export function customerRow(seed: number, id: number): Customer {
  const { rng, country, createdMs } = customerCore(seed, id);
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const number = String(rng.int(1, 240));
  const streetName = rng.pick(country.streets);
  let street = country.numberFirst ? `${number} ${streetName}` : `${streetName} ${number}`;
  if (rng.chance(0.2)) street += `, ${rng.pick(ADDRESS_EXTRAS)}`;
  if (rng.chance(0.1)) street += `\n${rng.pick(SECOND_LINES)}`;
  const phone = rng.chance(0.75)
    ? `${country.dial} ${rng.int(20, 99)} ${String(rng.int(0, 9_999_999)).padStart(7, '0')}`
    : null;
  const slug = `${asciiSlug(first) || 'customer'}.${asciiSlug(last) || 'x'}`;
  return {
    id,
    email: `${slug}.${id}@${rng.pick(DOMAINS)}`,
    full_name: `${first} ${last}`,
    street,
    city: rng.pick(country.cities),
    country: country.code,
    phone,
    created_at: formatTimestamp(createdMs, country.offset),
  };
}

export function productRow(seed: number, id: number): Product {
  const { rng, category, priceCents, createdMs } = productCore(seed, id);
  let name = `${rng.pick(ADJECTIVES)} ${rng.pick(category.nouns)}`;
  if (rng.chance(0.4)) name += `, ${rng.pick(VARIANTS)}`;
  return {
    id,
    sku: `${category.code}-${String(id).padStart(6, '0')}`,
    name,
    category: category.name,
    unit_price: cents(priceCents),
    stock: rng.chance(0.05) ? 0 : rng.int(1, category.maxStock),
    active: rng.chance(0.92),
    created_at: formatTimestamp(createdMs, 0),
  };
}

function statusForAge(rng: Random, ageMs: number): OrderStatus {
  const u = rng.next();
  if (ageMs > 10 * DAY) return u < 0.9 ? 'delivered' : 'cancelled';
  if (ageMs > 3 * DAY)
    return u < 0.3 ? 'delivered' : u < 0.8 ? 'shipped' : u < 0.9 ? 'paid' : 'cancelled';
  return u < 0.4 ? 'placed' : u < 0.75 ? 'paid' : u < 0.9 ? 'shipped' : 'cancelled';
}

const STATUS_HOURS: Record<OrderStatus, [number, number]> = {
  placed: [0, 0],
  paid: [0, 6],
  shipped: [6, 72],
  delivered: [48, 240],
  cancelled: [0, 48],
};

export function orderRow(seed: number, id: number, counts: Counts): Order {
  const rng = rowRandom(seed, 'orders', id);
  // Some customers order much more than others.
  const customerId = 1 + Math.floor(rng.next() ** 1.6 * counts.customers);
  const productId = rng.int(1, counts.products);
  const customer = customerCore(seed, customerId);
  const product = productCore(seed, productId);
  const from = Math.max(customer.createdMs, product.createdMs);
  // Recent orders are more frequent: skew placement towards the end.
  const placedMs = DATASET_END - Math.floor((1 - rng.next() ** 0.5) * (DATASET_END - from)) - 1;
  const status = statusForAge(rng, DATASET_END - placedMs);
  const [lo, hi] = STATUS_HOURS[status];
  const updatedMs = Math.min(
    DATASET_END,
    placedMs + rng.int(lo * HOUR, hi * HOUR) + rng.int(0, 59_999),
  );
  const discount = rng.pick([0, 0, 0, 0, 5, 10, 15]);
  const unitCents = Math.max(1, Math.round((product.priceCents * (100 - discount)) / 100));
  return {
    id,
    customer_id: customerId,
    product_id: productId,
    quantity: rng.chance(0.7) ? 1 : rng.int(2, 5),
    unit_price: cents(unitCents),
    status,
    placed_at: formatTimestamp(placedMs, customer.country.offset),
    updated_at: formatTimestamp(updatedMs, customer.country.offset),
  };
}

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF. */
function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

async function writeCsv(
  path: string,
  columns: readonly string[],
  count: number,
  row: (id: number) => Record<string, string | number | boolean | null>,
  onProgress?: (rows: number) => void,
): Promise<void> {
  const out = createWriteStream(path);
  const finished = once(out, 'finish');
  let chunk = columns.join(',') + '\n';
  for (let id = 1; id <= count; id++) {
    const values = row(id);
    chunk += columns.map((c) => csvField(values[c] ?? null)).join(',') + '\n';
    if (chunk.length >= 64 * 1024) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
      onProgress?.(id);
    }
  }
  out.end(chunk);
  await finished;
  onProgress?.(count);
}

export interface GenerateOptions {
  out: string;
  seed: number;
  scale: number;
  onProgress?: (file: string, rows: number, total: number) => void;
}

export interface GeneratedFile {
  file: string;
  rows: number;
}

/** Writes the three files into `out` (created if needed). */
export async function generateDataset(options: GenerateOptions): Promise<GeneratedFile[]> {
  const { out, seed, onProgress } = options;
  const counts = countsForScale(options.scale);
  await mkdir(out, { recursive: true });
  const specs = [
    {
      file: 'customers.csv',
      columns: CUSTOMER_COLUMNS,
      count: counts.customers,
      row: (id: number) => ({ ...customerRow(seed, id) }),
    },
    {
      file: 'products.csv',
      columns: PRODUCT_COLUMNS,
      count: counts.products,
      row: (id: number) => ({ ...productRow(seed, id) }),
    },
    {
      file: 'orders.csv',
      columns: ORDER_COLUMNS,
      count: counts.orders,
      row: (id: number) => ({ ...orderRow(seed, id, counts) }),
    },
  ];
  for (const spec of specs) {
    await writeCsv(join(out, spec.file), spec.columns, spec.count, spec.row, (rows) =>
      onProgress?.(spec.file, rows, spec.count),
    );
  }
  return specs.map((s) => ({ file: join(out, s.file), rows: s.count }));
}
