import { filter, lastValueFrom, map, from, toArray } from 'rxjs';
import { readFile } from 'node:fs/promises';
import quantityFixed from '../../examples/quantity-fixed.js';
import { TestScheduler } from 'rxjs/testing';
import { clinic, retail } from '@mdp/simulator';
import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/avro/decoder.js';
import { checkInvariants } from '../../src/checks/invariants.js';
import { checkOrdering, REDELIVERY_WINDOW, type KeyHistory } from '../../src/checks/ordering.js';
import {
  aggregateByKey,
  createStateStore,
  keyBy,
  routeViolations,
} from '../../src/streams/operators.js';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const change = (
  id: number,
  lsn: bigint,
  op: Change['op'],
  after: Record<string, unknown> | null = { id },
  topic = 'mdp.public.orders',
): Change => ({
  topic,
  partition: 0,
  offset: String(lsn),
  op,
  key: { id: BigInt(id) },
  before: null,
  after,
  lsn,
  txId: 1n,
  commitTime: null,
});

describe('stream processors (marble tests, virtual time)', () => {
  it('keyBy gives each value its key', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b|', { a: 1, b: 2 }).pipe(keyBy((n) => `k${n % 2}`))).toBe('a-b|', {
        a: { key: 'k1', value: 1 },
        b: { key: 'k0', value: 2 },
      });
    });
  });

  it('aggregateByKey deletes a key whose aggregate is undefined', () => {
    const store = createStateStore<number>();
    scheduler().run(({ cold, expectObservable }) => {
      const input = cold('ab|', { a: { key: 'x', value: 2 }, b: { key: 'x', value: -1 } });
      const out = input.pipe(
        aggregateByKey(
          store,
          () => 0,
          (sum, v: number) => (v < 0 ? undefined : sum + v),
        ),
      );
      expectObservable(out).toBe('ab|', {
        a: { key: 'x', value: 2 },
        b: { key: 'x', value: undefined },
      });
    });
    expect(store.size).toBe(0);
  });

  it('aggregateByKey folds per key into its state store', () => {
    const store = createStateStore<number>();
    scheduler().run(({ cold, expectObservable }) => {
      const input = cold('abc|', {
        a: { key: 'x', value: 2 },
        b: { key: 'y', value: 5 },
        c: { key: 'x', value: 3 },
      });
      expectObservable(
        input.pipe(
          aggregateByKey(
            store,
            () => 0,
            (sum, v: number) => sum + v,
          ),
        ),
      ).toBe('abc|', {
        a: { key: 'x', value: 2 },
        b: { key: 'y', value: 5 },
        c: { key: 'x', value: 5 },
      });
    });
    expect([...store.entries()]).toEqual([
      ['x', 5],
      ['y', 5],
    ]);
  });

  it('routeViolations sends bad records to the sink and passes the good ones', () => {
    const sink: string[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const input = cold('abc|', {
        a: { ok: true as const, value: 1 },
        b: { ok: false as const, violation: 'poison at t/0@1' },
        c: { ok: true as const, value: 3 },
      });
      expectObservable(
        input.pipe(routeViolations<string, number>({ next: (v) => sink.push(v) })),
      ).toBe('a-c|', { a: 1, c: 3 });
    });
    expect(sink).toEqual(['poison at t/0@1']);
  });

  it("checkOrdering: a re-delivery that reaches the key's newest change is duplicates", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const c1 = change(1, 10n, 'c');
      const u1 = change(1, 20n, 'u');
      const c1again = change(1, 10n, 'c');
      const u1again = change(1, 20n, 'u');
      const input = cold('abc(d|)', { a: c1, b: u1, c: c1again, d: u1again });
      // the old record is held until the re-delivery reaches u1, then both are settled
      expectObservable(input.pipe(checkOrdering())).toBe('ab-(cd|)', {
        a: { kind: 'in-order', change: c1, key: '["1"]' },
        b: { kind: 'in-order', change: u1, key: '["1"]' },
        c: { kind: 'duplicate', change: c1again, key: '["1"]' },
        d: { kind: 'duplicate', change: u1again, key: '["1"]' },
      });
    });
  });

  it('checkOrdering: an old change the key moves on from, and an older new LSN, are reorderings', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const c1 = change(1, 10n, 'c');
      const u1 = change(1, 20n, 'u');
      const stale = change(1, 10n, 'c');
      const u2 = change(1, 30n, 'u');
      const older = change(1, 15n, 'u');
      const other = change(2, 5n, 'c');
      const input = cold('abcd---e--f|', { a: c1, b: u1, c: stale, d: u2, e: older, f: other });
      expectObservable(input.pipe(checkOrdering())).toBe('ab-(xd)e--f|', {
        a: { kind: 'in-order', change: c1, key: '["1"]' },
        b: { kind: 'in-order', change: u1, key: '["1"]' },
        x: { kind: 'reordering', change: stale, key: '["1"]', newest: 20n },
        d: { kind: 'in-order', change: u2, key: '["1"]' },
        e: { kind: 'reordering', change: older, key: '["1"]', newest: 30n },
        f: { kind: 'in-order', change: other, key: '["2"]' },
      });
    });
  });

  it(`checkOrdering keeps a key's newest ${REDELIVERY_WINDOW} changes: a re-delivery reaching further back is a reordering`, async () => {
    const updates = Array.from({ length: REDELIVERY_WINDOW + 10 }, (_, i) =>
      change(1, BigInt(i + 1), 'u'),
    );
    const inWindow = change(1, BigInt(updates.length - 4), 'u');
    const beyond = change(1, 3n, 'u');
    const store = createStateStore<KeyHistory>();
    const verdicts = await lastValueFrom(
      from([...updates, inWindow, ...updates.slice(-4), beyond]).pipe(
        checkOrdering(store),
        toArray(),
      ),
    );
    const kinds = verdicts.slice(updates.length).map((v) => v.kind);
    expect(kinds).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'reordering',
    ]);
    expect(store.get('mdp.public.orders|["1"]')?.ids).toHaveLength(REDELIVERY_WINDOW);
  });

  it('checkOrdering: the newest change delivered again is a duplicate at once', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const c1 = change(1, 10n, 'c');
      const again = change(1, 10n, 'c');
      expectObservable(cold('ab|', { a: c1, b: again }).pipe(checkOrdering())).toBe('ab|', {
        a: { kind: 'in-order', change: c1, key: '["1"]' },
        b: { kind: 'duplicate', change: again, key: '["1"]' },
      });
    });
  });

  it("checkInvariants with retail's: status backwards, cancelled then shipped, negative stock", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const changes = {
        a: change(1, 1n, 'c', { id: 1, status: 'placed' }),
        b: change(1, 2n, 'u', { id: 1, status: 'paid' }),
        c: change(1, 3n, 'u', { id: 1, status: 'placed' }),
        d: change(2, 4n, 'c', { id: 2, status: 'cancelled' }),
        e: change(2, 5n, 'u', { id: 2, status: 'shipped' }),
        f: change(3, 6n, 'u', { id: 3, stock: -1 }, 'mdp.public.products'),
      };
      const out = cold('abcdef|', changes).pipe(
        checkOrdering(),
        filter((v) => v.kind === 'in-order'),
        map(({ key, change }) => ({ key, value: change })),
        checkInvariants(retail.invariants),
      );
      /* eslint-disable @typescript-eslint/no-unsafe-assignment -- expect.objectContaining is typed any */
      expectObservable(out).toBe('--c-ef|', {
        c: expect.objectContaining({
          kind: 'status-backwards',
          key: '["1"]',
          detail: 'status paid → placed',
        }),
        e: expect.objectContaining({ kind: 'cancelled-shipped', key: '["2"]' }),
        f: expect.objectContaining({ kind: 'negative-stock', table: 'products', key: '["3"]' }),
      });
      /* eslint-enable @typescript-eslint/no-unsafe-assignment */
    });
  });
  it("checkInvariants with the clinic's: a status step it does not allow, a flag that does not fit the value", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const visits = 'mdp.public.appointments';
      const results = 'mdp.public.lab_results';
      const keyed = (c: Change) => ({ key: `["${String(c.key?.id)}"]`, value: c });
      const changes = {
        a: keyed(change(1, 1n, 'c', { id: 1, status: 'booked' }, visits)),
        b: keyed(change(1, 2n, 'u', { id: 1, status: 'completed' }, visits)),
        c: keyed(
          change(5, 3n, 'c', { id: 5, test: 'glucose', value: '5.0', flag: 'normal' }, results),
        ),
        d: keyed(
          change(5, 4n, 'u', { id: 5, test: 'glucose', value: '9.0', flag: 'normal' }, results),
        ),
      };
      const out = cold('abcd|', changes).pipe(checkInvariants(clinic.invariants));
      expectObservable(out).toBe('-b-d|', {
        b: {
          check: 'business-rules',
          kind: 'status-backwards',
          table: 'appointments',
          key: '["1"]',
          at: `${visits}/0@2`,
          detail: 'status booked → completed',
        },
        d: {
          check: 'business-rules',
          kind: 'wrong-flag',
          table: 'lab_results',
          key: '["5"]',
          at: `${results}/0@4`,
          detail: 'flag normal for glucose 9.0, expected high',
        },
      });
    });
  });
});

