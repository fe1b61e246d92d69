/**
 * The retail business, as a domain definition: customers buy products through
 * orders. Its rules: an order's status only moves forward (placed → paid →
 * shipped → delivered, or cancelled before shipping), stock never goes
 * negative, a customer is erased only without open orders, and with their
 * orders. `pnpm sim:run` runs it when no --domain is given.
 */
import {
  CUSTOMER_COLUMNS,
  ORDER_COLUMNS,
  PRODUCT_COLUMNS,
  ORDER_STATUSES,
  canTransition,
  type DomainEvent,
  type OrderStatus,
} from '@mdp/schemas';
import { countsForScale, createRows } from '../../generate/generate.js';
import { defineDomain, type Key, type RowRef } from '../../sim/domain.js';
import {
  addProduct as drawProduct,
  cancelOrder,
  createContext,
  erase,
  move,
  pickId,
  placeOrder,
  register,
  reprice,
  restock,
  type RetailContext,
  type Tools,
} from './draw.js';
import {
  addCustomer,
  addOrder,
  addProduct,
  initState,
  setStatus,
  type RetailState,
  type Snapshot,
} from './state.js';

/** How strongly a pool of open orders pulls its next transition (see the weights). */
const POOL_HALF = 20;
const pull = (n: number, base: number) => (base * n) / (n + POOL_HALF);

const customer = (id: number): RowRef => ({ table: 'customers', key: id });
const product = (id: number): RowRef => ({ table: 'products', key: id });
const order = (id: number): RowRef => ({ table: 'orders', key: id });

const PRICE = /^\d+(\.\d+)?$/;

const isStatus = (status: unknown): status is OrderStatus =>
  (ORDER_STATUSES as readonly unknown[]).includes(status);

/** Why order `orderId` cannot move to `to` now, or undefined. */
function cannotMove(s: RetailState, orderId: number, to: OrderStatus): string | undefined {
  const target = s.orders.get(orderId);
  if (!target) return `order ${orderId} does not exist`;
  if (!canTransition(target.status, to))
    return `order ${target.id} cannot go from ${target.status} to ${to}`;
  return undefined;
}

/** order_paid, order_shipped, order_delivered: one step of an order's status. */
function advance(to: OrderStatus, from: 'placed' | 'paid' | 'shipped') {
  return {
    weight: (s: RetailState) => pull(s.openOrders[from].size, 30),
    draw: (s: RetailState, { rng }: Tools): DomainEvent =>
      ({ type: `order_${to}`, orderId: pickId(rng, s.openOrders[from]) }) as DomainEvent,
    check: (s: RetailState, e: { orderId: number }) => cannotMove(s, e.orderId, to),
    apply: (s: RetailState, e: { orderId: number }, at: string) =>
      setStatus(s, s.orders.get(e.orderId)!, to, at),
    writes: (_s: RetailState, e: { orderId: number }) => [order(e.orderId)],
  };
}

