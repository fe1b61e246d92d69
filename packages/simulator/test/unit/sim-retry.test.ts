import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src/sim/dispatcher.js';
import { SimError, SimRuleError } from '../../src/sim/errors.js';
import { backoffMs, isConnectionFailure, isRetriable } from '../../src/sim/retry.js';

/** An error shaped like the ones node-postgres and node:net raise. */
const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('what a lost connection is', () => {
  it('retries a server that went away, a refused or cut socket, a dead pg connection', () => {
    for (const err of [
      withCode('57P01'), // admin_shutdown: restart, pg_terminate_backend
      withCode('57P02'), // crash_shutdown
      withCode('57P03'), // cannot_connect_now: starting up, shutting down
      withCode('08006'), // connection_failure
      withCode('08001'),
      withCode('ECONNREFUSED'),
      withCode('ECONNRESET'),
      withCode('EPIPE'),
      withCode('ETIMEDOUT'),
      new Error('Connection terminated unexpectedly'),
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('Connection terminated due to connection timeout', {
        cause: new Error('Connection terminated unexpectedly'),
      }),
    ])
      expect(isConnectionFailure(err), `${(err as { code?: string }).code ?? err.message}`).toBe(
        true,
      );
  });

  it('does not retry a refused event, a bad state, a lock or a bad login', () => {
    for (const err of [
      withCode('MDP01'), // a business rule checked in the database
      withCode('23505'), // unique violation
      withCode('40001'),
      withCode('55P03'), // lock not available
      withCode('57014'), // query canceled: the connection is fine
      withCode('28P01'), // bad password
      withCode('3D000'), // no such database
      withCode('ENOTFOUND'),
      new TypeError('Connection terminated'), // not the driver's plain Error
      new Error('something else'),
      'Connection terminated',
    ])
      expect(isConnectionFailure(err), String((err as { code?: string }).code ?? err)).toBe(false);
  });

  it('follows an error of ours by its retriable flag, a raw one by its connection', () => {
    expect(isRetriable(new SimError('SIM_APPLY_FAILED', 'x', { retriable: true }))).toBe(true);
    expect(isRetriable(new SimError('SIM_APPLY_FAILED', 'x'))).toBe(false);
    expect(isRetriable(new SimRuleError(3, 'stock would go negative'))).toBe(false);
    expect(isRetriable(withCode('57P01'))).toBe(true);
    expect(isRetriable(withCode('MDP01'))).toBe(false);
  });
});

describe('backoff between reconnects', () => {
  const policy = { initialMs: 100, maxMs: 5_000 };

  it('doubles from 100 ms up to 5 s, jittered within the upper half', () => {
    const ceilings = [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000];
    ceilings.forEach((ceiling, attempt) => {
      expect(backoffMs(attempt, policy, () => 0)).toBe(ceiling / 2);
      expect(backoffMs(attempt, policy, () => 0.999_999)).toBeCloseTo(ceiling, 0);
    });
    expect(backoffMs(1_000, policy, () => 1)).toBe(5_000); // no overflow, still capped
  });

  it('spreads clients cut at once', () => {
    const waits = new Set(Array.from({ length: 20 }, () => backoffMs(4, policy)));
    expect(waits.size).toBeGreaterThan(1);
    for (const wait of waits) expect(wait).toBeGreaterThanOrEqual(800);
    for (const wait of waits) expect(wait).toBeLessThanOrEqual(1600);
  });
});

describe('dispatcher after a failure', () => {
  it('settle() waits for the items in flight, hands over every failure and accepts items again', async () => {
    const done: number[] = [];
    const dispatcher = createDispatcher<{ seq: number; keys: string[] }>({
      concurrency: 4,
      apply: async (item) => {
        await new Promise((resolve) => setTimeout(resolve, item.seq));
        if (item.seq % 2 === 0) throw withCode('57P01');
      },
      onApplied: (item) => done.push(item.seq),
    });
    for (const seq of [1, 2, 3, 4]) await dispatcher.submit({ seq, keys: [`k${seq}`] });
    const failures = await dispatcher.settle();
    expect(failures.map((e) => (e as { code: string }).code)).toEqual(['57P01', '57P01']);
    expect(done.sort()).toEqual([1, 3]);
    await dispatcher.submit({ seq: 5, keys: ['k1'] });
    await dispatcher.drain();
    expect(done).toContain(5);
  });
});
