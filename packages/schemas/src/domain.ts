/** The business the simulator runs: customers buy products through orders. */

export const ORDER_STATUSES = ['placed', 'paid', 'shipped', 'delivered', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Allowed status moves. Status only moves forward; a cancelled order is never shipped. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  placed: ['paid', 'cancelled'],
  paid: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
};

/** Statuses in which an order still blocks its customer's erasure. */
export const OPEN_ORDER_STATUSES: readonly OrderStatus[] = ['placed', 'paid', 'shipped'];

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/** Exact decimals travel as strings ("12.50"), never as JS numbers. */
export type DecimalString = string;
/** ISO-8601 timestamp with offset, e.g. 2026-11-24T14:26:07.123Z */
export type IsoTimestamp = string;

export interface Customer {
  id: number;
  email: string;
  full_name: string;
  street: string;
  city: string;
  country: string;
  phone: string | null;
  created_at: IsoTimestamp;
}

export interface Product {
  id: number;
  sku: string;
  name: string;
  category: string;
  unit_price: DecimalString;
  stock: number;
  active: boolean;
  created_at: IsoTimestamp;
}

export interface Order {
  id: number;
  customer_id: number;
  product_id: number;
  quantity: number;
  unit_price: DecimalString;
  status: OrderStatus;
  placed_at: IsoTimestamp;
  updated_at: IsoTimestamp;
}

/** Column order of each business table, as in the CSV files and the database. */
export const CUSTOMER_COLUMNS = [
  'id',
  'email',
  'full_name',
  'street',
  'city',
  'country',
  'phone',
  'created_at',
] as const;
export const PRODUCT_COLUMNS = [
  'id',
  'sku',
  'name',
  'category',
  'unit_price',
  'stock',
  'active',
  'created_at',
] as const;
export const ORDER_COLUMNS = [
  'id',
  'customer_id',
  'product_id',
  'quantity',
  'unit_price',
  'status',
  'placed_at',
  'updated_at',
] as const;