describe('a rule of your own (the README example)', () => {
  it('examples/quantity-fixed.ts names an order whose quantity changed after it was placed', () => {
    const order = (id: number, lsn: bigint, op: Change['op'], quantity: number) => ({
      key: `["${id}"]`,
      value: change(id, lsn, op, { id, quantity }),
    });
    scheduler().run(({ cold, expectObservable }) => {
      const input = cold('abcde|', {
        a: order(1, 1n, 'c', 2),
        b: order(1, 2n, 'u', 2),
        c: order(2, 3n, 'c', 5),
        d: order(1, 4n, 'u', 3),
        e: order(2, 5n, 'd', 5),
      });
      expectObservable(input.pipe(quantityFixed)).toBe('---d-|', {
        d: {
          check: 'business-rules',
          kind: 'rule:quantity-fixed',
          table: 'orders',
          key: '["1"]',
          at: 'mdp.public.orders/0@4',
          detail: 'quantity 2 → 3',
        },
      });
    });
  });

  it('is the code the README shows', async () => {
    const readme = await readFile(new URL('../../../../README.md', import.meta.url), 'utf8');
    const example = await readFile(
      new URL('../../examples/quantity-fixed.ts', import.meta.url),
      'utf8',
    );
    expect(readme).toContain(example.slice(example.indexOf('import ')));
  });
});
