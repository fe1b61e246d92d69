/**
 * A business of your own, in one file: this one is a lending library. Rename,
 * then change the tables, the events and the rules; the engine does the rest
 * (event log, one transaction per event, resume after kill -9, pacing).
 *
 *   pnpm sim:gen --domain domains/library.ts --out data-library
 *   pnpm sim:load --dir data-library
 *   pnpm sim:run --domain domains/library.ts --sim-schema sim_library --rate 50/s
 *   pnpm validate --tables books,loans --domain domains/library.ts
 *
 * The rules of a domain file: every random choice comes from `rng` (or
 * `fakes`, which draws from it), so a seed gives the same events again; `at`
 * goes into rows only; `writes` names every row `apply` inserts, updates or
 * deletes. The order of `events` is the order of the draw.
 */
import { createRandom, defineDomain, DomainRefusal, IdSet, type RowRef } from '@mdp/simulator';

// 1. The rows, as the CSV files and the tables have them.
interface Book {
  id: number;
  title: string;
  copies: number;
  available: number;
}
interface Loan {
  id: number;
  book_id: number;
  member: string;
  status: 'out' | 'returned' | 'lost';
  updated_at: string;
}

// 2. The events: a type and what it needs.
type LibraryEvent =
  | { type: 'book_lent'; loan: Loan }
  | { type: 'book_returned'; loanId: number }
  | { type: 'book_lost'; loanId: number }
  | { type: 'book_added'; book: Book };

// 3. The state: the rows, and the indexes the draws pick from.
interface LibraryState {
  books: Map<number, Book>;
  loans: Map<number, Loan>;
  onShelf: IdSet; // books with a copy available
  out: IdSet; // loans not returned yet
  next: { book: number; loan: number };
}

const book = (id: number): RowRef => ({ table: 'books', key: id });
const loan = (id: number): RowRef => ({ table: 'loans', key: id });

function shelve(s: LibraryState, b: Book): void {
  if (b.available > 0) s.onShelf.add(b.id);
  else s.onShelf.delete(b.id);
}

/** Why loan `id` cannot end now, or undefined. */
const notOut = (s: LibraryState, id: number) =>
  s.loans.get(id)?.status === 'out' ? undefined : `loan ${id} is not out`;

function endLoan(s: LibraryState, id: number, status: Loan['status'], at: string): void {
  const l = s.loans.get(id)!;
  Object.assign(l, { status, updated_at: at });
  s.out.delete(id);
  const b = s.books.get(l.book_id)!;
  if (status === 'returned') b.available += 1;
  else b.copies -= 1;
  shelve(s, b);
}

