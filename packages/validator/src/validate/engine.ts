/**
 * The validation engine: decoded records in, verdicts out. Changes flow through the
 * ordering and business-rule processors as they arrive; completeness and the event log
 * are judged against a PostgreSQL snapshot once the stream has passed its watermark.
 */
import { Subject, share } from 'rxjs';
import type { Change, Decoded } from '../avro/decoder.js';
import { checkBusinessRules } from '../checks/business-rules.js';
import {
  compareTable,
  replay,
  type TableComparison,
  type TxSnapshot,
} from '../checks/completeness.js';
import { checkEventLog } from '../checks/event-log.js';
import {
  checkOrdering,
  openReorderings,
  tableOf,
  type KeyHistory,
  type OrderingVerdict,
} from '../checks/ordering.js';
import { TOLERATED, type Violation } from '../checks/violations.js';
import type { LoggedEvent, Row } from '@mdp/schemas';
import { createStateStore } from '../streams/operators.js';

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
  checks: Record<Violation['check'], { ok: boolean; count: number; examples: Violation[] }>;
  eventLog?: { events: number; missing: number };
}

const EXAMPLES = 5;

const where = (c: Change) => `${c.topic}/${c.partition}@${c.offset}`;

function reordering(v: Extract<OrderingVerdict, { kind: 'reordering' }>): Violation {
  return {
    check: 'ordering',
    kind: 'reordering',
    table: tableOf(v.change.topic),
    key: v.key,
    at: where(v.change),
    detail: `lsn ${v.change.lsn} (op ${v.change.op}) after lsn ${v.newest}`,
  };
}

export function createEngine() {
  const changes$ = new Subject<Change>();
  const violations: Violation[] = [];
  const stats = new Map<string, TableStats & { keySet: Set<string> }>();
  const history: { key: string; change: Change }[] = [];
  const order = createStateStore<KeyHistory>();
  const verdicts$ = changes$.pipe(checkOrdering(order), share());
  verdicts$.subscribe((v) => record(v));
  verdicts$.pipe(checkBusinessRules()).subscribe((v) => violations.push(v));

  function tableStats(table: string) {
    let s = stats.get(table);
    if (!s)
      stats.set(
        table,
        (s = {
          table,
          records: 0,
          tombstones: 0,
          keys: 0,
          duplicates: 0,
          reorderings: 0,
          keySet: new Set(),
        }),
      );
    return s;
  }

  function record(v: OrderingVerdict) {
    const table = tableOf(v.change.topic);
    const s = tableStats(table);
    s.keySet.add(v.key);
    if (v.change.op === 'tombstone') s.tombstones += 1;
    const at = where(v.change);
    if (v.kind === 'duplicate') {
      s.duplicates += 1;
      violations.push({
        check: 'ordering',
        kind: 'duplicate',
        table,
        key: v.key,
        at,
        detail: `lsn ${v.change.lsn} op ${v.change.op} delivered again`,
      });
      return;
    }
    if (v.kind === 'reordering') {
      s.reorderings += 1;
      violations.push(reordering(v));
      return;
    }
    history.push({ key: v.key, change: v.change });
  }

  function accept(decoded: Decoded): void {
    const topic = decoded.ok ? decoded.change.topic : decoded.record.topic;
    tableStats(tableOf(topic)).records += 1;
    if (decoded.ok) {
      changes$.next(decoded.change);
      return;
    }
    const { error, record: raw } = decoded;
    violations.push({
      check: 'decoding',
      kind: 'poison',
      table: tableOf(raw.topic),
      at: `${raw.topic}/${raw.partition}@${raw.offset}`,
      detail: `${error.code}: ${error.message}`,
    });
  }

  function verdict(source: SourceState | undefined, tables: readonly string[]): Verdict {
    // Re-deliveries still open although the stream passed the watermark: reorderings.
    const open = openReorderings(order, source?.walLsn);
    const all = [...violations, ...open.map(reordering)];
    const rows: Verdict['tables'] = [];
    let eventLog: Verdict['eventLog'];
    for (const table of tables) {
      const { keySet: _keys, ...s } = tableStats(table);
      const reorderings =
        s.reorderings + open.filter((v) => tableOf(v.change.topic) === table).length;
      const base = { ...s, reorderings, keys: _keys.size };
      const sourceRows = source?.tables.get(table);
      if (!source || !sourceRows) {
        rows.push(base);
        continue;
      }
      const { rows: replayed, afterWatermark } = replay(
        history.filter((h) => tableOf(h.change.topic) === table),
        source.snapshot,
        source.walLsn,
      );
      const {
        violations: found,
        table: _table,
        ...cmp
      } = compareTable(table, sourceRows, replayed, afterWatermark);
      all.push(...found);
      rows.push({ ...base, ...cmp });
    }
    if (source?.events) {
      const byKey = new Map<string, Change[]>();
      for (const { key, change } of history) {
        const k = `${tableOf(change.topic)}|${key}`;
        const list = byKey.get(k) ?? [];
        list.push(change);
        byKey.set(k, list);
      }
      const result = checkEventLog(source.events, byKey, new Set(tables));
      all.push(...result.violations);
      eventLog = { events: result.events, missing: result.violations.length };
    }
    const checks = {} as Verdict['checks'];
    for (const check of [
      'decoding',
      'ordering',
      'completeness',
      'event-log',
      'business-rules',
    ] as const) {
      const mine = all.filter((v) => v.check === check);
      const failing = mine.filter((v) => !TOLERATED.has(v.kind));
      const tolerated = mine.filter((v) => TOLERATED.has(v.kind));
      checks[check] = {
        ok: failing.length === 0,
        count: failing.length,
        examples: [...failing, ...tolerated].slice(0, EXAMPLES),
      };
    }
    const ok = Object.values(checks).every((c) => c.ok);
    return { ok, tables: rows, checks, ...(eventLog ? { eventLog } : {}) };
  }

  return { accept, verdict, records: () => [...stats.values()].reduce((n, s) => n + s.records, 0) };
}
