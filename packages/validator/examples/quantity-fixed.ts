/**
 * An example rule for `pnpm validate --rules`: an order's quantity never changes once it is
 * placed. A rule gets every in-order change keyed by its record key and returns violations;
 * its state store is made inside the function, so each topology gets its own.
 */
import { tableOfTopic } from '@mdp/schemas';
import { aggregateByKey, createStateStore, type Change, type Rule } from '@mdp/validator';
import { filter, map } from 'rxjs';

interface Quantity {
  placed?: unknown;
  change?: Change;
}

const quantityFixed: Rule = (changes) =>
  changes.pipe(
    filter(({ value }) => tableOfTopic(value.topic)?.table === 'orders'),
    aggregateByKey(
      createStateStore<Quantity>(),
      (): Quantity => ({}),
      (seen, change) =>
        change.op === 'd' ? undefined : { placed: seen.placed ?? change.after?.quantity, change },
    ),
    filter(({ value }) => value?.change?.after?.quantity !== value?.placed),
    map(({ key, value }) => ({
      check: 'business-rules' as const,
      kind: 'rule:quantity-fixed' as const,
      table: 'orders',
      key,
      at: `${value!.change!.topic}/${value!.change!.partition}@${value!.change!.offset}`,
      detail: `quantity ${String(value!.placed)} → ${String(value!.change!.after?.quantity)}`,
    })),
  );

export default quantityFixed;
