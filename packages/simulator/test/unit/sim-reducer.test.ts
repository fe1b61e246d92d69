import { describe, expect, it } from 'vitest';
import type { DomainEvent, Order } from '@mdp/schemas';
import type { SimRuleError } from '../../src/sim/errors.js';
import { retail } from '../../src/domains/retail/domain.js';
import type { Snapshot } from '../../src/domains/retail/state.js';
import * as engine from '../../src/sim/fold.js';

const createState = (tables: Snapshot) => engine.start(retail, tables);
const evolve = (state: ReturnType<typeof createState>, logged: engine.Logged<DomainEvent>) =>
  engine.evolve(retail, state, logged);
const fold = (tables: Snapshot, events: engine.Logged<DomainEvent>[]) =>
  engine.fold(retail, tables, events);

const at = '2026-01-01T00:00:00.000Z';
const snapshot: Snapshot = {
  customers: [1, 2].map((id) => ({
    id,
    email: `c${id}@x.org`,
    full_name: `C ${id}`,
    street: 's',
    city: 'c',
    country: 'NO',
    phone: null,
    created_at: at,
  })),
  products: [
    {
      id: 1,
      sku: 'a',
      name: 'A',
      category: 'k',
      unit_price: '10.00',
      stock: 5,
      active: true,
      created_at: at,
    },
  ],
  orders: [],
};
const order = (id: number, quantity: number, customer_id = 1): Order => ({
  id,
  customer_id,
  product_id: 1,
  quantity,
  unit_price: '10.00',
  status: 'placed',
  placed_at: at,
  updated_at: at,
});
const run = (...events: DomainEvent[]) =>
  fold(
    snapshot,
    events.map((event, i) => ({ seq: i + 1, at, event })),
  );
const code = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as SimRuleError).code;
  }
  return 'no error';
};

describe('reducer', () => {
  it('placing decrements stock, cancelling restores it', () => {
    const placed = run({ type: 'order_placed', order: order(1, 3) });
    expect(placed.products.get(1)!.stock).toBe(2);
    const cancelled = run(
      { type: 'order_placed', order: order(1, 3) },
      { type: 'order_cancelled', orderId: 1 },
    );
    expect(cancelled.products.get(1)!.stock).toBe(5);
    expect(cancelled.orders.get(1)!.status).toBe('cancelled');
  });

  it('never lets stock go negative', () => {
    expect(code(() => run({ type: 'order_placed', order: order(1, 6) }))).toBe(
      'SIM_RULE_VIOLATION',
    );
  });

  it('moves status only forward and never ships a cancelled order', () => {
    const place = { type: 'order_placed', order: order(1, 1) } as const;
    expect(code(() => run(place, { type: 'order_shipped', orderId: 1 }))).toBe(
      'SIM_RULE_VIOLATION',
    );
    expect(
      code(() =>
        run(place, { type: 'order_paid', orderId: 1 }, { type: 'order_paid', orderId: 1 }),
      ),
    ).toBe('SIM_RULE_VIOLATION');
    expect(
      code(() =>
        run(place, { type: 'order_cancelled', orderId: 1 }, { type: 'order_shipped', orderId: 1 }),
      ),
    ).toBe('SIM_RULE_VIOLATION');
    const s = run(
      place,
      { type: 'order_paid', orderId: 1 },
      { type: 'order_shipped', orderId: 1 },
      { type: 'order_delivered', orderId: 1 },
    );
    expect(s.orders.get(1)!.status).toBe('delivered');
    expect(
      code(() =>
        run(
          place,
          { type: 'order_paid', orderId: 1 },
          { type: 'order_shipped', orderId: 1 },
          { type: 'order_cancelled', orderId: 1 },
        ),
      ),
    ).toBe('SIM_RULE_VIOLATION');
  });

  it('erases only customers without open orders, with their orders', () => {
    const place = { type: 'order_placed', order: order(1, 1) } as const;
    expect(code(() => run(place, { type: 'customer_erased', customerId: 1 }))).toBe(
      'SIM_RULE_VIOLATION',
    );
    const s = run(
      place,
      { type: 'order_cancelled', orderId: 1 },
      { type: 'customer_erased', customerId: 1 },
    );
    expect(s.customers.has(1)).toBe(false);
    expect(s.orders.size).toBe(0);
    expect(code(() => run({ type: 'order_placed', order: order(1, 1, 9) }))).toBe(
      'SIM_RULE_VIOLATION',
    );
  });

  it('updates timestamps from the event and rejects out-of-order seqs', () => {
    const s = createState(snapshot);
    evolve(s, { seq: 1, at, event: { type: 'order_placed', order: order(1, 1) } });
    evolve(s, {
      seq: 2,
      at: '2026-01-02T00:00:00.000Z',
      event: { type: 'order_paid', orderId: 1 },
    });
    expect(s.orders.get(1)!.updated_at).toBe('2026-01-02T00:00:00.000Z');
    expect(
      code(() => evolve(s, { seq: 4, at, event: { type: 'order_shipped', orderId: 1 } })),
    ).toBe('SIM_RULE_VIOLATION');
  });

  it('fold leaves the snapshot untouched and rejects a bad snapshot', () => {
    run(
      { type: 'order_placed', order: order(1, 3) },
      { type: 'product_repriced', productId: 1, unitPrice: '11.00' },
    );
    expect(snapshot.products[0]).toMatchObject({ stock: 5, unit_price: '10.00' });
    expect(
      code(() => createState({ ...snapshot, products: [{ ...snapshot.products[0]!, stock: -1 }] })),
    ).toBe('SIM_BAD_SNAPSHOT');
  });
});
