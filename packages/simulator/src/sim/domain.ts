/**
 * The domain definition API: a business in one file.
 *
 * A domain declares its tables, the state it keeps in memory, its event types
 * and its invariants. The engine does the rest: the event log, one
 * transaction per event, seeded determinism, resume after kill -9,
 * reconnects, pacing, and concurrency without two events touching the same
 * row. A domain writes no SQL: the engine works out each event's inserts,
 * updates and deletes from the rows the event declares it writes, read from
 * the state before and after `apply`, and PostgreSQL refuses a write whose row
 * is not as the state had it (changed outside the simulator).
 *
 * Determinism is the domain's share of the contract: `draw` takes every random
 * choice from `tools.rng` (and `tools.fakes`, which draws from it), never from
 * Math.random or the clock, and `at` only ends up in rows, never in choices.
 * The order of `events` is the order of the draw: keep it when editing.
 *
 * See src/domains/retail (the built-in business) and the README's tutorial.
 */
import type { Fakes } from '../fake/fakes.js';
import type { Random } from '../fake/random.js';

/** A table row, keyed by column name. */
export type Row = Record<string, unknown>;
export type Key = number | string;
/** The rows of each table, as loaded (sorted by key). */
export type Tables = Readonly<Record<string, readonly object[]>>;

export interface TableSpec {
  /** The table's name, which is its CSV file's name in sim:load. */
  readonly name: string;
  /** The primary key column. */
  readonly key: string;
  /** The columns the simulator reads and writes, in table order. */
  readonly columns: readonly string[];
  /**
   * Columns that must still hold the state's value in PostgreSQL when a row is
   * updated or deleted (an update's changed columns are always checked).
   */
  readonly guard?: readonly string[];
}

/** One row of one table. */
export interface RowRef {
  readonly table: string;
  readonly key: Key;
}

/** What `draw` may use besides the state. */
export interface DrawTools<Context> {
  /** The seeded stream: every random choice comes from here. */
  readonly rng: Random;
  /** Names, addresses, e-mails drawn from the same stream. */
  readonly fakes: Fakes;
  /** What `context` made from the loaded tables. */
  readonly context: Context;
  /** The event's timestamp (for rows only, never for choices). */
  readonly at: string;
}

export interface EventType<State, Self, Event, Context> {
  /** Relative chance that this type is drawn next, given the state (0: not now). */
  weight(state: State): number;
  /** Makes the event; may return another type when this one cannot happen now. */
  draw(state: State, tools: DrawTools<Context>): Event;
  /** Why the event cannot happen in this state, or undefined when it can. */
  check(state: State, event: Self): string | undefined;
  /** The state change (in place). Called only after `check` passed. */
  apply(state: State, event: Self, at: string): void;
  /** The rows `apply` inserts, updates or deletes, in the order PostgreSQL must write them. */
  writes(state: State, event: Self): readonly RowRef[];
  /** Rows the event reads but does not write: no event running at the same time may write them. */
  reads?(state: State, event: Self): readonly RowRef[];
}

/** A rule every change of a table's rows keeps; checked at every step and on the Kafka stream. */
export interface Invariant {
  /** The rule's name, e.g. "negative-stock"; also the violation's kind in `pnpm validate`. */
  readonly kind: string;
  readonly table: string;
  /**
   * What is wrong with a row going from `before` to `after` (undefined before:
   * inserted, undefined after: deleted), or undefined when nothing is.
   */
  check(before: Row | undefined, after: Row | undefined): string | undefined;
}

/** A domain's events: a `type` plus the fields of its own. */
export interface DomainEventBase {
  readonly type: string;
}

export interface DomainDefinition<State, Event extends DomainEventBase, Context = undefined> {
  /** What `--domain` calls it. */
  readonly name: string;
  /** One line for `sim:run --help`. */
  readonly description: string;
  readonly tables: readonly TableSpec[];
  /**
   * The state of the loaded tables (an object, on which the engine keeps `seq`,
   * the last event folded in); throws a DomainRefusal when they break a rule.
   */
  init(tables: Tables): State;
  /** What draws need besides the state (places, categories…), made once per run. */
  context(tables: Tables, tools: { rng: Random; fakes: Fakes }): Context;
  /** The event types, in draw order. */
  readonly events: {
    readonly [Type in Event['type']]: EventType<
      State,
      Extract<Event, { type: Type }>,
      Event,
      Context
    >;
  };
  /** A row as the state holds it (undefined: no such row). The engine does not keep it. */
  row(state: State, table: string, key: Key): object | undefined;
  /** Every row of a table the state holds (for the checks at start and in tests). */
  rows(state: State, table: string): Iterable<object>;
  readonly invariants: readonly Invariant[];
  /** Starting data that `pnpm sim:gen --domain` writes as CSV files (one per table). */
  readonly dataset?: Dataset;
}

/** A domain's starting data, made row by row so that big files stream in constant memory. */
export interface Dataset {
  /** How many rows of each table at a scale (1: the default size). */
  counts(scale: number): Readonly<Record<string, number>>;
  /**
   * Row number `id` (from 1) of a table, a function of (seed, table, id) alone
   * so that references can be made without the rows in memory. `locale`: a
   * faker locale that names a country, when the user gives one.
   */
  rows(options: {
    seed: number;
    counts: Readonly<Record<string, number>>;
    locale?: string;
  }): (table: string, id: number) => Row;
}

/** Any domain's definition, as the engine sees it. */
export type AnyDomain = DomainDefinition<unknown, DomainEventBase, unknown>;

/** Thrown by `init` for loaded rows that break a rule of the domain. */
export class DomainRefusal extends Error {}

/** Identity, for type inference: `export default defineDomain({ ... })`. */
export function defineDomain<State, Event extends DomainEventBase, Context = undefined>(
  definition: DomainDefinition<State, Event, Context>,
): DomainDefinition<State, Event, Context> {
  return definition;
}
