import { describe, expect, it } from 'vitest';
import { pollUntil } from '../src/index.js';

describe('pollUntil', () => {
  it('returns once the condition holds, polling again until then', async () => {
    let calls = 0;
    await pollUntil('three calls', () => Promise.resolve(++calls === 3), 5_000, 1);
    expect(calls).toBe(3);
  });

  it('fails with what it waited for after the deadline', async () => {
    await expect(pollUntil('the moon', () => false, 20, 5)).rejects.toThrow(
      'the moon: not within 0.02 s',
    );
  });

  it('ends the wait with the error a poll throws', async () => {
    await expect(
      pollUntil('a probe', () => Promise.reject(new Error('refused')), 5_000, 1),
    ).rejects.toThrow('refused');
  });
});
