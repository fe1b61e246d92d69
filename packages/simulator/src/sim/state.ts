/**
 * The simulator's state and its reducer. State = createState(snapshot) folded
 * with the logged events, in seq order.
 *
 * `evolve` is deterministic: the next state depends only on the state and the
 * event. For speed (thousands of events/s over large tables) it updates the
 * state it is given instead of copying every map; `fold` starts from a fresh
 * copy of the snapshot, so it is pure from the outside. `evolve` checks every
 * business rule first and throws SimRuleError without changing anything.
 */
import {
  ORDER_STATUSES,
  canTransition,
  type Customer,
  type DomainEvent,
  type LoggedEvent,
  type Order,
  type OrderStatus,
  type Product,
} from '@mdp/schemas';
import { SimError, SimRuleError } from './errors.js';
import { IdSet } from './id-set.js';

/** The starting data: the business tables as loaded, each sorted by id. */
export interface Snapshot {
  customers: readonly Customer[];
  products: readonly Product[];
  orders: readonly Order[];
}

type OpenStatus = 'placed' | 'paid' | 'shipped';
const OPEN_STATUSES: readonly OpenStatus[] = ['placed', 'paid', 'shipped'];

export interface SimState {
  /** seq of the last event folded in (0 = the snapshot). */
  seq: number;
  customers: Map<number, Customer>;
  products: Map<number, Product>;
  orders: Map<number, Order>;
  /** Indexes the generator picks from. */
  customerIds: IdSet;
  activeProductIds: IdSet;
  openOrders: Record<OpenStatus, IdSet>;
  ordersByCustomer: Map<number, Set<number>>;
  openOrdersByCustomer: Map<number, number>;
  maxIds: { customer: number; product: number; order: number };
}

const isOpen = (status: OrderStatus): status is OpenStatus =>
  (OPEN_STATUSES as readonly string[]).includes(status);

export function createState(snapshot: Snapshot): SimState {
  const state: SimState = {
    seq: 0,
    customers: new Map(),
    products: new Map(),
    orders: new Map(),
    customerIds: new IdSet(),
    activeProductIds: new IdSet(),
    openOrders: { placed: new IdSet(), paid: new IdSet(), shipped: new IdSet() },
    ordersByCustomer: new Map(),
    openOrdersByCustomer: new Map(),
    maxIds: { customer: 0, product: 0, order: 0 },
  };
  for (const customer of snapshot.customers) addCustomer(state, { ...customer });
  for (const product of snapshot.products) {
    if (!Number.isInteger(product.stock) || product.stock < 0)
      throw new SimError(
        'SIM_BAD_SNAPSHOT',
        `product ${product.id} has stock ${product.stock}; stock must be ≥ 0`,
      );
    addProduct(state, { ...product });
  }
  for (const order of snapshot.orders) {
    if (!ORDER_STATUSES.includes(order.status))
      throw new SimError(
        'SIM_BAD_SNAPSHOT',
        `order ${order.id} has status "${String(order.status)}"; expected one of ${ORDER_STATUSES.join(', ')}`,
      );
    if (!state.customers.has(order.customer_id) || !state.products.has(order.product_id))
      throw new SimError(
        'SIM_BAD_SNAPSHOT',
        `order ${order.id} references a missing customer or product`,
      );
    addOrder(state, { ...order });
  }
  return state;
}

/** Pure fold: snapshot + events → state (the snapshot is not modified). */
export function fold(snapshot: Snapshot, events: Iterable<LoggedEvent>): SimState {
  const state = createState(snapshot);
  for (const logged of events) evolve(state, logged);
  return state;
}