export const retail = defineDomain<RetailState, DomainEvent, RetailContext>({
  name: 'retail',
  description: 'customers, products and orders (the built-in shop)',
  tables: [
    { name: 'customers', key: 'id', columns: CUSTOMER_COLUMNS },
    { name: 'products', key: 'id', columns: PRODUCT_COLUMNS, guard: ['stock'] },
    { name: 'orders', key: 'id', columns: ORDER_COLUMNS, guard: ['status'] },
  ],
  init: (tables) => initState(tables as unknown as Snapshot),
  context: (tables, { fakes }) => createContext(tables as unknown as Snapshot, fakes),

  // In draw order (the seeded stream depends on it).
  events: {
    order_placed: {
      weight: (s) => (s.customerIds.size > 0 && s.activeProductIds.size > 0 ? 22 : 0),
      draw: placeOrder,
      check(s, { order: placed }) {
        if (s.orders.has(placed.id)) return `order ${placed.id} already exists`;
        if (placed.status !== 'placed')
          return `a new order must be "placed", not "${placed.status}"`;
        if (!s.customers.has(placed.customer_id))
          return `customer ${placed.customer_id} does not exist`;
        const item = s.products.get(placed.product_id);
        if (!item) return `product ${placed.product_id} does not exist`;
        if (!Number.isInteger(placed.quantity) || placed.quantity <= 0)
          return 'quantity must be > 0';
        if (item.stock < placed.quantity)
          return `product ${item.id} has ${item.stock} in stock, order ${placed.id} wants ${placed.quantity}`;
        return undefined;
      },
      apply(s, { order: placed }) {
        s.products.get(placed.product_id)!.stock -= placed.quantity;
        addOrder(s, { ...placed });
      },
      writes: (_s, { order: placed }) => [product(placed.product_id), order(placed.id)],
      reads: (_s, { order: placed }) => [customer(placed.customer_id)],
    },
    order_paid: advance('paid', 'placed'),
    order_shipped: advance('shipped', 'paid'),
    order_delivered: advance('delivered', 'shipped'),
    order_cancelled: {
      weight: (s) => pull(s.openOrders.placed.size + s.openOrders.paid.size, 2),
      draw: cancelOrder,
      check: (s, e) => cannotMove(s, e.orderId, 'cancelled'),
      apply(s, e, at) {
        const target = s.orders.get(e.orderId)!;
        s.products.get(target.product_id)!.stock += target.quantity;
        setStatus(s, target, 'cancelled', at);
      },
      writes: (s, e) => {
        const target = s.orders.get(e.orderId);
        return target ? [order(target.id), product(target.product_id)] : [order(e.orderId)];
      },
    },
    product_repriced: {
      weight: (s) => (s.products.size > 0 ? 3 : 0),
      draw: reprice,
      check(s, e) {
        if (!PRICE.test(e.unitPrice) || Number(e.unitPrice) <= 0)
          return `price "${e.unitPrice}" is not a positive decimal`;
        return s.products.has(e.productId) ? undefined : `product ${e.productId} does not exist`;
      },
      apply: (s, e) => void (s.products.get(e.productId)!.unit_price = e.unitPrice),
      writes: (_s, e) => [product(e.productId)],
    },
    product_restocked: {
      weight: (s) => (s.products.size > 0 ? 3 : 0),
      draw: restock,
      check(s, e) {
        if (!Number.isInteger(e.quantity) || e.quantity <= 0) return 'restock quantity must be > 0';
        return s.products.has(e.productId) ? undefined : `product ${e.productId} does not exist`;
      },
      apply: (s, e) => void (s.products.get(e.productId)!.stock += e.quantity),
      writes: (_s, e) => [product(e.productId)],
    },
    customer_moved: {
      weight: (s) => (s.customerIds.size > 0 ? 2 : 0),
      draw: move,
      check: (s, e) =>
        s.customers.has(e.customerId) ? undefined : `customer ${e.customerId} does not exist`,
      apply(s, e) {
        Object.assign(s.customers.get(e.customerId)!, {
          street: e.street,
          city: e.city,
          country: e.country,
        });
      },
      writes: (_s, e) => [customer(e.customerId)],
    },
    customer_registered: {
      weight: () => 1.5,
      draw: register,
      check: (s, e) =>
        s.customers.has(e.customer.id) ? `customer ${e.customer.id} already exists` : undefined,
      apply: (s, e) => addCustomer(s, { ...e.customer }),
      writes: (_s, e) => [customer(e.customer.id)],
    },
    product_added: {
      weight: () => 0.5,
      draw: drawProduct,
      check(s, e) {
        if (s.products.has(e.product.id)) return `product ${e.product.id} already exists`;
        return e.product.stock < 0 ? 'stock must be ≥ 0' : undefined;
      },
      apply: (s, e) => addProduct(s, { ...e.product }),
      writes: (_s, e) => [product(e.product.id)],
    },
    customer_erased: {
      weight: (s) => (s.customerIds.size > 0 ? 0.15 : 0),
      draw: erase,
      check(s, e) {
        if (!s.customers.has(e.customerId)) return `customer ${e.customerId} does not exist`;
        const open = s.openOrdersByCustomer.get(e.customerId) ?? 0;
        return open > 0 ? `customer ${e.customerId} still has ${open} open order(s)` : undefined;
      },
      apply(s, e) {
        for (const id of s.ordersByCustomer.get(e.customerId) ?? []) s.orders.delete(id);
        s.ordersByCustomer.delete(e.customerId);
        s.openOrdersByCustomer.delete(e.customerId);
        s.customers.delete(e.customerId);
        s.customerIds.delete(e.customerId);
      },
      // Its orders first: they reference the customer.
      writes: (s, e) => [
        ...[...(s.ordersByCustomer.get(e.customerId) ?? [])].map(order),
        customer(e.customerId),
      ],
    },
  },

  row(s, table, key: Key) {
    const id = key as number;
    if (table === 'customers') return s.customers.get(id);
    if (table === 'products') return s.products.get(id);
    if (table === 'orders') return s.orders.get(id);
    return undefined;
  },
  rows: (s, table) => s[table as 'customers' | 'products' | 'orders'].values(),

  invariants: [
    {
      kind: 'negative-stock',
      table: 'products',
      check: (_before, after) =>
        typeof after?.stock === 'number' && after.stock < 0 ? `stock is ${after.stock}` : undefined,
    },
    {
      kind: 'cancelled-shipped',
      table: 'orders',
      check: (before, after) =>
        before?.status === 'cancelled' && after?.status === 'shipped'
          ? 'status cancelled → shipped'
          : undefined,
    },
    {
      kind: 'status-backwards',
      table: 'orders',
      check(before, after) {
        const [from, to] = [before?.status, after?.status];
        if (!isStatus(from) || !isStatus(to) || from === to) return undefined;
        if (from === 'cancelled' && to === 'shipped') return undefined; // cancelled-shipped
        return canTransition(from, to) ? undefined : `status ${from} → ${to}`;
      },
    },
  ],

  dataset: {
    counts: (scale) => ({ ...countsForScale(scale) }),
    rows({ seed, counts, locale }) {
      const rows = createRows(seed, locale);
      const sizes = counts as unknown as ReturnType<typeof countsForScale>;
      return (table, id) =>
        table === 'customers'
          ? { ...rows.customer(id) }
          : table === 'products'
            ? { ...rows.product(id) }
            : { ...rows.order(id, sizes) };
    },
  },
});
