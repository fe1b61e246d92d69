/**
 * How the retail business draws its events: who orders what, which order
 * moves on, how prices and stock change. Everything random comes from the
 * seeded stream (and faker on it). New customers live in the snapshot's
 * countries, each named in its country's faker locale.
 */
import type { Customer, DomainEvent, Order, Product } from '@mdp/schemas';
import { skuOf, type Fakes } from '../../fake/fakes.js';
import { placeOf, productLocale, WORLD, type Place } from '../../fake/places.js';
import type { Random } from '../../fake/random.js';
import type { DrawTools } from '../../sim/domain.js';
import type { RetailState, Snapshot } from './state.js';

/** What the draws need besides the state: where customers live, and the snapshot's limits. */
export interface RetailContext {
  /** Where new customers live. */
  places: readonly Place[];
  /** Locale of new products' names. */
  locale: string;
  maxCents: number;
  categories: readonly string[];
}

export type Tools = DrawTools<RetailContext>;

export function createContext(snapshot: Snapshot, fakes: Fakes): RetailContext {
  const countries = [...new Set(snapshot.customers.map((c) => c.country))];
  const places = countries.length > 0 ? countries.map(placeOf) : WORLD;
  const locale = productLocale(places);
  const categories = [...new Set(snapshot.products.map((p) => p.category))];
  if (categories.length === 0) categories.push(fakes.category(locale));
  // Prices stay within what the starting data hold, so they fit the loaded column's precision.
  const maxCents =
    snapshot.products.reduce((max, p) => Math.max(max, toCents(p.unit_price)), 0) || 19999;
  return { places, locale, maxCents, categories };
}

/** A uniform pick from an id set. */
export const pickId = (rng: Random, set: { size: number; at(i: number): number }) =>
  set.at(rng.int(set.size));

export function placeOrder(state: RetailState, { rng, at }: Tools): DomainEvent {
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

export function cancelOrder(state: RetailState, { rng }: Tools): DomainEvent {
  const { placed, paid } = state.openOrders;
  const fromPlaced = rng.int(placed.size + paid.size) < placed.size;
  return { type: 'order_cancelled', orderId: pickId(rng, fromPlaced ? placed : paid) };
}

export function reprice(state: RetailState, { rng, context }: Tools): DomainEvent {
  const product = pickProduct(rng, state);
  const factor = rng.between(90, 115);
  const cents = Math.min(
    context.maxCents,
    Math.max(50, Math.round((toCents(product.unit_price) * factor) / 100)),
  );
  return { type: 'product_repriced', productId: product.id, unitPrice: fromCents(cents) };
}

export function restock(state: RetailState, { rng }: Tools): DomainEvent {
  // Restocking favours the emptier of two random products.
  const [a, b] = [pickProduct(rng, state), pickProduct(rng, state)];
  const product = a.stock <= b.stock ? a : b;
  return { type: 'product_restocked', productId: product.id, quantity: rng.between(10, 100) };
}

export function move(state: RetailState, { rng, fakes, context }: Tools): DomainEvent {
  const customerId = pickId(rng, state.customerIds);
  return { type: 'customer_moved', customerId, ...fakes.address(rng.pick(context.places)) };
}

export function erase(state: RetailState, tools: Tools): DomainEvent {
  // Only customers without open orders are erased (tries a few, else registers one).
  for (let attempt = 0; attempt < 5; attempt++) {
    const id = pickId(tools.rng, state.customerIds);
    if (!state.openOrdersByCustomer.has(id)) return { type: 'customer_erased', customerId: id };
  }
  return register(state, tools);
}

export function register(state: RetailState, { rng, fakes, context, at }: Tools): DomainEvent {
  const place = rng.pick(context.places);
  const customer: Customer = fakes.customer(place, state.maxIds.customer + 1, at);
  return { type: 'customer_registered', customer };
}

export function addProduct(state: RetailState, { rng, fakes, context, at }: Tools): DomainEvent {
  const id = state.maxIds.product + 1;
  const category = rng.pick(context.categories);
  const product: Product = {
    id,
    sku: skuOf(category, id),
    name: fakes.productName(context.locale),
    category,
    unit_price: fromCents(Math.min(context.maxCents, rng.between(199, 19999))),
    stock: rng.between(20, 200),
    active: true,
    created_at: at,
  };
  return { type: 'product_added', product };
}

function pickProduct(rng: Random, state: RetailState): Product {
  const ids = state.activeProductIds.size > 0 ? state.activeProductIds : null;
  if (ids) return state.products.get(ids.at(rng.int(ids.size)))!;
  const all = [...state.products.keys()];
  return state.products.get(rng.pick(all))!;
}

/** "12.5" → 1250 (exact, no floats; digits past the cents are dropped). */
export function toCents(price: string): number {
  const [whole = '0', frac = ''] = price.split('.');
  return Number(whole) * 100 + Number((frac + '00').slice(0, 2));
}

export function fromCents(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}
