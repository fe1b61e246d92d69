import { describe, expect, it } from 'vitest';
import { dueBatchSize, msUntilDue } from '../../src/sim/pacing.js';

describe('paced schedule', () => {
  it('waits until event k is due at k × interval', () => {
    expect(msUntilDue(0, 0, 20)).toBe(0);
    expect(msUntilDue(3, 45, 20)).toBe(15);
    expect(msUntilDue(3, 61, 20)).toBe(-1);
  });

  it('sends one event a round trip while on schedule', () => {
    for (const [k, elapsed] of [
      [0, 0],
      [1, 20],
      [1, 39.9],
      [50, 1000.5],
    ] as const)
      expect(dueBatchSize(k, elapsed, 20, 100), `${k} at ${elapsed}`).toBe(1);
  });

  it('adds the events that fell due while behind, up to the batch size', () => {
    expect(dueBatchSize(1, 40, 20, 100)).toBe(2);
    expect(dueBatchSize(0, 1000, 20, 100)).toBe(51);
    expect(dueBatchSize(0, 10_000, 20, 100)).toBe(100);
  });

  it('fills whole batches at full speed', () => {
    expect(dueBatchSize(7, 0, 0, 100)).toBe(100);
  });
});
