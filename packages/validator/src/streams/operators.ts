/**
 * A small Kafka-Streams-style toolkit: each processor is an OperatorFunction composed
 * from RxJS operators. Bad records become values (see `routeViolations`), so an error
 * only ever means an infrastructure failure.
 */
import {
  asyncScheduler,
  bufferTime,
  filter,
  map,
  tap,
  type Observer,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';

export interface Keyed<T> {
  key: string;
  value: T;
}

/** KStream#selectKey: give each value a string key. */
export function keyBy<T>(keyOf: (value: T) => string): OperatorFunction<T, Keyed<T>> {
  return map((value) => ({ key: keyOf(value), value }));
}

/** A per-key state store (Kafka Streams' KeyValueStore), injectable so tests and reports can read it. */
export interface StateStore<V> {
  get(key: string): V | undefined;
  put(key: string, value: V): void;
  delete(key: string): void;
  readonly size: number;
  entries(): IterableIterator<[string, V]>;
}

export function createStateStore<V>(): StateStore<V> {
  const map = new Map<string, V>();
  return {
    get: (key) => map.get(key),
    put: (key, value) => void map.set(key, value),
    delete: (key) => void map.delete(key),
    get size() {
      return map.size;
    },
    entries: () => map.entries(),
  };
}

/** KGroupedStream#aggregate: fold each key's values into the store, emit the key's new aggregate. */
export function aggregateByKey<T, A>(
  store: StateStore<A>,
  init: () => A,
  reduce: (aggregate: A, value: T, key: string) => A,
): OperatorFunction<Keyed<T>, Keyed<A>> {
  return map(({ key, value }) => {
    const next = reduce(store.get(key) ?? init(), value, key);
    store.put(key, next);
    return { key, value: next };
  });
}

/** An update to a KTable: the key's new row, or null when the key was deleted. */
export type TableUpdate<R> = Keyed<R | null>;

/** StreamsBuilder#table: materialise a changelog into `store` (latest value per key, null deletes). */
export function toTable<R>(store: StateStore<R>): OperatorFunction<TableUpdate<R>, TableUpdate<R>> {
  return tap(({ key, value }) => (value === null ? store.delete(key) : store.put(key, value)));
}

/** Tumbling processing-time windows: count per key in each window of `windowMs`. */
export function windowedCount<T>(
  windowMs: number,
  keyOf: (value: T) => string,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<T, ReadonlyMap<string, number>> {
  return (source) =>
    source.pipe(
      bufferTime(windowMs, scheduler),
      map((batch) =>
        batch.reduce(
          (counts, value) => counts.set(keyOf(value), (counts.get(keyOf(value)) ?? 0) + 1),
          new Map<string, number>(),
        ),
      ),
    );
}

/** Sends every `Left` to the violations sink and passes on only the good values. */
export type Routed<V, T> = { ok: true; value: T } | { ok: false; violation: V };

export function routeViolations<V, T>(
  violations: Pick<Observer<V>, 'next'>,
): OperatorFunction<Routed<V, T>, T> {
  return (source) =>
    source.pipe(
      tap((item) => {
        if (!item.ok) violations.next(item.violation);
      }),
      filter((item): item is { ok: true; value: T } => item.ok),
      map((item) => item.value),
    );
}
