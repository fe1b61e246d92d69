import type { ObjectStore } from '@mdp/delta-check';

/**
 * The Spark job's progress, read from its streaming checkpoint in the lake
 * bucket (`_checkpoints/cdc`): `offsets/<n>` is written when batch n starts (its
 * Kafka end offsets, and the batch's start time), `commits/<n>` when it is done.
 */
export interface SparkProbe {
  /** Kafka offsets (topic → partition → next offset) up to which the job is done. */
  readonly committed: ReadonlyMap<string, ReadonlyMap<number, number>>;
  /** The newest committed batches, oldest first. */
  readonly batches: readonly Batch[];
  /** A batch started and not committed yet: the job is at work on it (or died in it). */
  readonly running?: { readonly id: number; readonly startedAt: string };
}

export interface Batch {
  readonly id: number;
  /** Kafka records the batch read (undefined for the oldest batch kept). */
  readonly records?: number;
  readonly startedAt: string;
  /** When its commit was written; undefined when the store does not say. */
  readonly endedAt?: string;
  readonly durationMs?: number;
}

const CHECKPOINT = '_checkpoints/cdc';
const BATCHES_SHOWN = 10;

/** undefined: the job has no checkpoint yet (it never finished a first batch). */
export async function probeSpark(store: ObjectStore): Promise<SparkProbe | undefined> {
  const commits = new Map<number, Date | undefined>();
  for await (const info of store.list(`${CHECKPOINT}/commits/`)) {
    const id = batchId(info.key);
    if (id !== undefined) commits.set(id, info.modified);
  }
  if (commits.size === 0) return undefined;
  const started: number[] = [];
  for await (const info of store.list(`${CHECKPOINT}/offsets/`)) {
    const id = batchId(info.key);
    if (id !== undefined) started.push(id);
  }
  const ids = [...commits.keys()].sort((a, b) => a - b).slice(-(BATCHES_SHOWN + 1));
  const offsets = new Map<number, BatchOffsets>();
  for (const id of ids) {
    const bytes = await store.get(`${CHECKPOINT}/offsets/${id}`);
    if (bytes) offsets.set(id, parseOffsets(new TextDecoder().decode(bytes)));
  }
  const batches: Batch[] = [];
  for (const id of ids) {
    const own = offsets.get(id);
    if (!own) continue;
    const before = offsets.get(id - 1);
    const endedAt = commits.get(id);
    batches.push({
      id,
      ...(before && { records: total(own.ends) - total(before.ends) }),
      startedAt: new Date(own.startedAtMs).toISOString(),
      ...(endedAt && {
        endedAt: endedAt.toISOString(),
        durationMs: endedAt.getTime() - own.startedAtMs,
      }),
    });
  }
  const newest = offsets.get(ids.at(-1)!);
  const runningId = Math.max(...started);
  const running =
    runningId > ids.at(-1)! ? await store.get(`${CHECKPOINT}/offsets/${runningId}`) : undefined;
  return {
    committed: newest?.ends ?? new Map(),
    batches: batches.slice(-BATCHES_SHOWN),
    ...(running && {
      running: {
        id: runningId,
        startedAt: new Date(
          parseOffsets(new TextDecoder().decode(running)).startedAtMs,
        ).toISOString(),
      },
    }),
  };
}

interface BatchOffsets {
  startedAtMs: number;
  ends: Map<string, Map<number, number>>;
}

/**
 * An offsets file: `v1`, the batch's metadata (`batchTimestampMs`), then one line
 * per source; the Kafka source's is `{"topic":{"partition":offset}}`.
 */
export function parseOffsets(text: string): BatchOffsets {
  const [, metadata, ...sources] = text.split('\n').filter((line) => line.trim() !== '');
  const ends = new Map<string, Map<number, number>>();
  for (const line of sources) {
    const parsed = JSON.parse(line) as unknown;
    if (typeof parsed !== 'object' || parsed === null) continue;
    for (const [topic, partitions] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof partitions !== 'object' || partitions === null) continue;
      ends.set(
        topic,
        new Map(
          Object.entries(partitions as Record<string, number>).map(([p, o]) => [Number(p), o]),
        ),
      );
    }
  }
  const startedAtMs = Number(
    (JSON.parse(metadata ?? '{}') as { batchTimestampMs?: number }).batchTimestampMs ?? 0,
  );
  return { startedAtMs, ends };
}

function batchId(key: string): number | undefined {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return /^\d+$/.test(name) ? Number(name) : undefined;
}

function total(ends: ReadonlyMap<string, ReadonlyMap<number, number>>): number {
  let sum = 0;
  for (const partitions of ends.values()) for (const offset of partitions.values()) sum += offset;
  return sum;
}
