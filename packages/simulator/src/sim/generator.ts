/**
 * The seeded event generator. Each call to `next` looks at the current state,
 * draws the next domain event from a realistic mix, folds it into the state and
 * returns it with the entity keys it touches (the dispatcher never runs two
 * events that share a key at the same time).
 *
 * Determinism: the events depend only on the snapshot, the seed and the `at`
 * timestamps passed in; the choices never depend on `at` (timestamps only end up
 * in the rows), so regenerating with other timestamps makes the same choices.
 * Faker draws from the same seeded stream (fakes.ts), so names and addresses
 * are regenerated too. New customers live in the snapshot's countries, each
 * named in its country's faker locale.
 */
import type { Customer, DomainEvent, Order, Product } from '@mdp/schemas';
import { createFakes, skuOf, type Fakes } from '../fake/fakes.js';
import { placeOf, productLocale, WORLD, type Place } from '../fake/places.js';
import { createRandom, type Random } from '../fake/random.js';
import { createState, evolve, type SimState, type Snapshot } from './state.js';

export interface GeneratedEvent {
  seq: number;
  at: string;
  event: DomainEvent;
  /** Entities the event reads or changes: "c:<id>", "p:<id>", "o:<id>". */
  keys: string[];
}

export interface Generator {
  readonly state: SimState;
  /** Draws, folds in and returns event number state.seq + 1, stamped `at`. */
  next(at: string): GeneratedEvent;
}

/** How strongly a pool of open orders pulls its next transition (see weights). */
const POOL_HALF = 20;

export function createGenerator(options: { seed: number; snapshot: Snapshot }): Generator {
  const { snapshot } = options;
  const rng = createRandom(options.seed);
  const state = createState(snapshot);
  const countries = [...new Set(snapshot.customers.map((c) => c.country))];
  const places = countries.length > 0 ? countries.map(placeOf) : WORLD;
  const locale = productLocale(places);
  const fakes = createFakes(rng);
  const categories = [...new Set(snapshot.products.map((p) => p.category))];
  if (categories.length === 0) categories.push(fakes.category(locale));
  // Prices stay within what the starting data hold, so they fit the loaded column's precision.
  const maxCents =
    snapshot.products.reduce((max, p) => Math.max(max, toCents(p.unit_price)), 0) || 19999;
  const context: Context = { rng, fakes, places, locale, maxCents, categories };

  const next = (at: string): GeneratedEvent => {
    const event = draw(context, state, at);
    const keys = keysOf(event, state);
    const seq = state.seq + 1;
    evolve(state, { seq, at, event });
    return { seq, at, event, keys };
  };
  return { state, next };
}

/** The keys an event touches, computed against the state before it. */
export function keysOf(event: DomainEvent, state: SimState): string[] {
  switch (event.type) {
    case 'customer_registered':
      return [`c:${event.customer.id}`];
    case 'customer_moved':
    case 'customer_erased':
      return [`c:${event.customerId}`];
    case 'product_added':
      return [`p:${event.product.id}`];
    case 'product_repriced':
    case 'product_restocked':
      return [`p:${event.productId}`];
    case 'order_placed':
      return [`o:${event.order.id}`, `c:${event.order.customer_id}`, `p:${event.order.product_id}`];
    case 'order_cancelled': {
      const order = state.orders.get(event.orderId);
      return order ? [`o:${order.id}`, `p:${order.product_id}`] : [`o:${event.orderId}`];
    }
    default:
      return [`o:${event.orderId}`];
  }
}

type Kind = DomainEvent['type'];

const pull = (n: number, base: number) => (base * n) / (n + POOL_HALF);

/** A uniform pick from an id set. */
const pickId = (rng: Random, set: { size: number; at(i: number): number }) =>
  set.at(rng.int(set.size));

// draw and the functions it calls run once per event: no closures made per call.
function weights(state: SimState): [Kind, number][] {
  const { placed, paid, shipped } = state.openOrders;
  const hasCustomers = state.customerIds.size > 0;
  const hasProducts = state.products.size > 0;
  return [
    ['order_placed', hasCustomers && state.activeProductIds.size > 0 ? 22 : 0],
    ['order_paid', pull(placed.size, 30)],
    ['order_shipped', pull(paid.size, 30)],
    ['order_delivered', pull(shipped.size, 30)],
    ['order_cancelled', pull(placed.size + paid.size, 2)],
    ['product_repriced', hasProducts ? 3 : 0],
    ['product_restocked', hasProducts ? 3 : 0],
    ['customer_moved', hasCustomers ? 2 : 0],
    ['customer_registered', 1.5],
    ['product_added', 0.5],
    ['customer_erased', hasCustomers ? 0.15 : 0],
  ];
}

