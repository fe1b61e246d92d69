import type { PipelineStatus } from '../judge.js';

/** One point of the console's charts. */
interface Sample {
  readonly at: number;
  /** Records into the CDC topics per second since the previous sample. */
  readonly eventsPerSecond?: number;
  readonly sparkBehind?: number;
  readonly walUnconfirmedBytes?: number;
  /** How long ago silver's newest commit was, at `at` (while changes flow: how stale silver is). */
  readonly silverAgeMs?: number;
}

interface BatchPoint {
  readonly id: number;
  readonly endedAt: number;
  readonly durationMs: number;
  readonly records?: number;
}

export interface History {
  add(status: PipelineStatus): void;
  snapshot(): { samples: readonly Sample[]; batches: readonly BatchPoint[] };
}

/** The last `limit` samples and batches, in memory: bounded, whatever the uptime. */
export function createHistory(limit = 900): History {
  const samples: Sample[] = [];
  const batches = new Map<number, BatchPoint>();
  let previous: { at: number; kafkaRecords: number } | undefined;
  return {
    add(status) {
      const at = Date.parse(status.at);
      const { kafkaRecords, sparkBehind, walUnconfirmedBytes, silverCommittedAt } = status.figures;
      const eventsPerSecond =
        previous && kafkaRecords !== undefined && at > previous.at
          ? Math.max(0, ((kafkaRecords - previous.kafkaRecords) * 1000) / (at - previous.at))
          : undefined;
      if (kafkaRecords !== undefined) previous = { at, kafkaRecords };
      samples.push({
        at,
        ...(eventsPerSecond !== undefined && { eventsPerSecond }),
        ...(sparkBehind !== undefined && { sparkBehind }),
        ...(walUnconfirmedBytes !== undefined && { walUnconfirmedBytes }),
        ...(silverCommittedAt && { silverAgeMs: Math.max(0, at - Date.parse(silverCommittedAt)) }),
      });
      if (samples.length > limit) samples.splice(0, samples.length - limit);
      for (const batch of status.batches) {
        if (batch.endedAt === undefined || batch.durationMs === undefined) continue;
        batches.set(batch.id, {
          id: batch.id,
          endedAt: Date.parse(batch.endedAt),
          durationMs: batch.durationMs,
          ...(batch.records !== undefined && { records: batch.records }),
        });
      }
      const oldest = [...batches.values()].sort((a, b) => a.endedAt - b.endedAt);
      for (const batch of oldest.slice(0, Math.max(0, oldest.length - limit)))
        batches.delete(batch.id);
    },
    snapshot: () => ({
      samples: [...samples],
      batches: [...batches.values()].sort((a, b) => a.endedAt - b.endedAt),
    }),
  };
}
