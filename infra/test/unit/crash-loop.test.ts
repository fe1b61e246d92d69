import { describe, expect, it } from 'vitest';
import { createCrashLoopGuard } from '../../src/watchdog/crash-loop.js';

const MINUTE = 60_000;

describe('crash-loop guard', () => {
  it('gives up at the limit of restarts within the window, not on restarts spread wider', () => {
    const guard = createCrashLoopGuard(3, 10 * MINUTE);
    expect(guard.observe('minio', 7, 0)).toBe(false); // restarts before the guard saw it: not timed
    expect(guard.observe('minio', 8, 1 * MINUTE)).toBe(false);
    expect(guard.observe('minio', 9, 2 * MINUTE)).toBe(false);
    expect(guard.observe('minio', 9, 12 * MINUTE)).toBe(false); // the first two left the window
    expect(guard.recent('minio', 12 * MINUTE)).toBe(0);
    expect(guard.observe('minio', 11, 13 * MINUTE)).toBe(false);
    expect(guard.observe('minio', 12, 13 * MINUTE + 5_000)).toBe(true);
  });

  it('keeps services apart, and forgets one started again by hand', () => {
    const guard = createCrashLoopGuard(2, MINUTE);
    guard.observe('spark', 0, 0);
    guard.observe('kafka', 0, 0);
    expect(guard.observe('spark', 2, 1_000)).toBe(true);
    expect(guard.observe('kafka', 1, 1_000)).toBe(false);
    guard.forget('spark');
    expect(guard.observe('spark', 2, 2_000)).toBe(false);
    expect(guard.observe('spark', 3, 3_000)).toBe(false);
    expect(guard.observe('spark', 4, 4_000)).toBe(true);
  });
});
