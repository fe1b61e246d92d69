/**
 * A small domain for the engine's tests, written as a user would write one:
 * accounts and transfers between them. A transfer is requested, then settled
 * (money moves) or failed; an account with no pending transfer may be closed,
 * with its transfers. Rules: a balance never goes negative, a transfer's
 * status only moves from pending.
 */
import { defineDomain, DomainRefusal, IdSet, type RowRef } from '@mdp/simulator';

interface Account {
  id: number;
  owner: string;
  balance: number;
  opened_at: string;
}
type TransferStatus = 'pending' | 'settled' | 'failed';
interface Transfer {
  id: number;
  from_id: number;
  to_id: number;
  amount: number;
  status: TransferStatus;
  updated_at: string;
}

type BankEvent =
  | { type: 'account_opened'; account: Account }
  | { type: 'transfer_requested'; transfer: Transfer }
  | { type: 'transfer_settled'; transferId: number }
  | { type: 'transfer_failed'; transferId: number }
  | { type: 'account_closed'; accountId: number };

interface BankState {
  accounts: Map<number, Account>;
  transfers: Map<number, Transfer>;
  accountIds: IdSet;
  pending: IdSet;
  /** Transfers from or to each account. */
  byAccount: Map<number, Set<number>>;
  nextId: { account: number; transfer: number };
}

const account = (id: number): RowRef => ({ table: 'accounts', key: id });
const transfer = (id: number): RowRef => ({ table: 'transfers', key: id });

function addTransfer(s: BankState, t: Transfer): void {
  s.transfers.set(t.id, t);
  if (t.status === 'pending') s.pending.add(t.id);
  for (const id of [t.from_id, t.to_id]) {
    const mine = s.byAccount.get(id) ?? new Set<number>();
    s.byAccount.set(id, mine.add(t.id));
  }
  s.nextId.transfer = Math.max(s.nextId.transfer, t.id + 1);
}

const hasPending = (s: BankState, accountId: number) =>
  [...(s.byAccount.get(accountId) ?? [])].some((id) => s.transfers.get(id)!.status === 'pending');

/** Why transfer `id` cannot leave pending now, or undefined. */
const notPending = (s: BankState, id: number) =>
  s.transfers.get(id)?.status === 'pending' ? undefined : `transfer ${id} is not pending`;

function finish(s: BankState, id: number, to: TransferStatus, at: string): void {
  const t = s.transfers.get(id)!;
  t.status = to;
  t.updated_at = at;
  s.pending.delete(id);
}