export default defineDomain<LibraryState, LibraryEvent>({
  name: 'library',
  description: 'books lent, returned and lost',
  tables: [
    { name: 'books', key: 'id', columns: ['id', 'title', 'copies', 'available'] },
    {
      name: 'loans',
      key: 'id',
      columns: ['id', 'book_id', 'member', 'status', 'updated_at'],
      guard: ['status'], // PostgreSQL refuses to end a loan that is not out in the table
    },
  ],

  // The state of the loaded tables (a DomainRefusal names a row that breaks a rule).
  init(tables) {
    const s: LibraryState = {
      books: new Map(),
      loans: new Map(),
      onShelf: new IdSet(),
      out: new IdSet(),
      next: { book: 1, loan: 1 },
    };
    for (const b of tables.books as Book[]) {
      if (b.available < 0 || b.available > b.copies)
        throw new DomainRefusal(`book ${b.id} has ${b.available} of ${b.copies} copies available`);
      s.books.set(b.id, { ...b });
      shelve(s, b);
      s.next.book = Math.max(s.next.book, b.id + 1);
    }
    for (const l of tables.loans as Loan[]) {
      s.loans.set(l.id, { ...l });
      if (l.status === 'out') s.out.add(l.id);
      s.next.loan = Math.max(s.next.loan, l.id + 1);
    }
    return s;
  },
  context: () => undefined,

  // Each event type: how likely next (weight), how it is made (draw), when it
  // may happen (check), what it changes (apply), which rows it writes.
  events: {
    book_lent: {
      weight: (s) => (s.onShelf.size > 0 ? 10 : 0),
      draw: (s, { rng, fakes, at }) => ({
        type: 'book_lent',
        loan: {
          id: s.next.loan,
          book_id: s.onShelf.at(rng.int(s.onShelf.size)),
          member: fakes.faker('en').person.fullName(),
          status: 'out',
          updated_at: at,
        },
      }),
      check: (s, e) =>
        (s.books.get(e.loan.book_id)?.available ?? 0) > 0 ? undefined : 'no copy left',
      apply(s, { loan: l }) {
        s.loans.set(l.id, { ...l });
        s.out.add(l.id);
        s.next.loan = l.id + 1;
        const b = s.books.get(l.book_id)!;
        b.available -= 1;
        shelve(s, b);
      },
      writes: (_s, e) => [book(e.loan.book_id), loan(e.loan.id)],
    },
    book_returned: {
      weight: (s) => (s.out.size > 0 ? 8 : 0),
      draw: (s, { rng }) => ({ type: 'book_returned', loanId: s.out.at(rng.int(s.out.size)) }),
      check: (s, e) => notOut(s, e.loanId),
      apply: (s, e, at) => endLoan(s, e.loanId, 'returned', at),
      writes: (s, e) => [loan(e.loanId), book(s.loans.get(e.loanId)?.book_id ?? 0)],
    },
    book_lost: {
      weight: (s) => (s.out.size > 0 ? 0.5 : 0),
      draw: (s, { rng }) => ({ type: 'book_lost', loanId: s.out.at(rng.int(s.out.size)) }),
      check: (s, e) => notOut(s, e.loanId),
      apply: (s, e, at) => endLoan(s, e.loanId, 'lost', at),
      writes: (s, e) => [loan(e.loanId), book(s.loans.get(e.loanId)?.book_id ?? 0)],
    },
    book_added: {
      weight: () => 1,
      draw: (s, { rng, fakes }) => {
        const copies = rng.between(1, 4);
        const title = fakes.faker('en').book.title();
        return { type: 'book_added', book: { id: s.next.book, title, copies, available: copies } };
      },
      check: (s, e) => (s.books.has(e.book.id) ? `book ${e.book.id} exists` : undefined),
      apply(s, { book: b }) {
        s.books.set(b.id, { ...b });
        shelve(s, b);
        s.next.book = b.id + 1;
      },
      writes: (_s, e) => [book(e.book.id)],
    },
  },

  row: (s, table, key) => (table === 'books' ? s.books : s.loans).get(key as number),
  rows: (s, table) => (table === 'books' ? s.books : s.loans).values(),

  // 4. The rules every row change keeps: checked at every step, and by `pnpm validate` on the stream.
  invariants: [
    {
      kind: 'copies-overdrawn',
      table: 'books',
      check: (_before, after) =>
        after &&
        ((after.available as number) < 0 || (after.available as number) > (after.copies as number))
          ? `${String(after.available)} of ${String(after.copies)} copies available`
          : undefined,
    },
    {
      kind: 'loan-reopened',
      table: 'loans',
      check: (before, after) =>
        before?.status !== 'out' && after?.status === 'out' && before
          ? 'a loan that ended is out again'
          : undefined,
    },
  ],

  // 5. The starting data `pnpm sim:gen --domain` writes: row `id` of a table from (seed, table, id).
  dataset: {
    counts: (scale) => ({
      books: Math.max(1, Math.round(200 * scale)),
      loans: Math.round(300 * scale),
    }),
    rows({ seed, counts }) {
      const rng = createRandom(seed);
      const titles = ['Dune', 'Emma', 'Ulysses', 'Beloved', 'Middlemarch', 'Kindred', 'Solaris'];
      return (table, id) => {
        rng.seed([seed, table === 'books' ? 1 : 2, id]);
        if (table === 'books') {
          const copies = rng.between(1, 5);
          return { id, title: `${rng.pick(titles)} (${id})`, copies, available: copies };
        }
        // Loans of the past: all returned, so every copy is on the shelf.
        const when = Date.UTC(2026, 0, 1) + rng.int(300) * 86_400_000;
        const member = `member ${1 + rng.int(500)}`;
        const bookId = 1 + rng.int(counts.books!);
        return {
          id,
          book_id: bookId,
          member,
          status: 'returned',
          updated_at: new Date(when).toISOString(),
        };
      };
    },
  },
});
