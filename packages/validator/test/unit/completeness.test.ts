import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/avro/decoder.js';
import { canonical } from '../../src/checks/canonical.js';
import {
  compareTable,
  createTableAtWatermark,
  parseSnapshot,
  visibleIn,
  type TxSnapshot,
} from '../../src/checks/completeness.js';
import { createEventLogMatcher } from '../../src/checks/event-log.js';
import { createTopology } from '../../src/validate/topology.js';

const change = (
  id: number,
  op: Change['op'],
  after: Record<string, unknown> | null,
  txId: bigint,
  lsn = txId,
): Change => ({
  topic: 'mdp.public.products',
  partition: 0,
  offset: String(lsn),
  op,
  key: { id: BigInt(id) },
  before: null,
  after,
  lsn,
  txId,
  commitTime: null,
});

describe('canonical values', () => {
  it('makes PostgreSQL text and decoded stream values equal', () => {
    expect(canonical('2026-11-24 14:26:07.1234+00')).toBe(canonical('2026-11-24T14:26:07.123400Z'));
    expect(canonical('2026-11-24 15:26:07+01')).toBe(canonical('2026-11-24T14:26:07Z'));
    expect(canonical('2026-11-24 14:26:07')).toBe(canonical('2026-11-24T14:26:07.000000'));
    expect(canonical(true)).toBe(canonical('true'));
    expect(canonical(false)).toBe(canonical('false'));
    expect(canonical(12n)).toBe('12');
  });
});

