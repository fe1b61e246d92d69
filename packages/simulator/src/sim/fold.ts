/**
 * The engine's reducer over any domain. State = start(tables) folded with the
 * logged events, in seq order; `evolve` also works out the rows each event
 * writes (what PostgreSQL applies) and checks the domain's invariants on them.
 *
 * `evolve` updates the state it is given (thousands of events/s over large
 * tables); `fold` starts from `start`, so it is pure from the outside. An
 * event refused by its type's `check` changes nothing; a broken invariant is
 * a bug of the domain's `apply` and leaves the state unusable.
 */
import {
  DomainRefusal,
  type AnyDomain,
  type DomainDefinition,
  type DomainEventBase,
  type Key,
  type Row,
  type Tables,
} from './domain.js';
import { SimError, SimRuleError } from './errors.js';

/** A domain's state with the seq of the last event folded in (0 = the loaded tables). */
export type Folded<State> = State & { seq: number };

/** An event as it is logged: its position and when it happened. */
export interface Logged<Event = { type: string }> {
  seq: number;
  at: string;
  event: Event;
}

/** A row change, as the engine's SQL applies it. */
export type Write =
  | { table: string; op: 'insert'; row: Row }
  | { table: string; op: 'update'; key: Row; set: Row; expect: Row }
  | { table: string; op: 'delete'; key: Row; expect: Row };

export function start<State, Event extends DomainEventBase, Context>(
  domain: DomainDefinition<State, Event, Context>,
  tables: Tables,
): Folded<State> {
  try {
    return Object.assign(domain.init(tables) as object, { seq: 0 }) as Folded<State>;
  } catch (err) {
    if (err instanceof DomainRefusal) throw new SimError('SIM_BAD_SNAPSHOT', err.message);
    throw err;
  }
}

export function fold<State, Event extends DomainEventBase, Context>(
  domain: DomainDefinition<State, Event, Context>,
  tables: Tables,
  events: Iterable<Logged>,
): Folded<State> {
  const state = start(domain, tables);
  for (const logged of events) evolve(domain as AnyDomain, state, logged);
  return state;
}

/** The entity keys an event touches ("table:key"), for the dispatcher; against the state before it. */
export function keysOf(domain: AnyDomain, state: unknown, event: { type: string }): string[] {
  const type = domain.events[event.type];
  if (!type) return [];
  const refs = [...type.writes(state, event), ...(type.reads?.(state, event) ?? [])];
  return [...new Set(refs.map((ref) => `${ref.table}:${ref.key}`))];
}

/** Applies one event to the state after its type's check; returns the rows it writes. */
export function evolve<State>(
  domain: DomainDefinition<State, DomainEventBase, unknown> | AnyDomain,
  state: Folded<State>,
  logged: Logged,
): Write[] {
  const { seq, at, event } = logged;
  if (seq !== state.seq + 1) refuse(logged, `expected event ${state.seq + 1} next`);
  const type = domain.events[event.type];
  if (!type) refuse(logged, `unknown event type ${event.type}`);
  const why = type.check(state, event);
  if (why !== undefined) refuse(logged, why);
  const refs = type.writes(state, event);
  const before: (Row | undefined)[] = [];
  for (const ref of refs) before.push(copy(domain.row(state, ref.table, ref.key)));
  type.apply(state, event, at);
  const writes: Write[] = [];
  for (let i = 0; i < refs.length; i++) {
    const { table, key } = refs[i]!;
    const after = domain.row(state, table, key) as Row | undefined;
    for (const invariant of invariantsOf(domain, table)) {
      const broken = invariant.check(before[i], after);
      if (broken !== undefined) refuse(logged, `${invariant.kind}: ${table} ${key}: ${broken}`);
    }
    const write = writeOf(domain, table, key, before[i], after);
    if (write === 'absent')
      refuse(logged, `writes ${table} ${key}, which is in the state neither before nor after`);
    writes.push(write);
  }
  state.seq = seq;
  return writes;
}

/** The rows of every table of a state, each table sorted by key: what the tables must hold. */
export function tablesOf(domain: AnyDomain, state: unknown): Record<string, Row[]> {
  const tables: Record<string, Row[]> = {};
  for (const { name, key } of domain.tables) {
    const rows = [...(domain.rows(state, name) as Iterable<Row>)];
    tables[name] = rows.sort((a, b) => compare(a[key], b[key]));
  }
  return tables;
}

const compare = (a: unknown, b: unknown) =>
  (a as Key) < (b as Key) ? -1 : (a as Key) > (b as Key) ? 1 : 0;

function refuse(logged: Logged, message: string): never {
  throw new SimRuleError(logged.seq, `${logged.event.type}: ${message}`);
}

const copy = (row: object | undefined): Row | undefined => (row ? { ...row } : undefined);

const invariantCache = new WeakMap<AnyDomain, Map<string, AnyDomain['invariants']>>();
function invariantsOf(domain: AnyDomain, table: string): AnyDomain['invariants'] {
  let byTable = invariantCache.get(domain);
  if (!byTable) {
    byTable = new Map();
    for (const invariant of domain.invariants)
      byTable.set(invariant.table, [...(byTable.get(invariant.table) ?? []), invariant]);
    invariantCache.set(domain, byTable);
  }
  return byTable.get(table) ?? [];
}

function specOf(domain: AnyDomain, table: string) {
  const spec = domain.tables.find((t) => t.name === table);
  if (!spec)
    throw new SimError(
      'SIM_BAD_DOMAIN',
      `domain ${domain.name} writes table ${table}, which it does not declare`,
    );
  return spec;
}

const same = (a: unknown, b: unknown) =>
  a === b || (typeof a === 'object' && a !== null && JSON.stringify(a) === JSON.stringify(b));

/**
 * The write that takes a row from `before` to `after`. A row the event writes
 * but leaves as it was is still updated (with nothing to set): PostgreSQL and
 * the change stream see the event, as the event log says it happened.
 */
function writeOf(
  domain: AnyDomain,
  table: string,
  key: Key,
  before: Row | undefined,
  after: Row | undefined,
): Write | 'absent' {
  const spec = specOf(domain, table);
  const keyRow = { [spec.key]: key };
  if (!before && !after) return 'absent';
  if (!before) {
    const row: Row = {};
    for (const column of spec.columns) if (column in after!) row[column] = after![column];
    return { table, op: 'insert', row };
  }
  const expect: Row = {};
  for (const column of spec.guard ?? []) expect[column] = before[column];
  if (!after) return { table, op: 'delete', key: keyRow, expect };
  const set: Row = {};
  for (const column of spec.columns)
    if (!same(before[column], after[column])) {
      set[column] = after[column];
      expect[column] = before[column];
    }
  return { table, op: 'update', key: keyRow, set, expect };
}
