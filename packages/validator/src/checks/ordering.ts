/**
 * Per key, the source LSN never goes backwards. A change whose (key, LSN, op) was already
 * seen is a re-delivery (at-least-once after a crash): a duplicate, not a reordering.
 */
import { map, type OperatorFunction } from 'rxjs';
import type { Change } from '../avro/decoder.js';
import { createStateStore, type StateStore } from '../streams/operators.js';
import { keyString } from './canonical.js';

export interface KeyHistory {
  newest: bigint;
  seen: Set<string>;
}

export type OrderingVerdict =
  | { kind: 'in-order'; change: Change; key: string }
  | { kind: 'duplicate'; change: Change; key: string }
  | { kind: 'reordering'; change: Change; key: string; newest: bigint };

export function tableOf(topic: string): string {
  return topic.split('.').at(-1) ?? topic;
}

export function checkOrdering(
  store: StateStore<KeyHistory> = createStateStore(),
): OperatorFunction<Change, OrderingVerdict> {
  return map((change): OrderingVerdict => {
    const key = keyString(change.key ?? {});
    if (change.op === 'tombstone' || change.lsn === null) return { kind: 'in-order', change, key };
    const storeKey = `${change.topic}|${key}`;
    const history = store.get(storeKey) ?? { newest: -1n, seen: new Set<string>() };
    const id = `${change.lsn}|${change.op}`;
    if (history.seen.has(id)) return { kind: 'duplicate', change, key };
    history.seen.add(id);
    store.put(storeKey, history);
    if (change.lsn < history.newest)
      return { kind: 'reordering', change, key, newest: history.newest };
    history.newest = change.lsn;
    return { kind: 'in-order', change, key };
  });
}
