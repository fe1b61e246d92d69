/**
 * The validator's topology: records in (from the topic source, decoded: run.ts), a verdict
 * out. In Kafka Streams' terms:
 *
 *   records ─ routeViolations ──────────────(poison)──────────────────────────▶ violations
 *     └ changes ─ keyBy(record key) ─ checkOrdering [per-key history] ─(duplicate, reordering)─▶ violations
 *                                       └ in order ─┬ checkInvariants [per-key last row] ────────▶ violations
 *                                                   ├ rules (yours, --rules) ───────────────▶ violations
 *                                                   ├ TableAtWatermark [a KTable per table] ───┐
 *                                                   └ event-log matcher [events waiting] ──────┴▶ verdict
 *
 * Completeness and the event log are judged against PostgreSQL read at a watermark (the
 * `SourceState`): each table's KTable holds the latest row of each key as of that watermark,
 * so every store is bounded by the keys, not by the length of the stream.
 */
import type { LoggedEvent, Row } from '@mdp/schemas';
import type { Invariant } from '@mdp/simulator';
import { Subject, filter, map, merge, share, type Observable } from 'rxjs';
import type { Change, Decoded } from '../avro/decoder.js';
import {
  compareTable,
  createTableAtWatermark,
  type TableAtWatermark,
  type TableComparison,
  type TxSnapshot,
  type Watermark,
} from '../checks/completeness.js';
import { createEventLogMatcher } from '../checks/event-log.js';
import { checkInvariants } from '../checks/invariants.js';
import {
  checkOrdering,
  openReorderings,
  tableOf,
  type KeyHistory,
  type OrderingVerdict,
} from '../checks/ordering.js';
import { createViolationSink, type CheckResults, type Violation } from '../checks/violations.js';
import {
  createStateStore,
  routeViolations,
  type Keyed,
  type Processor,
  type Routed,
} from '../streams/operators.js';

/** A check of your own: in-order changes keyed by their record key in, violations out. */
export type Rule = Processor<Keyed<Change>, Violation>;

export interface TableStats {
  table: string;
  records: number;
  tombstones: number;
  keys: number;
  duplicates: number;
  reorderings: number;
}

export interface SourceState {
  snapshot: TxSnapshot;
  walLsn: bigint;
  tables: ReadonlyMap<string, ReadonlyMap<string, Row>>;
  events: readonly LoggedEvent[] | undefined;
}

export interface Verdict {
  ok: boolean;
  tables: (TableStats & Partial<Omit<TableComparison, 'violations' | 'table'>>)[];
  checks: CheckResults;
  eventLog?: { events: number; missing: number };
}

const where = (c: Change) => `${c.topic}/${c.partition}@${c.offset}`;

function poison(decoded: Decoded): Routed<Violation, Change> {
  if (decoded.ok) return { ok: true, value: decoded.change };
  const { error, record } = decoded;
  return {
    ok: false,
    violation: {
      check: 'decoding',
      kind: 'poison',
      table: tableOf(record.topic),
      at: `${record.topic}/${record.partition}@${record.offset}`,
      detail: `${error.code}: ${error.message}`,
    },
  };
}

type OutOfOrder = Exclude<OrderingVerdict, { kind: 'in-order' }>;

function outOfOrder(v: OutOfOrder): Violation {
  const base = {
    check: 'ordering',
    table: tableOf(v.change.topic),
    key: v.key,
    at: where(v.change),
  } as const;
  return v.kind === 'duplicate'
    ? {
        ...base,
        kind: 'duplicate',
        detail: `lsn ${v.change.lsn} op ${v.change.op} delivered again`,
      }
    : {
        ...base,
        kind: 'reordering',
        detail: `lsn ${v.change.lsn} (op ${v.change.op}) after lsn ${v.newest}`,
      };
}

export interface TopologyOptions {
  /** The tables judged (validate --tables). */
  tables: readonly string[];
  /** Checks of your own, run on every in-order change beside the business rules. */
  rules?: readonly Rule[];
  /** The business rules: the invariants of the domains (validate --domain). */
  invariants?: readonly Invariant[];
}

