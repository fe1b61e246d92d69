/**
 * The engine's guarantees on a domain other than retail: a small test domain
 * (test/domains/bank.ts) and the clinic. Determinism, the rows each event
 * writes, refusals that change nothing, invariants, loading a domain file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clinic } from '../../src/domains/clinic/domain.js';
import { loadDomain } from '../../src/domains/index.js';
import { retail } from '../../src/domains/retail/domain.js';
import type { AnyDomain, DomainDefinition, DomainEventBase, Tables } from '../../src/sim/domain.js';
import type { SimError } from '../../src/sim/errors.js';
import { evolve, fold, start, tablesOf } from '../../src/sim/fold.js';
import { createGenerator } from '../../src/sim/generator.js';
import bank from '../domains/bank.js';

const at0 = Date.parse('2026-03-01T00:00:00Z');
const clock = (i: number) => new Date(at0 + i * 1000).toISOString();
const accounts: Tables = {
  accounts: [1, 2, 3, 4, 5].map((id) => ({
    id,
    owner: `owner ${id}`,
    balance: 300,
    opened_at: clock(0),
  })),
  transfers: [],
};
const generate = <S, E extends DomainEventBase, C>(
  domain: DomainDefinition<S, E, C>,
  tables: Tables,
  seed: number,
  n: number,
  stamp = clock,
) => {
  const g = createGenerator({ domain, seed, tables });
  return { g, events: Array.from({ length: n }, (_, i) => g.next(stamp(i))) };
};
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return `${(err as SimError).code}: ${(err as Error).message}`;
  }
  return 'no error';
};

describe('the engine, on a domain of its tests', () => {
  it('makes the same events and writes for the same seed, whatever the timestamps', () => {
    const a = generate(bank, accounts, 3, 2000).events;
    expect(generate(bank, accounts, 3, 2000).events).toEqual(a);
    const later = generate(bank, accounts, 3, 2000, (i) => clock(i + 99_999)).events;
    const choices = (events: typeof a) => events.map((e) => [e.event.type, e.keys]);
    expect(choices(later)).toEqual(choices(a));
    expect(generate(bank, accounts, 4, 2000).events).not.toEqual(a);
  });

  it('keeps its invariants over many events, and its state is the fold of its events', () => {
    const { g, events } = generate(bank, accounts, 11, 20_000);
    const types = new Set(events.map((e) => e.event.type));
    expect([...types].sort()).toEqual(Object.keys(bank.events).sort());
    for (const a of g.state.accounts.values()) expect(a.balance).toBeGreaterThanOrEqual(0);
    expect(tablesOf(bank, fold(bank, accounts, events))).toEqual(tablesOf(bank, g.state));
  });

  it('derives each write from the state before and after: inserts, updates with expectations, deletes in order', () => {
    const { events } = generate(bank, accounts, 5, 3000);
    const opened = events.find((e) => e.event.type === 'account_opened')!;
    expect(opened.writes).toEqual([
      {
        table: 'accounts',
        op: 'insert',
        row: (opened.event as unknown as { account: object }).account,
      },
    ]);
    const settled = events.find((e) => e.event.type === 'transfer_settled')!;
    const [t, from, to] = settled.writes;
    expect(t).toMatchObject({
      table: 'transfers',
      op: 'update',
      set: { status: 'settled', updated_at: settled.at },
      expect: { status: 'pending' },
    });
    expect([from?.op, to?.op]).toEqual(['update', 'update']);
    expect(Object.keys((from as { expect: object }).expect)).toEqual(['balance']);
    expect(settled.keys).toHaveLength(3);
    const requested = events.find((e) => e.event.type === 'transfer_requested')!;
    expect(requested.keys.filter((k) => k.startsWith('accounts:'))).toHaveLength(2); // its reads
    const closed = events.find((e) => e.event.type === 'account_closed')!;
    expect(closed.writes.map((w) => `${w.table} ${w.op}`).at(-1)).toBe('accounts delete');
    expect(closed.writes.slice(0, -1).every((w) => w.op === 'delete')).toBe(true);
  });

  it('still updates a row the event writes but leaves as it was: the stream sees the event', () => {
    const state = start(bank, accounts);
    const { at, event } = { at: clock(1), event: { type: 'transfer_requested' } };
    const transfer = { id: 1, from_id: 1, to_id: 2, amount: 0, status: 'pending', updated_at: at };
    evolve(bank as unknown as AnyDomain, state, {
      seq: 1,
      at,
      event: { ...event, transfer } as DomainEventBase,
    });
    const settled = evolve(bank as unknown as AnyDomain, state, {
      seq: 2,
      at,
      event: { type: 'transfer_settled', transferId: 1 } as DomainEventBase,
    });
    // An amount of 0 leaves both balances as they were: updates with nothing to set.
    expect(settled.slice(1)).toEqual([
      { table: 'accounts', op: 'update', key: { id: 1 }, set: {}, expect: {} },
      { table: 'accounts', op: 'update', key: { id: 2 }, set: {}, expect: {} },
    ]);
  });

  it("refuses an event its type's check refuses, and changes nothing", () => {
    const state = start(bank, accounts);
    const before = JSON.stringify(tablesOf(bank, state));
    const refused = codeOf(() =>
      evolve(bank as unknown as AnyDomain, state, {
        seq: 1,
        at: clock(1),
        event: { type: 'account_closed', accountId: 9 } as DomainEventBase,
      }),
    );
    expect(refused).toBe('SIM_RULE_VIOLATION: event 1: account_closed: account 9 does not exist');
    expect(JSON.stringify(tablesOf(bank, state))).toBe(before);
    expect(state.seq).toBe(0);
  });

  it('refuses an apply that breaks an invariant, and a write of a row that is in the state neither before nor after', () => {
    const overdraw = {
      ...bank,
      events: {
        ...bank.events,
        account_opened: {
          ...bank.events.account_opened,
          apply: (s: ReturnType<typeof bank.init>, e: { account: { id: number } }) => {
            bank.events.account_opened.apply(s, e as never, clock(0));
            s.accounts.get(1)!.balance = -5;
          },
          writes: (_s: unknown, e: { account: { id: number } }) => [
            { table: 'accounts', key: e.account.id },
            { table: 'accounts', key: 1 },
          ],
        },
      },
    } as unknown as AnyDomain;
    const event = {
      type: 'account_opened',
      account: { id: 6, owner: 'x', balance: 1, opened_at: clock(0) },
    };
    expect(
      codeOf(() => evolve(overdraw, start(overdraw, accounts), { seq: 1, at: clock(1), event })),
    ).toBe(
      'SIM_RULE_VIOLATION: event 1: account_opened: negative-balance: accounts 1: balance is -5',
    );
    const phantom = {
      ...bank,
      events: {
        ...bank.events,
        account_opened: {
          ...bank.events.account_opened,
          writes: () => [{ table: 'accounts', key: 77 }],
        },
      },
    } as unknown as AnyDomain;
    expect(
      codeOf(() => evolve(phantom, start(phantom, accounts), { seq: 1, at: clock(1), event })),
    ).toMatch(/writes accounts 77, which is in the state neither before nor after/);
  });

  it('refuses loaded rows that break a rule (SIM_BAD_SNAPSHOT)', () => {
    const overdrawn = {
      ...accounts,
      accounts: [{ id: 1, owner: 'x', balance: -1, opened_at: clock(0) }],
    };
    expect(codeOf(() => start(bank, overdrawn))).toBe('SIM_BAD_SNAPSHOT: account 1 has balance -1');
  });
});

describe('--domain', () => {
  it('names a built-in domain, or loads a file whose default export is a definition', async () => {
    expect(await loadDomain('retail')).toBe(retail);
    expect(await loadDomain('clinic')).toBe(clinic);
    const loaded = await loadDomain(fileURLToPath(new URL('../domains/bank.ts', import.meta.url)));
    expect(loaded.name).toBe('bank');
    expect(Object.keys(loaded.events)).toEqual(Object.keys(bank.events));
  });

  it('says what is wrong with a name or a file that is not a domain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mdp-domain-'));
    try {
      writeFileSync(join(dir, 'half.mjs'), 'export default { name: "half", description: "x" };\n');
      const failure = (what: string) =>
        loadDomain(what).then(
          () => 'no error',
          (err: SimError) => `${err.code}: ${err.message}`,
        );
      expect(await failure('shop')).toBe(
        'SIM_BAD_DOMAIN: --domain "shop" is not a built-in domain (retail, clinic) nor a path to a domain file',
      );
      expect(await failure(join(dir, 'none.ts'))).toMatch(
        /^SIM_BAD_DOMAIN: --domain .*none\.ts: no such file$/,
      );
      expect(await failure(join(dir, 'half.mjs'))).toMatch(
        /^SIM_BAD_DOMAIN: --domain .*half\.mjs: its default export is not a domain definition \(init is not a function\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the clinic', () => {
  const dataset = (seed: number) => {
    const counts = clinic.dataset!.counts(0.2);
    const row = clinic.dataset!.rows({ seed, counts });
    return Object.fromEntries(
      clinic.tables.map((t) => [
        t.name,
        Array.from({ length: counts[t.name]! }, (_, i) => row(t.name, i + 1)),
      ]),
    );
  };

  it('generates the same starting data for the same seed, which its own rules accept', () => {
    const tables = dataset(42);
    expect(dataset(42)).toEqual(tables);
    expect(dataset(43)).not.toEqual(tables);
    const state = start(clinic, tables);
    expect(tablesOf(clinic, state)).toEqual(tables);
  });

  it('runs every event type, keeps its invariants, and its state is the fold of its events', () => {
    const tables = dataset(7);
    const { g, events } = generate(clinic, tables, 1, 20_000);
    expect(new Set(events.map((e) => e.event.type)).size).toBe(Object.keys(clinic.events).length);
    expect(tablesOf(clinic, fold(clinic, tables, events))).toEqual(tablesOf(clinic, g.state));
  });
});
