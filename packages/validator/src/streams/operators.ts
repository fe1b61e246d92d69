/**
 * A small Kafka-Streams-style toolkit: each processor is an OperatorFunction composed
 * from RxJS operators. Bad records become values (see `routeViolations`), so an error
 * only ever means an infrastructure failure.
 */
import { filter, map, tap, type Observer, type OperatorFunction } from 'rxjs';

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

/**
 * KGroupedStream#aggregate: fold each key's values into the store and emit the key's new
 * aggregate. An `undefined` aggregate deletes the key (Kafka Streams' null), so state lasts
 * only as long as the key does.
 */
export function aggregateByKey<T, A>(
  store: StateStore<A>,
  init: () => A,
  reduce: (aggregate: A, value: T, key: string) => A | undefined,
): OperatorFunction<Keyed<T>, Keyed<A | undefined>> {
  return map(({ key, value }) => {
    const next = reduce(store.get(key) ?? init(), value, key);
    if (next === undefined) store.delete(key);
    else store.put(key, next);
    return { key, value: next };
  });
}

/** A processor: a stream of `I` in, a stream of `O` out (Kafka Streams' Processor, as RxJS). */
export type Processor<I, O> = OperatorFunction<I, O>;

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