export function createTopology({ tables, rules = [], invariants = [] }: TopologyOptions) {
  const stats = new Map<string, TableStats & { keySet: Set<string> }>();
  const history = createStateStore<KeyHistory>();
  const kTables = new Map<string, TableAtWatermark>();
  const eventLog = createEventLogMatcher(new Set(tables));
  const violations = createViolationSink();
  // The last watermark handed in, and PostgreSQL as read at it.
  let current: { source: SourceState; at: Watermark } | undefined;

  const tableStats = (table: string) => {
    let s = stats.get(table);
    if (!s) {
      s = {
        table,
        records: 0,
        tombstones: 0,
        keys: 0,
        duplicates: 0,
        reorderings: 0,
        keySet: new Set(),
      };
      stats.set(table, s);
    }
    return s;
  };
  const kTable = (table: string) => {
    let t = kTables.get(table);
    if (!t) {
      kTables.set(table, (t = createTableAtWatermark()));
      if (current) t.advance(current.at);
    }
    return t;
  };

  const records$ = new Subject<Decoded>();
  const ordered$: Observable<OrderingVerdict> = records$.pipe(
    map(poison),
    routeViolations(violations),
    checkOrdering(history),
    share(),
  );
  const inOrder$: Observable<Keyed<Change>> = ordered$.pipe(
    filter((v) => v.kind === 'in-order'),
    map(({ key, change }) => ({ key, value: change })),
    share(),
  );
  ordered$.subscribe(({ key, change }) => {
    const s = tableStats(tableOf(change.topic));
    s.keySet.add(key);
    if (change.op === 'tombstone') s.tombstones += 1;
  });
  ordered$
    .pipe(
      filter((v): v is OutOfOrder => v.kind !== 'in-order'),
      map((v) => {
        const s = tableStats(tableOf(v.change.topic));
        if (v.kind === 'duplicate') s.duplicates += 1;
        else s.reorderings += 1;
        return outOfOrder(v);
      }),
    )
    .subscribe(violations);
  merge(
    inOrder$.pipe(checkInvariants(invariants)),
    ...rules.map((rule) => inOrder$.pipe(rule)),
  ).subscribe(violations);
  inOrder$.subscribe(({ key, value }) => {
    const table = tableOf(value.topic);
    kTable(table).apply(key, value);
    eventLog.observe(table, key, value);
  });

  /** PostgreSQL read at a (newer) watermark: the KTables and the event log move up to it. */
  function watermark(source: SourceState): void {
    if (current?.source === source) return;
    current = { source, at: { snapshot: source.snapshot, lsn: source.walLsn } };
    for (const t of kTables.values()) t.advance(current.at);
    for (const table of tables) kTable(table); // a table not seen yet starts at this watermark
    eventLog.expect(source.events ?? [], current.at);
  }

  function verdict(source: SourceState | undefined): Verdict {
    if (source) watermark(source);
    // Re-deliveries still open although the stream passed the watermark: reorderings.
    const open = openReorderings(history, source?.walLsn);
    const found: Violation[] = open.map(outOfOrder);
    const rows: Verdict['tables'] = [];
    for (const table of tables) {
      const { keySet, ...s } = tableStats(table);
      const reorderings =
        s.reorderings + open.filter((v) => tableOf(v.change.topic) === table).length;
      const base = { ...s, reorderings, keys: keySet.size };
      const sourceRows = source?.tables.get(table);
      if (!sourceRows) {
        rows.push(base);
        continue;
      }
      const { rows: replayed, afterWatermark } = kTable(table);
      const {
        violations: differences,
        table: _table,
        ...cmp
      } = compareTable(table, sourceRows, replayed, afterWatermark);
      found.push(...differences);
      rows.push({ ...base, ...cmp });
    }
    let log: Verdict['eventLog'];
    if (source?.events) {
      const result = eventLog.verdict();
      found.push(...result.violations);
      log = { events: result.events, missing: result.violations.length };
    }
    const checks = violations.results(found);
    const ok = Object.values(checks).every((c) => c.ok);
    return { ok, tables: rows, checks, ...(log ? { eventLog: log } : {}) };
  }

  return {
    /** The next decoded record, in consumption order. */
    accept(decoded: Decoded): void {
      tableStats(tableOf(decoded.ok ? decoded.change.topic : decoded.record.topic)).records += 1;
      records$.next(decoded);
    },
    watermark,
    verdict,
    records: () => [...stats.values()].reduce((n, s) => n + s.records, 0),
  };
}

export type Topology = ReturnType<typeof createTopology>;
