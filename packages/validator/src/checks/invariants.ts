/**
 * The business rules, checked on the stream: the invariants the domains declare
 * (@mdp/simulator's domain definitions: retail's status only forward, stock ≥ 0,
 * cancelled never shipped; the clinic's; yours). Each is a rule on one row's
 * change, from its previous version to its new one.
 */
import type { Invariant } from '@mdp/simulator';
import { filter, mergeMap, type Observable } from 'rxjs';
import type { Change } from '../avro/decoder.js';
import {
  createStateStore,
  type Keyed,
  type Processor,
  type StateStore,
} from '../streams/operators.js';
import { tableOf } from './ordering.js';
import type { Violation } from './violations.js';

type Row = Record<string, unknown>;

const at = (change: Change) => `${change.topic}/${change.partition}@${change.offset}`;

/**
 * Takes in-order changes keyed by their record key (duplicates and reorderings are the
 * ordering check's). A state store keeps each key's last row, for the tables that have
 * invariants only: a row's previous version is that, else the change's own `before`.
 */
export function checkInvariants(
  invariants: readonly Invariant[],
  lastRows: StateStore<Row> = createStateStore(),
): Processor<Keyed<Change>, Violation> {
  const byTable = new Map<string, Invariant[]>();
  for (const invariant of invariants)
    byTable.set(invariant.table, [...(byTable.get(invariant.table) ?? []), invariant]);
  return (changes: Observable<Keyed<Change>>) =>
    changes.pipe(
      filter(({ value }) => byTable.has(tableOf(value.topic))),
      mergeMap(({ key, value: change }) => {
        const table = tableOf(change.topic);
        const storeKey = `${table}\u0000${key}`;
        const before = lastRows.get(storeKey) ?? change.before ?? undefined;
        const after = change.op === 'd' || change.op === 'tombstone' ? undefined : change.after;
        if (after) lastRows.put(storeKey, after);
        else lastRows.delete(storeKey);
        const found: Violation[] = [];
        for (const invariant of byTable.get(table)!) {
          const detail = invariant.check(before ?? undefined, after ?? undefined);
          if (detail !== undefined)
            found.push({
              check: 'business-rules',
              kind: invariant.kind,
              table,
              key,
              at: at(change),
              detail,
            });
        }
        return found;
      }),
    );
}