/** Applies one event to the state, after checking every business rule. */
export function evolve(state: SimState, logged: LoggedEvent): void {
  // No closures here: evolve runs for every event, and each closure made per call costs.
  const { seq, at, event } = logged;
  if (seq !== state.seq + 1) refuse(logged, `expected event ${state.seq + 1} next`);

  switch (event.type) {
    case 'customer_registered':
      if (state.customers.has(event.customer.id))
        refuse(logged, `customer ${event.customer.id} already exists`);
      addCustomer(state, { ...event.customer });
      break;
    case 'customer_moved':
      Object.assign(found(logged, state.customers, 'customer', event.customerId), {
        street: event.street,
        city: event.city,
        country: event.country,
      });
      break;
    case 'customer_erased': {
      found(logged, state.customers, 'customer', event.customerId);
      const open = state.openOrdersByCustomer.get(event.customerId) ?? 0;
      if (open > 0) refuse(logged, `customer ${event.customerId} still has ${open} open order(s)`);
      for (const id of state.ordersByCustomer.get(event.customerId) ?? []) state.orders.delete(id);
      state.ordersByCustomer.delete(event.customerId);
      state.openOrdersByCustomer.delete(event.customerId);
      state.customers.delete(event.customerId);
      state.customerIds.delete(event.customerId);
      break;
    }
    case 'product_added':
      if (state.products.has(event.product.id))
        refuse(logged, `product ${event.product.id} already exists`);
      if (event.product.stock < 0) refuse(logged, 'stock must be ≥ 0');
      addProduct(state, { ...event.product });
      break;
    case 'product_repriced':
      if (!/^\d+(\.\d+)?$/.test(event.unitPrice) || Number(event.unitPrice) <= 0)
        refuse(logged, `price "${event.unitPrice}" is not a positive decimal`);
      found(logged, state.products, 'product', event.productId).unit_price = event.unitPrice;
      break;
    case 'product_restocked':
      if (!Number.isInteger(event.quantity) || event.quantity <= 0)
        refuse(logged, 'restock quantity must be > 0');
      found(logged, state.products, 'product', event.productId).stock += event.quantity;
      break;
    case 'order_placed': {
      const placed = event.order;
      if (state.orders.has(placed.id)) refuse(logged, `order ${placed.id} already exists`);
      if (placed.status !== 'placed')
        refuse(logged, `a new order must be "placed", not "${placed.status}"`);
      found(logged, state.customers, 'customer', placed.customer_id);
      const item = found(logged, state.products, 'product', placed.product_id);
      if (!Number.isInteger(placed.quantity) || placed.quantity <= 0)
        refuse(logged, 'quantity must be > 0');
      if (item.stock < placed.quantity)
        refuse(
          logged,
          `product ${item.id} has ${item.stock} in stock, order ${placed.id} wants ${placed.quantity}`,
        );
      item.stock -= placed.quantity;
      addOrder(state, { ...placed });
      break;
    }
    case 'order_paid':
    case 'order_shipped':
    case 'order_delivered':
    case 'order_cancelled': {
      const target = found(logged, state.orders, 'order', event.orderId);
      const to = STATUS_OF[event.type];
      if (!canTransition(target.status, to))
        refuse(logged, `order ${target.id} cannot go from ${target.status} to ${to}`);
      if (to === 'cancelled')
        found(logged, state.products, 'product', target.product_id).stock += target.quantity;
      setStatus(state, target, to, at);
      break;
    }
    default:
      refuse(logged, `unknown event type ${(event as { type: string }).type}`);
  }
  state.seq = seq;
}

function refuse(logged: LoggedEvent, message: string): never {
  throw new SimRuleError(logged.seq, `${logged.event.type}: ${message}`);
}

function found<T>(logged: LoggedEvent, rows: Map<number, T>, what: string, id: number): T {
  return rows.get(id) ?? refuse(logged, `${what} ${id} does not exist`);
}

const STATUS_OF = {
  order_paid: 'paid',
  order_shipped: 'shipped',
  order_delivered: 'delivered',
  order_cancelled: 'cancelled',
} as const satisfies Partial<Record<DomainEvent['type'], OrderStatus>>;

function addCustomer(state: SimState, customer: Customer): void {
  state.customers.set(customer.id, customer);
  state.customerIds.add(customer.id);
  state.maxIds.customer = Math.max(state.maxIds.customer, customer.id);
}

function addProduct(state: SimState, product: Product): void {
  state.products.set(product.id, product);
  if (product.active) state.activeProductIds.add(product.id);
  state.maxIds.product = Math.max(state.maxIds.product, product.id);
}

function addOrder(state: SimState, order: Order): void {
  state.orders.set(order.id, order);
  let mine = state.ordersByCustomer.get(order.customer_id);
  if (!mine) state.ordersByCustomer.set(order.customer_id, (mine = new Set()));
  mine.add(order.id);
  if (isOpen(order.status)) {
    state.openOrders[order.status].add(order.id);
    state.openOrdersByCustomer.set(
      order.customer_id,
      (state.openOrdersByCustomer.get(order.customer_id) ?? 0) + 1,
    );
  }
  state.maxIds.order = Math.max(state.maxIds.order, order.id);
}

function setStatus(state: SimState, order: Order, to: OrderStatus, at: string): void {
  const from = order.status;
  if (isOpen(from)) state.openOrders[from].delete(order.id);
  if (isOpen(to)) state.openOrders[to].add(order.id);
  if (isOpen(from) && !isOpen(to)) {
    const left = (state.openOrdersByCustomer.get(order.customer_id) ?? 1) - 1;
    if (left > 0) state.openOrdersByCustomer.set(order.customer_id, left);
    else state.openOrdersByCustomer.delete(order.customer_id);
  }
  order.status = to;
  order.updated_at = at;
}

/** The business rows of a state, sorted by id: what the tables must hold. */
export function rowsOf(state: SimState): Snapshot {
  const byId = <T extends { id: number }>(rows: Iterable<T>) =>
    [...rows].sort((a, b) => a.id - b.id);
  return {
    customers: byId(state.customers.values()),
    products: byId(state.products.values()),
    orders: byId(state.orders.values()),
  };
}
