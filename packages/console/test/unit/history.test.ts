import { describe, expect, it } from 'vitest';
import type { PipelineStatus } from '../../src/judge.js';
import { createHistory } from '../../src/server/history.js';

const T0 = Date.parse('2026-12-04T02:00:00Z');

function status(atMs: number, kafkaRecords: number, batchId: number): PipelineStatus {
  return {
    at: new Date(atMs).toISOString(),
    ok: true,
    stages: [],
    tables: [],
    verdicts: [],
    batches: [
      {
        id: batchId,
        records: 10,
        startedAt: new Date(atMs - 3000).toISOString(),
        endedAt: new Date(atMs - 1000).toISOString(),
        durationMs: 2000,
      },
    ],
    figures: {
      kafkaRecords,
      sparkBehind: 5,
      walUnconfirmedBytes: 4096,
      silverCommittedAt: new Date(atMs - 1500).toISOString(),
    },
  };
}

describe("the console's history", () => {
  it('events/s from consecutive Kafka counts, the age of silver, and each batch once', () => {
    const history = createHistory();
    history.add(status(T0, 1000, 1));
    history.add(status(T0 + 2000, 1100, 1)); // the same batch seen again
    history.add(status(T0 + 4000, 1100, 2));
    const { samples, batches } = history.snapshot();
    expect(samples.map((s) => s.eventsPerSecond)).toEqual([undefined, 50, 0]);
    expect(samples[1]).toMatchObject({
      sparkBehind: 5,
      walUnconfirmedBytes: 4096,
      silverAgeMs: 1500,
    });
    expect(batches.map((b) => b.id)).toEqual([1, 2]);
  });

  it('keeps only the newest samples and batches: bounded, whatever the uptime', () => {
    const history = createHistory(3);
    for (let i = 0; i < 10; i++) history.add(status(T0 + i * 2000, 1000 + i, i));
    const { samples, batches } = history.snapshot();
    expect(samples.map((s) => s.at)).toEqual([T0 + 14_000, T0 + 16_000, T0 + 18_000]);
    expect(batches.map((b) => b.id)).toEqual([7, 8, 9]);
  });
});