/** What draw needs besides the state: the stream, faker on it, and the snapshot's limits. */
interface Context {
  rng: Random;
  fakes: Fakes;
  /** Where new customers live. */
  places: readonly Place[];
  /** Locale of new products' names. */
  locale: string;
  maxCents: number;
  categories: readonly string[];
}

function draw(context: Context, state: SimState, at: string): DomainEvent {
  const { rng } = context;
  const table = weights(state);
  let total = 0;
  for (const [, w] of table) total += w;
  let roll = rng.next() * total;
  let kind: Kind = 'customer_registered';
  for (const [k, w] of table) {
    if (roll < w) {
      kind = k;
      break;
    }
    roll -= w;
  }
  switch (kind) {
    case 'order_placed':
      return placeOrder(rng, state, at);
    case 'order_paid':
      return { type: 'order_paid', orderId: pickId(rng, state.openOrders.placed) };
    case 'order_shipped':
      return { type: 'order_shipped', orderId: pickId(rng, state.openOrders.paid) };
    case 'order_delivered':
      return { type: 'order_delivered', orderId: pickId(rng, state.openOrders.shipped) };
    case 'order_cancelled': {
      const { placed, paid } = state.openOrders;
      const fromPlaced = rng.int(placed.size + paid.size) < placed.size;
      return { type: 'order_cancelled', orderId: pickId(rng, fromPlaced ? placed : paid) };
    }
    case 'product_repriced': {
      const product = pickProduct(rng, state);
      const factor = rng.between(90, 115);
      const cents = Math.min(
        context.maxCents,
        Math.max(50, Math.round((toCents(product.unit_price) * factor) / 100)),
      );
      return { type: 'product_repriced', productId: product.id, unitPrice: fromCents(cents) };
    }
    case 'product_restocked': {
      // Restocking favours the emptier of two random products.
      const [a, b] = [pickProduct(rng, state), pickProduct(rng, state)];
      const product = a.stock <= b.stock ? a : b;
      return { type: 'product_restocked', productId: product.id, quantity: rng.between(10, 100) };
    }
    case 'customer_moved': {
      const customerId = pickId(rng, state.customerIds);
      return {
        type: 'customer_moved',
        customerId,
        ...context.fakes.address(rng.pick(context.places)),
      };
    }
    case 'customer_erased': {
      // Only customers without open orders are erased (tries a few, else registers one).
      for (let attempt = 0; attempt < 5; attempt++) {
        const id = pickId(rng, state.customerIds);
        if (!state.openOrdersByCustomer.has(id)) return { type: 'customer_erased', customerId: id };
      }
      return { type: 'customer_registered', customer: newCustomer(context, state, at) };
    }
    case 'product_added':
      return { type: 'product_added', product: newProduct(context, state, at) };
    default:
      return { type: 'customer_registered', customer: newCustomer(context, state, at) };
  }
}

function placeOrder(rng: Random, state: SimState, at: string): DomainEvent {
  const customerId = pickId(rng, state.customerIds);
  const quantity = rng.chance(0.7) ? rng.between(1, 2) : rng.between(3, 6);
  let product: Product | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    product = state.products.get(pickId(rng, state.activeProductIds))!;
    if (product.stock >= quantity) {
      const order: Order = {
        id: state.maxIds.order + 1,
        customer_id: customerId,
        product_id: product.id,
        quantity,
        unit_price: product.unit_price,
        status: 'placed',
        placed_at: at,
        updated_at: at,
      };
      return { type: 'order_placed', order };
    }
  }
  // Sold out: the shop restocks instead (stock never goes negative).
  return { type: 'product_restocked', productId: product!.id, quantity: rng.between(20, 100) };
}

function pickProduct(rng: Random, state: SimState): Product {
  const ids = state.activeProductIds.size > 0 ? state.activeProductIds : null;
  if (ids) return state.products.get(ids.at(rng.int(ids.size)))!;
  const all = [...state.products.keys()];
  return state.products.get(rng.pick(all))!;
}

function newCustomer(context: Context, state: SimState, at: string): Customer {
  const place = context.rng.pick(context.places);
  return context.fakes.customer(place, state.maxIds.customer + 1, at);
}

function newProduct(context: Context, state: SimState, at: string): Product {
  const { rng } = context;
  const id = state.maxIds.product + 1;
  const category = rng.pick(context.categories);
  return {
    id,
    sku: skuOf(category, id),
    name: context.fakes.productName(context.locale),
    category,
    unit_price: fromCents(Math.min(context.maxCents, rng.between(199, 19999))),
    stock: rng.between(20, 200),
    active: true,
    created_at: at,
  };
}

/** "12.5" → 1250 (exact, no floats; digits past the cents are dropped). */
export function toCents(price: string): number {
  const [whole = '0', frac = ''] = price.split('.');
  return Number(whole) * 100 + Number((frac + '00').slice(0, 2));
}

export function fromCents(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}
