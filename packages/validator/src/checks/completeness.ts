/**
 * Completeness and equality at a watermark: the topic replayed (in stream order, only the
 * changes of transactions visible in the PostgreSQL snapshot) must equal the table's rows.
 */
import { UNAVAILABLE_VALUE, type Row } from '@mdp/schemas';
import type { Change } from '../avro/decoder.js';
import { canonical, canonicalRow } from './canonical.js';
import type { Violation } from './violations.js';

/** A PostgreSQL snapshot (`pg_current_snapshot()`): which transaction ids it sees. */
export interface TxSnapshot {
  xmin: bigint;
  xmax: bigint;
  xip: ReadonlySet<bigint>;
}

export function parseSnapshot(text: string): TxSnapshot {
  const [xmin = '0', xmax = '0', xip = ''] = text.split(':');
  return {
    xmin: BigInt(xmin),
    xmax: BigInt(xmax),
    xip: new Set(xip ? xip.split(',').map((x) => BigInt(x)) : []),
  };
}

/** Debezium's txId is the 32-bit xid; the snapshot's are 64-bit: compare within the current epoch. */
export function visibleIn(snapshot: TxSnapshot, txId: bigint | null): boolean {
  if (txId === null) return true;
  const epoch = (snapshot.xmax >> 32n) << 32n;
  const xid = epoch + (txId & 0xffffffffn);
  const full = xid - snapshot.xmax > 1n << 31n ? xid - (1n << 32n) : xid;
  return full < snapshot.xmin || (full < snapshot.xmax && !snapshot.xip.has(full));
}

export interface TableComparison {
  table: string;
  sourceRows: number;
  replayedRows: number;
  missing: number;
  extra: number;
  mismatched: number;
  /** Changes of transactions the snapshot does not see (after the watermark): left out. */
  afterWatermark: number;
  violations: Violation[];
}

const UNAVAILABLE = new Set([
  canonical(UNAVAILABLE_VALUE),
  canonical(Buffer.from(UNAVAILABLE_VALUE)),
]);

/** Debezium's placeholder for an unchanged TOASTed value → the value the row had. */
function keepUnavailable(
  row: Record<string, string | null>,
  previous: Record<string, string | null> | undefined,
): Record<string, string | null> {
  for (const [name, value] of Object.entries(row))
    if (value !== null && UNAVAILABLE.has(value)) row[name] = previous?.[name] ?? null;
  return row;
}

/** A row of a blocking snapshot (the initial one, or the one Debezium takes again after its slot was lost). */
function inBlockingSnapshot(change: Change): boolean {
  return change.op === 'r' && !['false', 'incremental', null, undefined].includes(change.snapshot);
}

/** A point of PostgreSQL's history: the snapshot `pg_current_snapshot()` and the WAL position taken with it. */
export interface Watermark {
  snapshot: TxSnapshot;
  lsn: bigint;
}

/**
 * Whether a change is part of PostgreSQL's state at the watermark. A blocking snapshot's row
 * belongs to Debezium's read-only snapshot transaction, which may still be open at the
 * watermark: its values are the table's as of the snapshot's LSN, so it counts when that LSN
 * is at or below the watermark's.
 */
export function atWatermark(change: Change, watermark: Watermark): boolean {
  if (inBlockingSnapshot(change) && change.lsn !== null) return change.lsn <= watermark.lsn;
  return visibleIn(watermark.snapshot, change.txId);
}

/** A truncate, or a blocking snapshot's row: each acts on the whole table, not on one key. */
const actsOnTable = (change: Change) => change.op === 't' || inBlockingSnapshot(change);

type CanonicalRow = Record<string, string | null>;

/**
 * A topic's table at the watermark (a KTable): the latest row of each key, in canonical text,
 * as of the changes PostgreSQL's state at the watermark holds. A change after the watermark
 * waits in `pending`, and so does every later change of its key (of the whole table, behind a
 * truncate or a blocking snapshot), until a later watermark sees it: state is one row a key
 * plus the changes made since the watermark, whatever the length of the stream.
 */
