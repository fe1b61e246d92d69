/**
 * The retail business's starting data: customers, products and orders with
 * exactly the columns of Customer, Product and Order (@mdp/schemas). Every
 * row is derived from (seed, table, id) alone, so sim:gen writes the files as
 * streams in constant memory and references always point at existing rows.
 */
import {
  CUSTOMER_COLUMNS,
  ORDER_COLUMNS,
  PRODUCT_COLUMNS,
  type Customer,
  type Order,
  type OrderStatus,
  type Product,
} from '@mdp/schemas';

import { createFakes, skuOf } from '../fake/fakes.js';
import { placesFor, productLocale, type Place } from '../fake/places.js';
import { createRandom, type Random } from '../fake/random.js';

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
/** Product prices, in cents. */
const MIN_CENTS = 99;
const MAX_CENTS = 249_900;

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

/** The fields an order needs from its customer: the first draws of the customer's stream. */
function customerCore(rng: Random, places: readonly Place[]) {
  const place = rng.pick(places);
  const createdMs = CUSTOMERS_FROM + Math.floor(rng.next() * (CUSTOMERS_TO - CUSTOMERS_FROM));
  return { place, createdMs };
}

function productCore(rng: Random) {
  // Log-uniform: most products are cheap, a few cost thousands; half end in .99.
  let priceCents = Math.round(MIN_CENTS * (MAX_CENTS / MIN_CENTS) ** rng.next());
  if (rng.chance(0.5)) priceCents = Math.max(MIN_CENTS, Math.floor(priceCents / 100) * 100 - 1);
  const createdMs = PRODUCTS_FROM + Math.floor(rng.next() * (PRODUCTS_TO - PRODUCTS_FROM));
  return { priceCents, createdMs };
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

export interface Rows {
  customer(id: number): Customer;
  product(id: number): Product;
  order(id: number, counts: Counts): Order;
}

/**
 * The rows of one dataset. Every row is drawn from its own stream, seeded with
 * (seed, table, id): any row can be made on its own, and an order sees its
 * customer's place and creation time without customers kept in memory.
 * `locale`: every customer from that faker locale (see places.ts); default: WORLD.
 */
export function createRows(seed: number, locale?: string): Rows {
  const places = placesFor(locale);
  if (places === undefined) throw new RangeError(`unknown locale "${locale}"`);
  const productsIn = productLocale(places);
  const rng = createRandom(seed); // customers' and products' rows, with faker
  const fakes = createFakes(rng);
  const orderRng = createRandom(seed);
  const coreRng = createRandom(seed); // an order's customer and product
  const reseed = (r: Random, table: keyof typeof TABLE_SALT, id: number) => {
    r.seed([seed, TABLE_SALT[table], id]);
    return r;
  };

  return {
    customer(id) {
      const { place, createdMs } = customerCore(reseed(rng, 'customers', id), places);
      return fakes.customer(place, id, formatTimestamp(createdMs, place.offset));
    },
    product(id) {
      const { priceCents, createdMs } = productCore(reseed(rng, 'products', id));
      const name = fakes.productName(productsIn);
      const category = fakes.category(productsIn);
      return {
        id,
        sku: skuOf(category, id),
        name,
        category,
        unit_price: cents(priceCents),
        stock: rng.chance(0.05) ? 0 : Math.floor(20_000 ** rng.next()), // log-uniform 1..19,999
        active: rng.chance(0.92),
        created_at: formatTimestamp(createdMs, 0),
      };
    },
    order(id, counts) {
      const r = reseed(orderRng, 'orders', id);
      // Some customers order much more than others.
      const customerId = 1 + Math.floor(r.next() ** 1.6 * counts.customers);
      const productId = r.between(1, counts.products);
      const customer = customerCore(reseed(coreRng, 'customers', customerId), places);
      const product = productCore(reseed(coreRng, 'products', productId));
      const from = Math.max(customer.createdMs, product.createdMs);
      // Recent orders are more frequent: skew placement towards the end.
      const placedMs = DATASET_END - Math.floor((1 - r.next() ** 0.5) * (DATASET_END - from)) - 1;
      const status = statusForAge(r, DATASET_END - placedMs);
      const [lo, hi] = STATUS_HOURS[status];
      const updatedMs = Math.min(
        DATASET_END,
        placedMs + r.between(lo * HOUR, hi * HOUR) + r.between(0, 59_999),
      );
      const discount = r.pick([0, 0, 0, 0, 5, 10, 15]);
      const unitCents = Math.max(1, Math.round((product.priceCents * (100 - discount)) / 100));
      return {
        id,
        customer_id: customerId,
        product_id: productId,
        quantity: r.chance(0.7) ? 1 : r.between(2, 5),
        unit_price: cents(unitCents),
        status,
        placed_at: formatTimestamp(placedMs, customer.place.offset),
        updated_at: formatTimestamp(updatedMs, customer.place.offset),
      };
    },
  };
}
