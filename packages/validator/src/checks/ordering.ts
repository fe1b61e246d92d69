/**
 * Per key, the source LSN never goes backwards. An old change delivered again is a
 * duplicate only when it is part of a re-delivery: Debezium restarting from its last
 * committed offset sends again, in order, every change after that offset, so for a key
 * the re-sent changes are a run of its history that reaches the key's newest change.
 * An old change that is not followed by the rest of that run (the key moves on to a new
 * change, or the stream passed the watermark without it) was delivered out of order:
 * a reordering, reported at the offset of the old record.
 *
 * State is bounded: a key remembers its newest REDELIVERY_WINDOW changes. Debezium commits
 * its offset every few seconds, so a restart re-sends far fewer changes of one key than that;
 * a change older than the window delivered again is reported as a reordering.
 */
import { tableOfTopic } from '@mdp/schemas';
import { concatMap, from, type OperatorFunction } from 'rxjs';
import type { Change } from '../avro/decoder.js';
import { createStateStore, keyBy, type StateStore } from '../streams/operators.js';
import { keyString } from './canonical.js';

/** A re-delivery in progress for one key: the old records seen so far and what must come next. */
interface Replay {
  /** Position (as in `KeyHistory.index`) of the change the re-delivery must show next. */
  next: number;
  /** The old records of the re-delivery so far, not yet judged. */
  held: Change[];
}

export const REDELIVERY_WINDOW = 256;

export interface KeyHistory {
  /** `lsn|op` of the key's newest in-order changes, oldest first, and their position. */
  ids: string[];
  index: Map<string, number>;
  lsns: bigint[];
  /** The position of `ids[0]` among all the key's in-order changes (older ones were dropped). */
  base: number;
  newest: bigint;
  replay?: Replay;
}

export type OrderingVerdict =
  | { kind: 'in-order'; change: Change; key: string }
  | { kind: 'duplicate'; change: Change; key: string }
  | { kind: 'reordering'; change: Change; key: string; newest: bigint };

const TABLES = new Map<string, string>();

/**
 * A topic's table (`tableOfTopic`; a topic not named `<prefix>.<schema>.<table>` is its own
 * table), remembered: it is asked several times a record.
 */
export function tableOf(topic: string): string {
  let table = TABLES.get(topic);
  if (table === undefined) TABLES.set(topic, (table = tableOfTopic(topic)?.table ?? topic));
  return table;
}

const keyOf = (change: Change) => keyString(change.key ?? {});

/** Judges `held` records of a re-delivery that ended without reaching the key's newest change. */
function broken(history: KeyHistory): OrderingVerdict[] {
  const held = history.replay?.held ?? [];
  history.replay = undefined;
  return held.map((change) => ({
    kind: 'reordering',
    change,
    key: keyOf(change),
    newest: history.newest,
  }));
}

/** Appends a new in-order change; forgets the oldest beyond the window (no re-delivery is open then). */
function remember(history: KeyHistory, id: string, lsn: bigint) {
  history.index.set(id, history.base + history.ids.length);
  history.ids.push(id);
  history.lsns.push(lsn);
  history.newest = lsn;
  if (history.ids.length > REDELIVERY_WINDOW) {
    history.index.delete(history.ids.shift()!);
    history.lsns.shift();
    history.base += 1;
  }
}

/** One change in, the verdicts it settles out (none while a re-delivery is still open). */
function judgeOrder(store: StateStore<KeyHistory>, key: string, change: Change): OrderingVerdict[] {
  if (change.op === 'tombstone' || change.lsn === null) return [{ kind: 'in-order', change, key }];
  const storeKey = `${change.topic}|${key}`;
  let history = store.get(storeKey);
  if (!history) {
    history = { ids: [], index: new Map(), lsns: [], base: 0, newest: -1n };
    store.put(storeKey, history);
  }
  const id = `${change.lsn}|${change.op}`;
  const seenAt = history.index.get(id);
  if (seenAt === undefined) {
    const settled = broken(history);
    if (change.lsn < history.newest)
      return [...settled, { kind: 'reordering', change, key, newest: history.newest }];
    remember(history, id, change.lsn);
    return [...settled, { kind: 'in-order', change, key }];
  }
  // Seen before. Going back (a new restart) keeps the re-delivery open; skipping ahead breaks it.
  const settled = history.replay && seenAt > history.replay.next ? broken(history) : [];
  const replay = (history.replay ??= { next: seenAt + 1, held: [] });
  replay.next = seenAt + 1;
  replay.held.push(change);
  if (replay.next < history.base + history.ids.length) return settled;
  history.replay = undefined;
  return [
    ...settled,
    ...replay.held.map((c): OrderingVerdict => ({ kind: 'duplicate', change: c, key })),
  ];
}

/**
 * Re-deliveries still open whose next change has an LSN at or below `watermark`: the
 * connector passed it, so that change should have come again; their records are reorderings.
 * Read-only, so a verdict can be taken again later (validate --follow).
 */
export function openReorderings(
  store: StateStore<KeyHistory>,
  watermark: bigint | undefined,
): Extract<OrderingVerdict, { kind: 'reordering' }>[] {
  const out: Extract<OrderingVerdict, { kind: 'reordering' }>[] = [];
  for (const [, history] of store.entries()) {
    const replay = history.replay;
    if (!replay) continue;
    const due = history.lsns[replay.next - history.base];
    if (watermark !== undefined && (due === undefined || due > watermark)) continue;
    for (const change of replay.held)
      out.push({ kind: 'reordering', change, key: keyOf(change), newest: history.newest });
  }
  return out;
}

/** The ordering processor: changes in, keyed by record key, a verdict per change out, in the order they settle. */
export function checkOrdering(
  store: StateStore<KeyHistory> = createStateStore(),
): OperatorFunction<Change, OrderingVerdict> {
  return (changes) =>
    changes.pipe(
      keyBy(keyOf),
      concatMap(({ key, value }) => from(judgeOrder(store, key, value))),
    );
}