export interface TableAtWatermark {
  /** The next change of the table, in stream order. */
  apply(key: string, change: Change): void;
  /** A newer watermark (watermarks only move forward): applies what it now sees. */
  advance(watermark: Watermark): void;
  readonly rows: ReadonlyMap<string, CanonicalRow>;
  /** Changes left out: after the watermark, or behind one that is. */
  readonly afterWatermark: number;
}

export function createTableAtWatermark(): TableAtWatermark {
  const rows = new Map<string, CanonicalRow>();
  let watermark: Watermark | undefined;
  let pending: { key: string; change: Change }[] = [];
  const pendingKeys = new Map<string, number>();
  let pendingTableWide = 0;
  // The LSN of the blocking snapshot being applied: its rows are the whole table at that LSN.
  let snapshotLsn: bigint | null | undefined;

  function applyNow(key: string, change: Change) {
    // A truncate (Debezium op 't', emitted when the connector does not skip it) empties the
    // table; so does the start of a blocking snapshot, which sends every row again (a row
    // deleted while the slot was lost is not among them).
    const snapshotStarts = inBlockingSnapshot(change) && change.lsn !== snapshotLsn;
    if (snapshotStarts) snapshotLsn = change.lsn;
    if (change.op === 't' || snapshotStarts) rows.clear();
    if (change.op === 't') return;
    if (change.op === 'd' || change.after === null) rows.delete(key);
    else rows.set(key, keepUnavailable(canonicalRow(change.after), rows.get(key)));
  }

  function hold(key: string, change: Change) {
    pending.push({ key, change });
    if (actsOnTable(change)) pendingTableWide += 1;
    else pendingKeys.set(key, (pendingKeys.get(key) ?? 0) + 1);
  }

  const waits = (key: string, change: Change) =>
    pendingTableWide > 0 ||
    (actsOnTable(change) ? pendingKeys.size > 0 : pendingKeys.has(key)) ||
    !watermark ||
    !atWatermark(change, watermark);

  return {
    apply(key, change) {
      if (change.op === 'tombstone') return;
      if (waits(key, change)) hold(key, change);
      else applyNow(key, change);
    },
    advance(next) {
      watermark = next;
      const queue = pending;
      pending = [];
      pendingKeys.clear();
      pendingTableWide = 0;
      for (const { key, change } of queue) {
        if (waits(key, change)) hold(key, change);
        else applyNow(key, change);
      }
    },
    rows,
    get afterWatermark() {
      return pending.length;
    },
  };
}

function shown(row: Record<string, string | null>, column: string): string {
  return column in row ? String(row[column]) : '(no such column)';
}

export function compareTable(
  table: string,
  source: ReadonlyMap<string, Row>,
  replayed: ReadonlyMap<string, Record<string, string | null>>,
  afterWatermark: number,
): TableComparison {
  const violations: Violation[] = [];
  for (const [key, row] of source) {
    const got = replayed.get(key);
    const want = canonicalRow(row);
    if (!got) {
      violations.push({
        check: 'completeness',
        kind: 'missing',
        table,
        key,
        detail: 'row is in PostgreSQL but not in the replayed stream',
      });
      continue;
    }
    // Every column of either side: one PostgreSQL no longer has (dropped or renamed) but the
    // replayed row still carries means the stream never re-sent that row in its new shape.
    const columns = new Set([...Object.keys(want), ...Object.keys(got)]);
    const diffs = [...columns].filter((c) => want[c] !== got[c]);
    if (diffs.length) {
      violations.push({
        check: 'completeness',
        kind: 'mismatched',
        table,
        key,
        detail: diffs
          .map((c) => `${c}: postgres=${shown(want, c)} stream=${shown(got, c)}`)
          .join(', '),
      });
    }
  }
  for (const key of replayed.keys()) {
    if (!source.has(key))
      violations.push({
        check: 'completeness',
        kind: 'extra',
        table,
        key,
        detail: 'row is in the replayed stream but not in PostgreSQL',
      });
  }
  const count = (k: Violation['kind']) => violations.filter((v) => v.kind === k).length;
  return {
    table,
    sourceRows: source.size,
    replayedRows: replayed.size,
    missing: count('missing'),
    extra: count('extra'),
    mismatched: count('mismatched'),
    afterWatermark,
    violations,
  };
}
