import { describe, expect, it } from 'vitest';
import type { Customer, Order, Product } from '@mdp/schemas';
import { createFakes } from '../../src/fake/fakes.js';
import { WORLD } from '../../src/fake/places.js';
import { createRandom } from '../../src/fake/random.js';
import { retail } from '../../src/domains/retail/domain.js';
import { fromCents, toCents } from '../../src/domains/retail/draw.js';
import type { Snapshot } from '../../src/domains/retail/state.js';
import { fold } from '../../src/sim/fold.js';
import { createGenerator } from '../../src/sim/generator.js';

const at0 = Date.parse('2026-01-01T00:00:00Z');
const clock = (i: number) => new Date(at0 + i * 20).toISOString();
const snapshot: Snapshot = {
  customers: Array.from({ length: 40 }, (_, i): Customer => ({
    id: i + 1,
    email: `c${i + 1}@x.org`,
    full_name: `C ${i + 1}`,
    street: 's',
    city: 'c',
    country: 'NO',
    phone: null,
    created_at: clock(0),
  })),
  products: Array.from({ length: 15 }, (_, i): Product => ({
    id: i + 1,
    sku: `p${i + 1}`,
    name: `P ${i + 1}`,
    category: i % 2 ? 'home' : 'toys',
    unit_price: '9.90',
    stock: 10,
    active: true,
    created_at: clock(0),
  })),
  orders: Array.from({ length: 30 }, (_, i): Order => ({
    id: i + 1,
    customer_id: 1 + (i % 40),
    product_id: 1 + (i % 15),
    quantity: 1,
    unit_price: '9.90',
    status: (['placed', 'paid', 'shipped', 'delivered', 'cancelled'] as const)[i % 5]!,
    placed_at: clock(0),
    updated_at: clock(0),
  })),
};
const generate = (seed: number, n: number, stamp = clock) => {
  const g = createGenerator({ domain: retail, seed, tables: snapshot });
  return Array.from({ length: n }, (_, i) => g.next(stamp(i)));
};

describe('generator', () => {
  it('gives the same events for the same seed and data', () => {
    expect(generate(7, 3000)).toEqual(generate(7, 3000));
    expect(generate(7, 200)).not.toEqual(generate(8, 200));
  });

  it('makes the same choices whatever the timestamps', () => {
    const strip = (events: ReturnType<typeof generate>) =>
      events.map((e) => [e.seq, e.event.type, e.keys]);
    expect(strip(generate(3, 2000, (i) => clock(i * 1000)))).toEqual(strip(generate(3, 2000)));
  });

  it('keeps the business rules over many events, and its own state equals the fold of its events', () => {
    const g = createGenerator({ domain: retail, seed: 11, tables: snapshot });
    const events = Array.from({ length: 20_000 }, (_, i) => g.next(clock(i)));
    const folded = fold(retail, snapshot, events);
    expect([...folded.orders.values()]).toEqual([...g.state.orders.values()]);
    for (const p of g.state.products.values()) expect(p.stock).toBeGreaterThanOrEqual(0);
    const counts: Record<string, number> = {};
    for (const e of events) counts[e.event.type] = (counts[e.event.type] ?? 0) + 1;
    // A realistic mix: the order lifecycle dominates; every kind of event shows up.
    expect(
      counts.order_placed! + counts.order_paid! + counts.order_shipped! + counts.order_delivered!,
    ).toBeGreaterThan(14_000);
    expect(counts.order_delivered!).toBeGreaterThan(counts.order_cancelled! * 5);
    for (const type of [
      'customer_erased',
      'customer_moved',
      'customer_registered',
      'product_added',
      'product_repriced',
      'product_restocked',
    ])
      expect(counts[type], type).toBeGreaterThan(0);
  });
});

describe('resume', () => {
  it('regenerates the logged events after a restart and goes on as if never stopped', () => {
    const straight = generate(12, 3000);
    // A run stops after 1,800 events; the next one regenerates them from the
    // snapshot and the seed (as simulator.ts replays the event log), then goes on.
    const logged = straight.slice(0, 1800);
    const resumed = createGenerator({ domain: retail, seed: 12, tables: snapshot });
    for (const event of logged) expect(resumed.next(event.at)).toEqual(event);
    const rest = Array.from({ length: 1200 }, (_, i) => resumed.next(clock(1800 + i)));
    expect(rest).toEqual(straight.slice(1800));
    expect(straight.some((e) => e.event.type === 'customer_registered')).toBe(true);
  });
});

describe('new customers and products', () => {
  it('are faker-made in the countries of the snapshot, with unique emails', () => {
    const events = generate(21, 20_000).map((e) => e.event);
    const registered = events.flatMap((e) =>
      e.type === 'customer_registered' ? [e.customer] : [],
    );
    expect(registered.length).toBeGreaterThan(100);
    const emails = [...snapshot.customers, ...registered].map((c) => c.email);
    expect(new Set(emails).size).toBe(emails.length);
    for (const c of registered) {
      // The snapshot's customers all live in Norway: new ones do too, with Norwegian phones.
      expect(c.country).toBe('NO');
      expect(c.email).toMatch(/^[a-z0-9._+-]+@example\.(com|org|net)$/);
      expect(c.phone === null || c.phone.startsWith('+47'), c.phone ?? '').toBe(true);
      expect(c.full_name).not.toMatch(/\{\{|\bundefined\b|\bnull\b/);
    }
    const moved = events.flatMap((e) => (e.type === 'customer_moved' ? [e] : []));
    expect(moved.every((e) => e.country === 'NO' && e.street !== '' && e.city !== '')).toBe(true);
    const added = events.flatMap((e) => (e.type === 'product_added' ? [e.product] : []));
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((p) => ['home', 'toys'].includes(p.category) && p.name !== '')).toBe(true);
  });
});

describe('random and prices', () => {
  it('is deterministic and uniform enough; seed() restarts a stream', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const xs = Array.from({ length: 10_000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 10_000 }, () => b.next()));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    a.seed([7, 1, 3]);
    const again = createRandom([7, 1, 3]);
    expect([a.next(), a.next()]).toEqual([again.next(), again.next()]);
    expect(createRandom(43).next()).not.toBe(createRandom(42).next());
  });

  it('feeds faker: the same seed gives the same customers, another seed others', () => {
    const people = (seed: number) => {
      const fakes = createFakes(createRandom(seed));
      return WORLD.map((place, i) => fakes.customer(place, i + 1, clock(0)));
    };
    expect(people(5)).toEqual(people(5));
    expect(people(5).map((c) => c.full_name)).not.toEqual(people(6).map((c) => c.full_name));
  });

  it('converts prices exactly', () => {
    expect(toCents('12.5')).toBe(1250);
    expect(toCents('7')).toBe(700);
    expect(fromCents(1205)).toBe('12.05');
  });
});
