import { describe, expect, it } from 'vitest';
import { durationMs } from '../src/index.js';

describe('durationMs', () => {
  it('reads ms, s, m, min and h; a bare number is seconds', () => {
    expect(durationMs('500ms')).toBe(500);
    expect(durationMs('10s')).toBe(10_000);
    expect(durationMs('1.5')).toBe(1_500);
    expect(durationMs(' 2m ')).toBe(120_000);
    expect(durationMs('3min')).toBe(180_000);
    expect(durationMs('1h')).toBe(3_600_000);
  });

  it('is NaN for anything else, zero included', () => {
    for (const text of ['', '0', '0s', '-5s', '5x', '5 s', 'soon', '1e3'])
      expect(durationMs(text), text).toBeNaN();
  });
});