describe('snapshot visibility', () => {
  it('sees transactions below xmin and those below xmax not in progress', () => {
    const s = parseSnapshot('100:105:101,103');
    expect([99n, 100n, 101n, 102n, 103n, 104n, 105n].map((x) => visibleIn(s, x))).toEqual([
      true,
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
  });
});

/** The table at a watermark after `changes`, fed in stream order (the watermark known first). */
function replay(
  changes: { key: string; change: Change }[],
  snapshot: TxSnapshot = parseSnapshot('50:50:'),
  lsn = 1n << 40n,
) {
  const table = createTableAtWatermark();
  table.advance({ snapshot, lsn });
  for (const { key, change } of changes) table.apply(key, change);
  return table;
}

describe('replay and compare at a watermark', () => {
  it('names missing, extra and mismatched keys and leaves out later transactions', () => {
    const snapshot = parseSnapshot('50:50:');
    const history = [
      change(1, 'c', { id: 1n, price: '1.00' }, 10n),
      change(2, 'c', { id: 2n, price: '2.00' }, 11n),
      change(4, 'c', { id: 4n, price: '4.00' }, 12n),
      change(1, 'u', { id: 1n, price: '9.99' }, 60n), // after the watermark
    ].map((c) => ({ key: JSON.stringify([String(c.key!.id)]), change: c }));
    const { rows, afterWatermark } = replay(history, snapshot);
    const source = new Map([
      ['["1"]', { id: '1', price: '1.00' }],
      ['["2"]', { id: '2', price: '2.50' }],
      ['["3"]', { id: '3', price: '3.00' }],
    ]);
    const cmp = compareTable('products', source, rows, afterWatermark);
    expect({
      missing: cmp.missing,
      extra: cmp.extra,
      mismatched: cmp.mismatched,
      afterWatermark: cmp.afterWatermark,
    }).toEqual({ missing: 1, extra: 1, mismatched: 1, afterWatermark: 1 });
    expect(cmp.violations.map((v) => `${v.kind} ${v.key}`)).toEqual([
      'mismatched ["2"]',
      'missing ["3"]',
      'extra ["4"]',
    ]);
  });

  it('a truncate empties the replayed table; later inserts count again', () => {
    const history = [
      change(1, 'c', { id: 1n }, 10n),
      change(2, 'c', { id: 2n }, 11n),
      { ...change(0, 't', null, 12n), key: null },
      change(2, 'c', { id: 2n }, 13n),
    ].map((c) => ({ key: JSON.stringify(c.key ? [String(c.key.id)] : []), change: c }));
    expect([...replay(history, parseSnapshot('50:50:')).rows.keys()]).toEqual(['["2"]']);
  });

  it('a blocking snapshot taken again replaces the table: rows deleted while the slot was lost go', () => {
    const snapshotRow = (id: number, lsn: bigint, snapshot: string) => ({
      ...change(id, 'r', { id: BigInt(id) }, 90n, lsn),
      snapshot,
    });
    const history = [
      snapshotRow(1, 5n, 'first'),
      snapshotRow(2, 5n, 'last'),
      change(3, 'c', { id: 3n }, 10n),
      // the slot was lost: 2 was deleted unseen; Debezium snapshots again at LSN 20
      snapshotRow(1, 20n, 'first'),
      snapshotRow(3, 20n, 'true'),
      snapshotRow(4, 20n, 'last'),
      // an incremental snapshot (after a DDL) re-reads rows without replacing the table
      { ...change(1, 'r', { id: 1n }, 91n, 25n), snapshot: 'incremental' },
      change(5, 'c', { id: 5n }, 30n),
    ].map((c) => ({ key: JSON.stringify([String(c.key!.id)]), change: c }));
    expect([...replay(history, parseSnapshot('95:95:')).rows.keys()].sort()).toEqual([
      '["1"]',
      '["3"]',
      '["4"]',
      '["5"]',
    ]);
  });

  it("a blocking snapshot whose transaction is still open at the watermark counts up to the watermark's LSN", () => {
    const snapshotRow = (id: number, lsn: bigint) => ({
      ...change(id, 'r', { id: BigInt(id) }, 60n, lsn),
      snapshot: 'true',
    });
    // The watermark's PostgreSQL snapshot sees Debezium's snapshot transaction (xid 60) in progress.
    const watermark = parseSnapshot('60:70:60');
    const history = [
      change(1, 'c', { id: 1n }, 10n),
      change(2, 'c', { id: 2n }, 11n),
      snapshotRow(2, 20n), // taken again after the slot was lost: 1 was deleted meanwhile
    ].map((c) => ({ key: JSON.stringify([String(c.key!.id)]), change: c }));
    expect([...replay(history, watermark, 30n).rows.keys()]).toEqual(['["2"]']);
    // a snapshot begun after the watermark is not in its state
    const later = replay(history, watermark, 15n);
    expect([...later.rows.keys()]).toEqual(['["1"]', '["2"]']);
    expect(later.afterWatermark).toBe(1);
  });

  it("Debezium's placeholder for an unchanged TOASTed value keeps the value the row had", () => {
    const placeholder = '__debezium_unavailable_value';
    const long = 'x'.repeat(9000);
    const history = [
      change(1, 'c', { id: 1n, n: 1n, note: long, raw: Buffer.from('ab') }, 10n),
      change(1, 'u', { id: 1n, n: 2n, note: placeholder, raw: Buffer.from(placeholder) }, 11n),
    ].map((c) => ({ key: '["1"]', change: c }));
    expect(replay(history).rows.get('["1"]')).toEqual({
      id: '1',
      n: '2',
      note: long,
      raw: '\\x6162',
    });
  });
});

describe('a DDL seen by the replay', () => {
  const source = new Map([['["1"]', { id: '1', remark: 'a', flag: '7' }]]);
  const oldShape = change(1, 'c', { id: 1n, note: 'a', qty: 3n }, 10n);

  it('a row the stream never re-sent in its new shape is mismatched, stale columns named', () => {
    const { rows } = replay([{ key: '["1"]', change: oldShape }]);
    const [violation] = compareTable('products', source, rows, 0).violations;
    expect(violation?.detail).toBe(
      'remark: postgres=a stream=(no such column), flag: postgres=7 stream=(no such column), ' +
        'note: postgres=(no such column) stream=a, qty: postgres=(no such column) stream=3',
    );
  });

  it("Debezium's incremental snapshot re-sends it (no LSN, no txId): then it is equal", () => {
    const resent = {
      ...change(1, 'r', { id: 1n, remark: 'a', flag: 7 }, 0n),
      lsn: null,
      txId: null,
    };
    const history = [oldShape, resent].map((c) => ({ key: '["1"]', change: c }));
    const { rows } = replay(history, parseSnapshot('50:50:'));
    expect(compareTable('products', source, rows, 0).violations).toEqual([]);
  });
});

describe('event log', () => {
  const watermark = { snapshot: parseSnapshot('50:50:'), lsn: 100n };
  const repriced = (seq: number, productId: number, unitPrice: string) => ({
    seq,
    at: 'x',
    event: { type: 'product_repriced' as const, productId, unitPrice },
  });

  it('finds each event its change, whichever arrives first, and names the events without one', () => {
    const matcher = createEventLogMatcher(new Set(['products']));
    // this change reaches the validator before its event is read
    matcher.observe('products', '["7"]', change(7, 'u', { id: 7n, unit_price: '12.50' }, 5n));
    matcher.expect(
      [repriced(1, 7, '12.5'), repriced(2, 8, '1.00'), repriced(3, 9, '3')],
      watermark,
    );
    // and this one after
    matcher.observe('products', '["9"]', change(9, 'u', { id: 9n, unit_price: '3.000' }, 6n));
    const result = matcher.verdict();
    expect(result.events).toBe(3);
    expect(result.violations.map((v) => `${v.kind} ${v.table} ${v.key}`)).toEqual([
      'event-missing products ["8"]',
    ]);
  });

  it('a later watermark reads only the new events; a change after the first watermark answers one of them', () => {
    const matcher = createEventLogMatcher(new Set(['products']));
    matcher.expect([repriced(1, 7, '1')], watermark);
    matcher.observe('products', '["7"]', change(7, 'u', { id: 7n, unit_price: '1' }, 5n));
    matcher.observe('products', '["7"]', change(7, 'u', { id: 7n, unit_price: '2' }, 60n));
    matcher.expect([repriced(1, 7, '1'), repriced(2, 7, '2')], {
      snapshot: parseSnapshot('70:70:'),
      lsn: 200n,
    });
    expect(matcher.verdict()).toEqual({ events: 2, violations: [] });
  });

  it('expects nothing of a key whose history began with a snapshot read, nor of the tables not validated', () => {
    const matcher = createEventLogMatcher(new Set(['products']));
    matcher.observe('products', '["7"]', change(7, 'r', { id: 7n, unit_price: '5' }, 5n));
    matcher.expect(
      [repriced(1, 7, '1'), { seq: 2, at: 'x', event: { type: 'customer_erased', customerId: 3 } }],
      watermark,
    );
    expect(matcher.verdict()).toEqual({ events: 2, violations: [] });
  });
});

describe('topology', () => {
  it('reports each check separately; duplicates are counted but tolerated', () => {
    const topology = createTopology({ tables: ['products'] });
    const c = change(1, 'c', { id: 1n, price: '1.00' }, 10n);
    topology.accept({ ok: true, change: c });
    topology.accept({ ok: true, change: c });
    const source = {
      snapshot: parseSnapshot('50:50:'),
      walLsn: 1n,
      tables: new Map([['products', new Map([['["1"]', { id: '1', price: '1.00' }]])]]),
      events: undefined,
    };
    const verdict = topology.verdict(source);
    expect(verdict.ok).toBe(true);
    expect(verdict.tables[0]).toMatchObject({ records: 2, keys: 1, duplicates: 1, missing: 0 });
  });

  it('an old change not followed by the rest of its re-delivery is a reordering once the watermark passed it', () => {
    const topology = createTopology({ tables: ['products'] });
    const c = change(1, 'c', { id: 1n, price: '1.00' }, 10n);
    const u = change(1, 'u', { id: 1n, price: '2.00' }, 20n);
    for (const [offset, ch] of [c, u, c].entries())
      topology.accept({ ok: true, change: { ...ch, offset: String(offset) } });
    const source = (walLsn: bigint) => ({
      snapshot: parseSnapshot('50:50:'),
      walLsn,
      tables: new Map([['products', new Map([['["1"]', { id: '1', price: '2.00' }]])]]),
      events: undefined,
    });
    // the connector has not yet passed lsn 20: the re-delivery may still be on its way
    const early = topology.verdict(source(15n));
    expect(early.ok).toBe(true);
    const late = topology.verdict(source(25n));
    expect(late.ok).toBe(false);
    expect(late.tables[0]).toMatchObject({ records: 3, reorderings: 1, missing: 0 });
    expect(late.checks.ordering.examples).toEqual([
      expect.objectContaining({ kind: 'reordering', key: '["1"]', at: 'mdp.public.products/0@2' }),
    ]);
  });
});

describe('bounded state', () => {
  it('the table at the watermark holds a row a key, whatever the number of changes', () => {
    const table = createTableAtWatermark();
    table.advance({ snapshot: parseSnapshot('50:50:'), lsn: 1n << 40n });
    for (let i = 0; i < 10_000; i += 1)
      table.apply(`["${i % 10}"]`, change(i % 10, 'u', { id: BigInt(i % 10), n: BigInt(i) }, 10n));
    expect(table.rows.size).toBe(10);
    expect(table.afterWatermark).toBe(0);
    expect(table.rows.get('["3"]')).toEqual({ id: '3', n: '9993' });
  });

  it('a change after the watermark waits, with the later changes of its key, until a watermark sees it', () => {
    const table = createTableAtWatermark();
    table.advance({ snapshot: parseSnapshot('50:50:'), lsn: 100n });
    table.apply('["1"]', change(1, 'c', { id: 1n, n: 1n }, 10n));
    table.apply('["1"]', change(1, 'u', { id: 1n, n: 2n }, 60n)); // after the watermark
    table.apply('["1"]', change(1, 'u', { id: 1n, n: 3n }, 20n, 200n)); // behind it
    table.apply('["2"]', change(2, 'c', { id: 2n, n: 1n }, 30n)); // another key: applied
    expect(table.afterWatermark).toBe(2);
    expect([...table.rows]).toEqual([
      ['["1"]', { id: '1', n: '1' }],
      ['["2"]', { id: '2', n: '1' }],
    ]);
    table.advance({ snapshot: parseSnapshot('70:70:'), lsn: 300n });
    expect(table.afterWatermark).toBe(0);
    expect(table.rows.get('["1"]')).toEqual({ id: '1', n: '3' });
  });
});
