/**
 * The retail business's state: its rows and the indexes its draws pick from
 * (open orders by status, active products, open orders per customer). The
 * events' `apply` (domain.ts) keeps them with the helpers below.
 */
import {
  ORDER_STATUSES,
  type Customer,
  type Order,
  type OrderStatus,
  type Product,
} from '@mdp/schemas';
import { DomainRefusal } from '../../sim/domain.js';
import { IdSet } from '../../sim/id-set.js';

/** The starting data: the business tables as loaded, each sorted by id. */
export type Snapshot = {
  customers: readonly Customer[];
  products: readonly Product[];
  orders: readonly Order[];
};

type OpenStatus = 'placed' | 'paid' | 'shipped';
const OPEN_STATUSES: readonly OpenStatus[] = ['placed', 'paid', 'shipped'];

export interface RetailState {
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

export function initState(snapshot: Snapshot): RetailState {
  const state: RetailState = {
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
      throw new DomainRefusal(
        `product ${product.id} has stock ${product.stock}; stock must be ≥ 0`,
      );
    addProduct(state, { ...product });
  }
  for (const order of snapshot.orders) {
    if (!ORDER_STATUSES.includes(order.status))
      throw new DomainRefusal(
        `order ${order.id} has status "${String(order.status)}"; expected one of ${ORDER_STATUSES.join(', ')}`,
      );
    if (!state.customers.has(order.customer_id) || !state.products.has(order.product_id))
      throw new DomainRefusal(`order ${order.id} references a missing customer or product`);
    addOrder(state, { ...order });
  }
  return state;
}

export function addCustomer(state: RetailState, customer: Customer): void {
  state.customers.set(customer.id, customer);
  state.customerIds.add(customer.id);
  state.maxIds.customer = Math.max(state.maxIds.customer, customer.id);
}

export function addProduct(state: RetailState, product: Product): void {
  state.products.set(product.id, product);
  if (product.active) state.activeProductIds.add(product.id);
  state.maxIds.product = Math.max(state.maxIds.product, product.id);
}

export function addOrder(state: RetailState, order: Order): void {
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

export function setStatus(state: RetailState, order: Order, to: OrderStatus, at: string): void {
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