export default defineDomain<BankState, BankEvent>({
  name: 'bank',
  description: 'accounts and transfers (the engine tests’ domain)',
  tables: [
    { name: 'accounts', key: 'id', columns: ['id', 'owner', 'balance', 'opened_at'] },
    {
      name: 'transfers',
      key: 'id',
      columns: ['id', 'from_id', 'to_id', 'amount', 'status', 'updated_at'],
      guard: ['status'],
    },
  ],
  init(tables) {
    const s: BankState = {
      accounts: new Map(),
      transfers: new Map(),
      accountIds: new IdSet(),
      pending: new IdSet(),
      byAccount: new Map(),
      nextId: { account: 1, transfer: 1 },
    };
    for (const a of tables.accounts as Account[]) {
      if (a.balance < 0) throw new DomainRefusal(`account ${a.id} has balance ${a.balance}`);
      s.accounts.set(a.id, { ...a });
      s.accountIds.add(a.id);
      s.nextId.account = Math.max(s.nextId.account, a.id + 1);
    }
    for (const t of tables.transfers as Transfer[]) addTransfer(s, { ...t });
    return s;
  },
  context: () => undefined,
  events: {
    account_opened: {
      weight: (s) => (s.accountIds.size < 2 ? 100 : 1),
      draw: (s, { rng, fakes, at }) => ({
        type: 'account_opened',
        account: {
          id: s.nextId.account,
          owner: fakes.faker('en').person.fullName(),
          balance: rng.between(100, 1000),
          opened_at: at,
        },
      }),
      check: (s, e) =>
        s.accounts.has(e.account.id) ? `account ${e.account.id} exists` : undefined,
      apply(s, { account: a }) {
        s.accounts.set(a.id, { ...a });
        s.accountIds.add(a.id);
        s.nextId.account = a.id + 1;
      },
      writes: (_s, e) => [account(e.account.id)],
    },
    transfer_requested: {
      weight: (s) => (s.accountIds.size >= 2 ? 10 : 0),
      draw(s, { rng, at }) {
        const n = s.accountIds.size;
        const i = rng.int(n);
        const [from, to] = [s.accountIds.at(i), s.accountIds.at((i + 1 + rng.int(n - 1)) % n)];
        const amount = rng.between(1, 200);
        const t = { id: s.nextId.transfer, from_id: from, to_id: to, amount, updated_at: at };
        return { type: 'transfer_requested', transfer: { ...t, status: 'pending' } };
      },
      check(s, { transfer: t }) {
        if (t.from_id === t.to_id) return 'a transfer needs two accounts';
        if (!s.accounts.has(t.from_id) || !s.accounts.has(t.to_id)) return 'no such account';
        return t.status === 'pending' ? undefined : 'a new transfer is pending';
      },
      apply: (s, e) => addTransfer(s, { ...e.transfer }),
      writes: (_s, e) => [transfer(e.transfer.id)],
      reads: (_s, e) => [account(e.transfer.from_id), account(e.transfer.to_id)],
    },
    transfer_settled: {
      weight: (s) => (10 * s.pending.size) / (s.pending.size + 5),
      draw(s, { rng }) {
        const t = s.transfers.get(s.pending.at(rng.int(s.pending.size)))!;
        // Without the money the transfer fails instead.
        const funded = s.accounts.get(t.from_id)!.balance >= t.amount;
        return { type: funded ? 'transfer_settled' : 'transfer_failed', transferId: t.id };
      },
      check(s, e) {
        const t = s.transfers.get(e.transferId);
        if (!t) return `transfer ${e.transferId} does not exist`;
        if (s.accounts.get(t.from_id)!.balance < t.amount)
          return `account ${t.from_id} lacks the money`;
        return notPending(s, t.id);
      },
      apply(s, e, at) {
        const t = s.transfers.get(e.transferId)!;
        s.accounts.get(t.from_id)!.balance -= t.amount;
        s.accounts.get(t.to_id)!.balance += t.amount;
        finish(s, t.id, 'settled', at);
      },
      writes(s, e) {
        const t = s.transfers.get(e.transferId);
        return t ? [transfer(t.id), account(t.from_id), account(t.to_id)] : [];
      },
    },
    transfer_failed: {
      weight: (s) => s.pending.size / (s.pending.size + 5),
      draw: (s, { rng }) => ({
        type: 'transfer_failed',
        transferId: s.pending.at(rng.int(s.pending.size)),
      }),
      check: (s, e) => notPending(s, e.transferId),
      apply: (s, e, at) => finish(s, e.transferId, 'failed', at),
      writes: (_s, e) => [transfer(e.transferId)],
    },
    account_closed: {
      weight: (s) => (s.accountIds.size > 3 ? 0.5 : 0),
      draw(s, { rng, fakes, at }) {
        const id = s.accountIds.at(rng.int(s.accountIds.size));
        if (!hasPending(s, id)) return { type: 'account_closed', accountId: id };
        const owner = fakes.faker('en').person.fullName();
        const opened = { id: s.nextId.account, owner, balance: 100, opened_at: at };
        return { type: 'account_opened', account: opened };
      },
      check(s, e) {
        if (!s.accounts.has(e.accountId)) return `account ${e.accountId} does not exist`;
        return hasPending(s, e.accountId)
          ? `account ${e.accountId} has a pending transfer`
          : undefined;
      },
      apply(s, e) {
        for (const id of s.byAccount.get(e.accountId) ?? []) {
          const t = s.transfers.get(id);
          if (!t) continue;
          s.transfers.delete(id);
          const other = t.from_id === e.accountId ? t.to_id : t.from_id;
          s.byAccount.get(other)?.delete(id);
        }
        s.byAccount.delete(e.accountId);
        s.accounts.delete(e.accountId);
        s.accountIds.delete(e.accountId);
      },
      // Its transfers first, then the account.
      writes: (s, e) =>
        [...(s.byAccount.get(e.accountId) ?? [])].map(transfer).concat(account(e.accountId)),
    },
  },
  row(s, table, key) {
    return table === 'accounts' ? s.accounts.get(key as number) : s.transfers.get(key as number);
  },
  rows: (s, table) => (table === 'accounts' ? s.accounts.values() : s.transfers.values()),
  invariants: [
    {
      kind: 'negative-balance',
      table: 'accounts',
      check: (_before, after) =>
        after && (after.balance as number) < 0 ? `balance is ${String(after.balance)}` : undefined,
    },
    {
      kind: 'status-backwards',
      table: 'transfers',
      check: (before, after) =>
        before && after && before.status !== after.status && before.status !== 'pending'
          ? `status ${String(before.status)} → ${String(after.status)}`
          : undefined,
    },
  ],
});
